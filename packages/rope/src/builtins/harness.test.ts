// Shared by the tests of the built-in scripts. The name ends in .test.ts only to keep it out of
// the build (dist/); it registers no tests of its own.
//
// A conversation is a list of payloads, each from the client (→) or the server (←), built into
// real IPv4 or IPv6 TCP/UDP packets by the core's builder (TCP with a three-way handshake first
// and sequence numbers that advance with the payload) and run through a FlowClassifier with one
// built-in script, exactly as `rope classify` runs it.
import assert from 'node:assert/strict';
import { buildTcpPacket, buildUdpPacket, Packet, TCP_ACK, TCP_PSH, TCP_SYN } from '@p2pwall/core';
import type { Script } from '../runtime/script.js';
import type { Value } from '../runtime/values.js';
import { readFileSync } from 'node:fs';
import { builtinScriptPath, type BuiltinScript } from './builtin-scripts.js';
import { compileBuiltin } from './compile-builtin.js';
import { FlowClassifier } from '../classify/flow-classifier.js';

const loaded = new Map<string, Script>();

export function builtin(name: BuiltinScript): Script {
  let s = loaded.get(name);
  if (!s) {
    s = compileBuiltin(name, 1);
    loaded.set(name, s);
  }
  return s;
}

/** The names of the `# signature: NAME` comments of a built-in script, in file order, once each. */
export function signatureNames(name: BuiltinScript): string[] {
  const text = readFileSync(builtinScriptPath(name)!, 'utf8');
  return [...new Set([...text.matchAll(/^\s*# signature: (\S+)\s*$/gm)].map((m) => m[1]))];
}

/**
 * Checks that each conversation gets the label via the signature it is listed under, and that
 * the list names every signature of the script.
 */
export function assertEverySignature(
  name: BuiltinScript,
  cases: readonly (readonly [string, Conversation])[],
): void {
  const script = builtin(name);
  for (const [sig, conv] of cases) assert.equal(viaOf(script, conv), sig, sig);
  assert.deepEqual([...new Set(cases.map((x) => x[0]))].sort(), signatureNames(name).sort());
}

/** From the client (the initiator) or from the server. */
export const C = 0;
export const S = 1;

export interface Step {
  from: typeof C | typeof S;
  payload: string | Uint8Array;
  /**
   * TCP: send at this offset from the next sequence number of its direction (negative: data
   * already sent, e.g. a retransmission); such a packet does not advance the direction.
   */
  seq?: number;
}

export const c = (payload: string | Uint8Array, seq?: number): Step => ({ from: C, payload, seq });
export const s = (payload: string | Uint8Array, seq?: number): Step => ({ from: S, payload, seq });

export interface Conversation {
  l4: 'tcp' | 'udp';
  steps: Step[];
  serverPort?: number;
  clientPort?: number;
  /** Values pre-pushed for the script. */
  pushes?: Value[];
  window?: number;
}

/**
 * A builder of conversations over `l4`, to the server's port when given: `const tcp = over('tcp',
 * 4662)`, then `tcp(c('…'), s('…'))`.
 */
export function over(l4: 'tcp' | 'udp', serverPort?: number): (...steps: Step[]) => Conversation {
  return (...steps) => (serverPort === undefined ? { l4, steps } : { l4, steps, serverPort });
}

export const FAMILIES = [
  { name: 'IPv4', client: '192.0.2.10', server: '198.51.100.20' },
  { name: 'IPv6', client: '2001:db8::10', server: '2001:db8:1::20' },
] as const;

export const CLIENT_ISN = 0x7ffffff0; // the client's sequence numbers cross 2³¹ (int32 wrap)
export const SERVER_ISN = 0xfffffff8; // and the server's cross 2³²

/**
 * Runs the conversation over IPv4 and over IPv6; returns the 0-based index of the step on which
 * the flow got the script's label, or -1, and checks that both families agree.
 */
export function labelledAt(script: Script, conv: Conversation): number {
  const [v4, v6] = FAMILIES.map((f) => runOnce(script, conv, f.client, f.server));
  assert.equal(v6, v4, 'IPv4 and IPv6 disagree');
  return v4;
}

export function matches(script: Script, conv: Conversation): boolean {
  return labelledAt(script, conv) >= 0;
}

/**
 * The `via` of the label the conversation gets (the signature the script named), over IPv4 and
 * IPv6 (which must agree); undefined when the flow gets no label, null when it names none.
 */
export function viaOf(script: Script, conv: Conversation): string | null | undefined {
  const [v4, v6] = FAMILIES.map((f) => {
    let via: string | null | undefined;
    runOnce(script, conv, f.client, f.server, (v) => (via = v));
    return via;
  });
  assert.equal(v6, v4, 'IPv4 and IPv6 disagree');
  return v4;
}

function runOnce(
  script: Script,
  conv: Conversation,
  client: string,
  server: string,
  onVia?: (via: string | null) => void,
): number {
  const classifier = new FlowClassifier([{ script, pushes: conv.pushes ?? [] }], {
    window: conv.window,
  });
  const p = new Packet();
  const cp = conv.clientPort ?? 40000;
  const sp = conv.serverPort ?? 6881;
  const seq = [CLIENT_ISN, SERVER_ISN];
  let t = 1_700_000_000;
  const feed = (bytes: Uint8Array): boolean => {
    assert.ok(p.decode(bytes, 0, bytes.length));
    const r = classifier.classify(p, (t += 0.01));
    assert.equal(classifier.stats[0].lastError, null, classifier.stats[0].lastError?.render());
    if (r.newLabels > 0) onVia?.(r.labels.via(0));
    return r.newLabels > 0;
  };
  const addr = (from: number) =>
    from === C
      ? { src: client, dst: server, srcPort: cp, dstPort: sp }
      : { src: server, dst: client, srcPort: sp, dstPort: cp };
  if (conv.l4 === 'tcp') {
    feed(buildTcpPacket({ ...addr(C), flags: TCP_SYN, seq: seq[C] }));
    feed(buildTcpPacket({ ...addr(S), flags: TCP_SYN | TCP_ACK, seq: seq[S], ack: seq[C] + 1 }));
    seq[C] = (seq[C] + 1) >>> 0;
    seq[S] = (seq[S] + 1) >>> 0;
    feed(buildTcpPacket({ ...addr(C), flags: TCP_ACK, seq: seq[C], ack: seq[S] }));
  }
  for (let i = 0; i < conv.steps.length; i++) {
    const st = conv.steps[i];
    const payload = typeof st.payload === 'string' ? Buffer.from(st.payload, 'latin1') : st.payload;
    let hit: boolean;
    if (conv.l4 === 'tcp') {
      const at = st.seq !== undefined ? (seq[st.from] + st.seq) >>> 0 : seq[st.from];
      hit = feed(
        buildTcpPacket({
          ...addr(st.from),
          flags: TCP_ACK | TCP_PSH,
          seq: at,
          ack: seq[1 - st.from],
          payload,
        }),
      );
      if (st.seq === undefined) seq[st.from] = (seq[st.from] + payload.length) >>> 0;
    } else {
      hit = feed(buildUdpPacket({ ...addr(st.from), payload }));
    }
    if (hit) return i;
  }
  return -1;
}

/** Bytes from hex (spaces allowed) and latin1 text parts. */
export function bytes(...parts: (string | number[] | Uint8Array)[]): Uint8Array {
  return Buffer.concat(
    parts.map((x) => (typeof x === 'string' ? Buffer.from(x, 'latin1') : Buffer.from(x))),
  );
}

export function hex(text: string): Uint8Array {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

export function be16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}

export function be32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** `n` bytes of a fixed pseudo-random sequence (reproducible "encrypted" or random data). */
export function noise(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** BitTorrent's protocol string as a peer handshake (BEP 3) starts: its length byte, then the name. */
export const BT_PSTR = '\x13BitTorrent protocol';
/** The info-hash of the handshakes built here. */
export const BT_INFO_HASH = noise(20, 7);

/** A BEP 3 peer handshake (68 bytes; reserved bits for the extension protocol and the DHT). */
export function btHandshake(peerId = '-TR3000-abcdefghijkl'): Uint8Array {
  return bytes(BT_PSTR, [0, 0, 0, 0, 0, 0x10, 0, 5], BT_INFO_HASH, peerId);
}
