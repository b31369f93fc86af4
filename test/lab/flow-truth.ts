// Ground truth for a lab capture, from what the test launched: every flow that touches an endpoint
// of the BitTorrent swarm must be labelled bittorrent, every flow that touches a hard negative's
// server must be labelled nothing, and a flow that touches neither is an error (something ran that
// the test does not know about). Flows without payload (a SYN answered by RST, a stop announce to a
// tracker already gone) are left out: nothing in them can be recognised. `rope classify --json`
// runs as the user would run it; its `via` field, where it has one, goes into the messages. Given
// the same capture classified with every P2P script (`--script p2p`), a flow also must not carry
// another network's label (issue #14): the swarm's flows at most bittorrent, the negatives nothing.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachPacket, openCapture } from '@p2pwall/core/pcap';
import { formatIp, IPPROTO_TCP, IPPROTO_UDP, Packet, TCP_ACK, TCP_SYN } from '@p2pwall/core';
import { hostPort } from '../../tools/lab/addresses.js';
import { extractFlows } from '../../tools/lab/traffic/capture-flows.js';
import type { SwarmEndpoint } from '../../tools/lab/traffic/libtorrent.js';
import { foreignLabels, type ClassifiedFlow } from './p2p-labels.js';

export type { ClassifiedFlow } from './p2p-labels.js';

export interface TruthRow {
  flow: ClassifiedFlow;
  /** 'bittorrent' or null (must stay unlabelled). */
  expected: 'bittorrent' | null;
  /** What each known endpoint of the flow is, e.g. ['leecher1', 'seeder'], ['https']. */
  roles: string[];
}

export interface Verdict {
  rows: TruthRow[];
  /** Human-readable lines: missed BitTorrent flows, false positives, unknown flows. */
  wrong: string[];
  /** Flows left out for having no payload. */
  empty: number;
}

const flowKey = (l4: string, x: string, y: string) => `${l4} ${x < y ? `${x} ${y}` : `${y} ${x}`}`;

/**
 * Flows of `file` whose opening is in it: a TCP SYN, or a uTP ST_SYN (BEP 29: first byte 0x41,
 * type 4 version 1, in a datagram of at least the 20-byte header). A flow not in this set was
 * already running when the capture began.
 */
