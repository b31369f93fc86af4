// Classifying a capture file: every IP packet through a FlowClassifier (a fresh flow table per
// capture, so flows never leak between files), and one report per TCP/UDP flow when it leaves the
// table. What `rope classify`, the accuracy test and the benchmark share.
//
// Memory stays bounded whatever the capture's size: the flow table holds at most `maxFlows`
// flows, and with `onFlow` each report goes out as its flow ends — idle past its timeout in
// capture time, ended (FIN both ways or RST) and idle past the shorter timeout of ended
// connections, evicted as the least recently used at `maxFlows`, or replaced by a new SYN on its
// tuple — and is forgotten; the flows still open when the capture ends follow, by first packet.
// A packet of a tuple whose flow has been reported starts a new flow (and a new report).
import { IPPROTO_TCP, IPPROTO_UDP, Packet } from '@p2pwall/core';
import type { Flow } from '@p2pwall/core/flow';
import { CaptureError, forEachPacket, openCapture, SUPPORTED_LINK_TYPES } from '@p2pwall/core/pcap';
import type { ClassifierRule, FlowClassifierOptions } from './classifier-options.js';
import { FlowClassifier } from './flow-classifier.js';
import type { FlowLabels } from './flow-labels.js';

/** One TCP or UDP flow of a capture and the labels it got. */
export interface FlowReport {
  /** Order of first appearance in the capture (1, 2, …; counting flows of every protocol). */
  id: number;
  l4: 'tcp' | 'udp';
  /** The initiator (sender of the flow's first packet), `ip:port` or `[ip6]:port`. */
  a: string;
  b: string;
  /** Labels of the scripts that matched, in script order. */
  labels: string[];
  /** Per label: the flow's packet number (1-based, both directions) of the matching packet. */
  matchedAt: number[];
  /**
   * Per label: why it matched — the signature the script named with `via`, or `learned:` and
   * what taught the table key it found (FlowLabels.via); null when the script said neither.
   */
  via: (string | null)[];
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
  /** TCP and UDP flows in order of first appearance; empty when `onFlow` or `onFlowView` took them. */
  flows: FlowReport[];
  /** TCP and UDP flows reported. */
  flowCount: number;
  /** Why reading stopped before the end of the file (the flows before it are reported). */
  error: CaptureError | null;
  /** The classifier used (its `stats` count the runs of each script). */
  classifier: FlowClassifier;
}

export interface ClassifyOptions extends Pick<
  FlowClassifierOptions,
  'window' | 'emptyPackets' | 'caps' | 'flows'
> {
  /**
   * Takes each flow's report as soon as it is known, instead of `CaptureReport.flows` collecting
   * them all: first the flows that end during the capture, in the order they end, then the flows
   * still open at its end, in order of first appearance.
   */
  onFlow?: (report: FlowReport) => void;
  /**
   * Instead of `onFlow`, the flow itself and its labels, in the same order, without a report
   * being made (FlowJsonLine writes from them). Both are views, valid during the call only.
   */
  onFlowView?: (flow: Flow, labels: FlowLabels) => void;
}

function report(f: Flow, l: FlowLabels, names: readonly string[]): FlowReport {
  const labels: string[] = [];
  const matchedAt: number[] = [];
  const via: (string | null)[] = [];
  for (let i = 0; i < names.length; i++) {
    if (l.has(i)) {
      labels.push(names[i]);
      matchedAt.push(l.matchedAt(i));
      via.push(l.via(i));
    }
  }
  return {
    id: f.id,
    l4: f.protocol === IPPROTO_TCP ? 'tcp' : 'udp',
    a: f.endpointA(),
    b: f.endpointB(),
    labels,
    matchedAt,
    via,
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
  const { onFlow: given, onFlowView: view, ...classifierOptions } = options;
  const flows: FlowReport[] = [];
  const onFlow = given ?? ((r: FlowReport) => flows.push(r));
  let names: readonly string[] = [];
  const emit = view ?? ((f: Flow, l: FlowLabels): void => onFlow(report(f, l, names)));
  let ended = true;
  const classifier = new FlowClassifier(rules, {
    ...classifierOptions,
    onFlowEnd: (f, l) => {
      if (ended && (f.protocol === IPPROTO_TCP || f.protocol === IPPROTO_UDP)) {
        result.flowCount++;
        emit(f, l);
      }
    },
  });
  names = classifier.labels;
  const result: CaptureReport = {
    path,
    records: 0,
    ipPackets: 0,
    unsupportedLinkTypes: new Map(),
    flows,
    flowCount: 0,
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
  // the flows still open, by first appearance: only the Flow objects the table already holds are
  // sorted, each report is made as it goes out
  const open = [...classifier.flows()].sort((x, y) => x.id - y.id);
  for (const f of open) {
    if (f.protocol !== IPPROTO_TCP && f.protocol !== IPPROTO_UDP) continue;
    result.flowCount++;
    emit(f, classifier.labelsOf(f));
  }
  ended = false;
  classifier.drain();
  if (given === undefined && view === undefined) flows.sort((x, y) => x.id - y.id);
  return result;
}
