// The generated script applies l7-filter's kernel semantics, run through the flow classifier as
// `rope classify` runs it: the data of both directions accumulates, NUL bytes are removed, case
// is ignored, at most 2,047 bytes are kept, and nothing matches after the window's packets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTcpPacket, Packet, TCP_ACK, TCP_PSH, TCP_SYN } from '@p2pwall/core';
import { FlowClassifier } from '../classify/flow-classifier.js';
import { Verdict } from '../runtime/verdict.js';
import { compilePattern } from './load-pattern.js';

const packet = new Packet();
function decode(bytes: Uint8Array): Packet {
  assert.ok(packet.decode(bytes, 0, bytes.length));
  return packet;
}
const C = '192.0.2.10';
const S = '198.51.100.20';
const fromClient = (payload: string, flags = TCP_ACK | TCP_PSH) =>
  decode(buildTcpPacket({ src: C, dst: S, srcPort: 40000, dstPort: 80, flags, payload }));
const fromServer = (payload: string, flags = TCP_ACK | TCP_PSH) =>
  decode(buildTcpPacket({ src: S, dst: C, srcPort: 80, dstPort: 40000, flags, payload }));

function classifier(regex: string, window?: number): FlowClassifier {
  const r = compilePattern(`proto\n${regex}\n`, 'proto.pat', { window });
  assert.ok(r.script, r.diagnostics.map((d) => d.render()).join('\n'));
  return new FlowClassifier([{ script: r.script }]);
}

test('data of both directions accumulates: a match may span packets and directions', () => {
  const c = classifier('^hello world');
  assert.equal(c.classify(fromClient('HEL'), 1).verdicts[0], Verdict.NO);
  assert.equal(c.classify(fromServer('lo wo'), 2).verdicts[0], Verdict.NO);
  const r = c.classify(fromClient('RLD'), 3);
  assert.equal(r.verdicts[0], Verdict.YES);
  assert.ok(r.has(0));
});

test('NUL bytes are removed before matching', () => {
  const c = classifier('^ab\\x01c$');
  assert.equal(c.classify(fromClient('\0a\0b\0\0\x01c\0'), 1).verdicts[0], Verdict.YES);
});

test('no match after the window: packets of both directions count, handshake included', () => {
  const c = classifier('needle', 4);
  c.classify(fromClient('', TCP_SYN), 1);
  c.classify(fromServer('', TCP_SYN | TCP_ACK), 2);
  c.classify(fromClient('', TCP_ACK), 3);
  assert.equal(c.classify(fromClient('hay'), 4).verdicts[0], Verdict.NO);
  // the 5th packet of the connection: l7-filter has given up
  assert.equal(c.classify(fromServer('needle'), 5).verdicts[0], Verdict.NO);
  const d = classifier('needle', 5);
  for (const [p, t] of [
    [fromClient('', TCP_SYN), 1],
    [fromServer('', TCP_SYN | TCP_ACK), 2],
    [fromClient('', TCP_ACK), 3],
    [fromClient('hay'), 4],
  ] as const)
    d.classify(p, t);
  assert.equal(d.classify(fromServer('needle'), 5).verdicts[0], Verdict.YES);
});

test('at most 2,047 bytes are kept: data past them is never seen', () => {
  // 1400 + 645 + 2 = 2047: the `z` is cut off
  const c = classifier('xyz');
  c.classify(fromClient('a'.repeat(1400)), 1);
  assert.equal(c.classify(fromClient('b'.repeat(645) + 'xyz'), 2).verdicts[0], Verdict.NO);
  assert.equal(c.classify(fromServer('xyz'), 3).verdicts[0], Verdict.NO);
  const d = classifier('xyz');
  d.classify(fromClient('a'.repeat(1400)), 1);
  assert.equal(d.classify(fromClient('b'.repeat(644) + 'XYZ'), 2).verdicts[0], Verdict.YES);
});

test('$ anchors at the end of the data collected so far', () => {
  const c = classifier('^azver\\x01$');
  assert.equal(c.classify(fromClient('AZVER\x01'), 1).verdicts[0], Verdict.YES);
  const d = classifier('^azver\\x01$');
  assert.equal(d.classify(fromClient('azver'), 1).verdicts[0], Verdict.NO);
  assert.equal(d.classify(fromServer('\x01'), 2).verdicts[0], Verdict.YES);
});
