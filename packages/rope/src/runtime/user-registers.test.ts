// User registers start every run at 0, also when several scripts share one engine and a script
// with fewer register slots runs between two with more (the classifier runs every rule's script
// on each packet with one engine): found when seven built-in scripts ran together on a capture.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTcpPacket, Packet } from '@p2pwall/core';
import { compile, Engine, Verdict } from '../index.js';

const script = (source: string) => {
  const { script: s, diagnostics } = compile(source, 'regs.rope');
  assert.ok(s, diagnostics.map((d) => d.render()).join('\n'));
  return s;
};

test('a run sees 0 in every user register, whatever the scripts before it left', () => {
  const b = buildTcpPacket({
    src: '192.0.2.1',
    dst: '198.51.100.2',
    srcPort: 1,
    dstPort: 2,
    flags: 0x18,
    payload: 'x',
  });
  const p = new Packet();
  assert.ok(p.decode(b, 0, b.length));
  const e = new Engine();
  // named registers take the slots after $a…$z in order of appearance
  const many = script('"s" $r1 put "s" $r2 put "s" $r3 put yes');
  const none = script('yes');
  const reads = script('0 $q1 put 0 $q2 put $q3 1 add $q3 put $q3 1 eq yes no');
  assert.equal(many.run(e, { packet: p }), Verdict.YES);
  assert.equal(none.run(e, { packet: p }), Verdict.YES);
  assert.equal(reads.run(e, { packet: p }), Verdict.YES, e.lastError?.toString());
});
