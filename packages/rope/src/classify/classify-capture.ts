// Classifying a capture file: every IP packet through a FlowClassifier (a fresh flow table per
// capture, so flows never leak between files), and one report per TCP/UDP flow when it leaves the
// table. What `rope classify`, the accuracy test and the benchmark share.
import { IPPROTO_TCP, IPPROTO_UDP, Packet } from '@p2pwall/core';
import type { Flow } from '@p2pwall/core/flow';
import { CaptureError, forEachPacket, openCapture, SUPPORTED_LINK_TYPES } from '@p2pwall/core/pcap';
import {
  FlowClassifier,
  type ClassifierRule,
  type FlowClassifierOptions,
} from './flow-classifier.js';
import type { FlowLabels } from './flow-labels.js';

/** One TCP or UDP flow of a capture and the labels it got. */
export interface FlowReport {
  /** Order of first appearance in the capture (1, 2, …). */
  id: number;
  l4: 'tcp' | 'udp';
  /** The initiator (sender of the flow's first packet), `ip:port` or `[ip6]:port`. */
  a: string;
  b: string;
  /** Labels of the scripts that matched, in script order. */
  labels: string[];
  /** Per label: the flow's packet number (1-based, both directions) of the matching packet. */
  matchedAt: number[];
  packets: number;
  /** IP bytes, both directions. */
  bytes: number;
  /** Capture times of the first and last packet, seconds since 1970. */
  firstSeen: number;
  lastSeen: number;
}

export interface CaptureReport {
  /** The path as given. */
  path: string;
  /** Records read (packet records, whatever they carry). */
  records: number;
  /** Records holding an IP packet. */
  ipPackets: number;
  /** Records skipped because their link type is not one the readers decode, by link type. */
  unsupportedLinkTypes: Map<number, number>;
  /** TCP and UDP flows in order of first appearance. */
  flows: FlowReport[];
  /** Why reading stopped before the end of the file (the flows before it are reported). */
  error: CaptureError | null;
  /** The classifier used (its `stats` count the runs of each script). */
  classifier: FlowClassifier;
}

export type ClassifyOptions = Pick<
  FlowClassifierOptions,
  'window' | 'emptyPackets' | 'caps' | 'flows'
>;

function report(f: Flow, l: FlowLabels, names: readonly string[]): FlowReport {
  const labels: string[] = [];
  const matchedAt: number[] = [];
  for (let i = 0; i < names.length; i++) {
    if (l.has(i)) {
      labels.push(names[i]);
      matchedAt.push(l.matchedAt[i]);
    }
  }
  return {
    id: f.id,
    l4: f.protocol === IPPROTO_TCP ? 'tcp' : 'udp',
    a: f.endpointA(),
    b: f.endpointB(),
    labels,
    matchedAt,
    packets: f.totalPackets,
    bytes: f.totalBytes,
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
  };
}

/**
 * Classifies one capture file. Never throws for a bad capture: a file that cannot be opened or is
 * damaged part-way comes back with `error` set and the flows read before the damage.
 */
export function classifyCapture(
  path: string,
  rules: readonly ClassifierRule[],
  options: ClassifyOptions = {},
): CaptureReport {
  const flows: FlowReport[] = [];
  let names: readonly string[] = [];
  const classifier = new FlowClassifier(rules, {
    ...options,
    onFlowEnd: (f, l) => {
      if (f.protocol === IPPROTO_TCP || f.protocol === IPPROTO_UDP) flows.push(report(f, l, names));
    },
  });
  names = classifier.labels;
  const result: CaptureReport = {
    path,
    records: 0,
    ipPackets: 0,
    unsupportedLinkTypes: new Map(),
    flows,
    error: null,
    classifier,
  };
  const unsupported = result.unsupportedLinkTypes;
  const packet = new Packet();
  let reader;
  try {
    reader = openCapture(path);
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    result.error = e;
    return result;
  }
  let ipPackets = 0;
  try {
    result.records = forEachPacket(reader, packet, (r, p, isIp) => {
      if (!isIp) {
        // a link layer we cannot read is reported, not silently dropped (a record of a supported
        // link type without IP — ARP, STP — is simply not a flow)
        if (!SUPPORTED_LINK_TYPES.includes(r.linkType))
          unsupported.set(r.linkType, (unsupported.get(r.linkType) ?? 0) + 1);
        return;
      }
      ipPackets++;
      classifier.classify(p, r.tsSec + r.tsNsec / 1e9);
    });
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    result.error = e;
    result.records = Math.max(0, e.record - 1);
  } finally {
    reader.close();
  }
  result.ipPackets = ipPackets;
  classifier.drain();
  flows.sort((x, y) => x.id - y.id);
  return result;
}