export function openingsSeen(file: string): Set<string> {
  const seen = new Set<string>();
  const reader = openCapture(file);
  try {
    forEachPacket(reader, new Packet(), (_record, p, isIp) => {
      if (!isIp || !p.hasPorts) return;
      const src = hostPort(formatIp(p.buf, p.srcOffset, p.addrLength), p.srcPort);
      const dst = hostPort(formatIp(p.buf, p.dstOffset, p.addrLength), p.dstPort);
      if (p.protocol === IPPROTO_TCP && (p.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN)
        seen.add(flowKey('tcp', src, dst));
      if (p.protocol === IPPROTO_UDP && p.payloadLength >= 20 && p.buf[p.payloadOffset] === 0x41)
        seen.add(flowKey('udp', src, dst));
    });
  } finally {
    reader.close();
  }
  return seen;
}

/**
 * For each TCP flow opened in `file` (its SYN seen): how many payload packets the called side
 * sent, retransmissions counted once. An MSE/PE handshake has the shape that tells it apart only
 * once the responder has spoken twice — its key, then its answer to the initiator's hashes
 * (docs/detection.md) — so a connection the responder ends before that (a CI run had one, 8
 * packets to a hybrid torrent's seeder) is out of reach of the shape alone.
 */
export function responderPayloads(file: string): Map<string, number> {
  const called = new Map<string, string>();
  const seen = new Map<string, Set<string>>();
  const reader = openCapture(file);
  try {
    forEachPacket(reader, new Packet(), (_record, p, isIp) => {
      if (!isIp || !p.hasPorts || p.protocol !== IPPROTO_TCP) return;
      const src = hostPort(formatIp(p.buf, p.srcOffset, p.addrLength), p.srcPort);
      const dst = hostPort(formatIp(p.buf, p.dstOffset, p.addrLength), p.dstPort);
      const key = flowKey('tcp', src, dst);
      if ((p.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN) {
        called.set(key, dst);
        seen.set(key, new Set());
      } else if (p.payloadLength > 0 && called.get(key) === src) {
        // a retransmission repeats the bytes; distinct MSE/PE packets never do (random keys, RC4)
        const bytes = p.buf.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength);
        seen.get(key)!.add(Buffer.from(bytes).toString('base64'));
      }
    });
  } finally {
    reader.close();
  }
  return new Map([...seen].map(([key, packets]) => [key, packets.size]));
}

/** The key `openingsSeen` uses for a classified flow. */
export function keyOf(f: ClassifiedFlow): string {
  return flowKey(f.l4, f.a, f.b);
}

/** One line about a flow, for assertion messages: endpoints, size, labels and why (`via`). */
export const describe = (f: ClassifiedFlow) =>
  `${f.l4} ${f.a} → ${f.b} (${f.packets} packets, ${f.bytes} bytes; labels [${f.labels.join(', ')}]` +
  `${f.via === undefined ? '' : `, via ${JSON.stringify(f.via)}`})`;

/**
 * Judges every flow of `file` (classified as `flows`, and as `p2p` with `--script p2p` when given)
 * against the endpoints the test launched.
 */
export function judge(
  file: string,
  flows: ClassifiedFlow[],
  bittorrent: readonly SwarmEndpoint[],
  negatives: readonly SwarmEndpoint[],
  p2p: readonly ClassifiedFlow[] = [],
): Verdict {
  const key = flowKey;
  const withPayload = new Set(
    extractFlows(file, { multicast: true }).map((f) =>
      key(
        f.proto,
        hostPort(f.initiator.address, f.initiator.port),
        hostPort(f.responder.address, f.responder.port),
      ),
    ),
  );
  const owner = new Map<string, { expected: 'bittorrent' | null; role: string }>();
  for (const e of bittorrent)
    owner.set(`${e.l4} ${hostPort(e.address, e.port)}`, { expected: 'bittorrent', role: e.role });
  for (const e of negatives)
    owner.set(`${e.l4} ${hostPort(e.address, e.port)}`, { expected: null, role: e.role });
  const ownersOf = (f: ClassifiedFlow) =>
    [owner.get(`${f.l4} ${f.a}`), owner.get(`${f.l4} ${f.b}`)].filter((o) => o !== undefined);
  const rows: TruthRow[] = [];
  const wrong: string[] = [];
  let empty = 0;
  for (const f of flows) {
    if (!withPayload.has(key(f.l4, f.a, f.b))) {
      empty++;
      if (f.labels.length > 0) wrong.push(`labelled, yet without payload: ${describe(f)}`);
      continue;
    }
    const owners = ownersOf(f);
    const kinds = new Set(owners.map((o) => o.expected));
    if (owners.length === 0 || kinds.size > 1) {
      wrong.push(`unknown flow (launched by nobody the test knows): ${describe(f)}`);
      continue;
    }
    const { expected } = owners[0];
    const roles = owners.map((o) => o.role);
    const role = roles.join(' ↔ ');
    rows.push({ flow: f, expected, roles });
    const got = f.labels.includes('bittorrent');
    if (expected === 'bittorrent' && !got) wrong.push(`missed (${role}): ${describe(f)}`);
    if (expected === null && f.labels.length > 0)
      wrong.push(`false positive (${role}): ${describe(f)}`);
  }
  // flows of nobody the test knows were reported above, from the default scripts' run
  const foreign = foreignLabels(p2p, (f) => {
    const kinds = new Set(ownersOf(f).map((o) => o.expected));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  });
  for (const line of foreign) wrong.push(`false positive with --script p2p: ${line}`);
  return { rows, wrong, empty };
}

/**
 * With P2PWALL_LAB_CAPTURES=DIR set, keeps the capture and its truth (one TSV row per flow:
 * l4, a, b, expected label or '-', role, labels got) as DIR/NAME.pcap and DIR/NAME.truth.tsv.
 */
export function keepCapture(name: string, file: string, verdict: Verdict): void {
  const dir = process.env.P2PWALL_LAB_CAPTURES;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  copyFileSync(file, join(dir, `${name}.pcap`));
  const lines = ['# l4\ta\tb\texpected\trole\tlabels (as classified when recorded)'];
  for (const r of verdict.rows)
    lines.push(
      [
        r.flow.l4,
        r.flow.a,
        r.flow.b,
        r.expected ?? '-',
        r.roles.join(' ↔ '),
        r.flow.labels.join(',') || '-',
      ].join('\t'),
    );
  writeFileSync(join(dir, `${name}.truth.tsv`), lines.join('\n') + '\n');
}
