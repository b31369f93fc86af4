// A script that declares tables keeps running on the flows it labelled, while their window is
// open, to learn from what follows the packet that proved the flow (a hello answer, a hub's
// connection requests): its verdicts there change nothing and are not counted. And `$tables_grew`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTcpPacket, Packet, TCP_ACK, TCP_PSH } from '@p2pwall/core';
import { Verdict } from '../runtime/verdict.js';
import { FlowClassifier } from './flow-classifier.js';
import { NOT_RUN } from './packet-result.js';
import { compiled as script } from './classifier.test-support.js';

const packet = new Packet();
const tcp = (src: string, srcPort: number, dst: string, dstPort: number, payload: string) => {
  const b = buildTcpPacket({ src, dst, srcPort, dstPort, flags: TCP_ACK | TCP_PSH, payload });
  assert.ok(packet.decode(b, 0, b.length));
  return packet;
};
const C = '192.0.2.10';
const S = '198.51.100.20';

// "HELLO" proves a flow; "PORT <n>" (anywhere in the flow) teaches the sender's address with n
const learner = script(
  `table( "seen" 1024 600 )
   dst_endpoint_key "seen" table_has yes
   $data "PORT " find $f put
   $f 0 ge { $ip_saddr $data $f 5 add $data_len $f sub 5 sub substr atoi endpoint_key "seen" table_add } if
   $data "HELLO" find 0 ge yes
   no`,
  'learner',
);

test('a script with tables learns from the packets after its YES, within the window', () => {
  const c = new FlowClassifier([{ script: learner }], { window: 3 });
  assert.equal(c.classify(tcp(C, 40000, S, 7000, 'HELLO'), 1).newLabels, 1);
  const r = c.classify(tcp(S, 7000, C, 40000, 'PORT 7100'), 2);
  assert.equal(r.verdicts[0], NOT_RUN, 'the run after the label is not a verdict');
  assert.equal(r.newLabels, 0);
  assert.equal(c.stats[0].runs, 1, 'nor counted');
  // past the window (3 packets with payload per direction) the flow teaches nothing more
  for (const p of ['a', 'b', 'PORT 7200']) c.classify(tcp(S, 7000, C, 40000, p), 3);
  assert.equal(c.classify(tcp('192.0.2.99', 40001, S, 7100, 'x'), 4).newLabels, 1);
  assert.equal(c.classify(tcp('192.0.2.99', 40002, S, 7200, 'x'), 5).newLabels, 0);
});

test('a script without tables still stops at its YES', () => {
  const plain = script('$n inc  $data "HELLO" find 0 ge yes  no', 'plain');
  const c = new FlowClassifier([{ script: plain }, { script: learner }]);
  c.classify(tcp(C, 40000, S, 7000, 'HELLO'), 1);
  const r = c.classify(tcp(S, 7000, C, 40000, 'PORT 7100'), 2);
  assert.equal(r.ran, 0);
  assert.deepEqual([c.stats[0].runs, c.stats[1].runs], [1, 1]);
});

// `$tables_grew`: 0 only when the scripts ran on the flow before, in its window, and no table of
// the engine gained a key since that run began, so a script may skip lookups whose answer cannot
// have changed; a key learned meanwhile (by any flow) makes it 1 again on the next packet.

// looks its destination up only when the tables grew; "TEACH" teaches the sender's endpoint
const lookup = script(
  `table( "seen" 1024 600 )
   $tables_grew { dst_endpoint_key "seen" table_has yes } if
   $data "TEACH" eq { src_endpoint_key "seen" table_add } if
   no`,
  'lookup',
);
// says YES the first time it reads $tables_grew 0
const probe = script('$tables_grew not yes  no', 'probe');

const PROBE = 1;

test('$tables_grew is 1 on a flow’s first run and 0 on the next while nothing was learned', () => {
  const c = new FlowClassifier([{ script: lookup }, { script: probe }]);
  assert.equal(c.classify(tcp(C, 40000, S, 7000, 'a'), 1).verdicts[PROBE], Verdict.NO);
  assert.equal(c.classify(tcp(S, 7000, C, 40000, 'b'), 2).verdicts[PROBE], Verdict.YES);
});

test('a key learned by another flow makes it 1 again, and the lookup then finds it', () => {
  const c = new FlowClassifier([{ script: lookup }, { script: probe }]);
  // the flow's first packet: looked up, missing
  let r = c.classify(tcp(C, 40001, S, 7001, 'a'), 1);
  assert.equal(r.newLabels, 0);
  // another flow teaches the first flow's destination
  c.classify(tcp(S, 7001, '192.0.2.77', 50000, 'TEACH'), 2);
  // the first flow's next packet: the tables grew, so the learner looks again and finds it
  r = c.classify(tcp(C, 40001, S, 7001, 'b'), 3);
  assert.equal(r.verdicts[0], Verdict.YES, 'learned mid-window: labelled on the next packet');
  assert.equal(r.verdicts[PROBE], Verdict.NO, '$tables_grew was 1');
  // nothing learned since: 0
  assert.equal(c.classify(tcp(C, 40001, S, 7001, 'c'), 4).verdicts[PROBE], Verdict.YES);
});

test('a key learned by a run on the same packet counts for the next packet', () => {
  // the flow's own run teaches its destination after looking it up: the next packet looks again
  const self = script(
    `table( "seen" 1024 600 )
     $tables_grew { dst_endpoint_key "seen" table_has yes } if
     $data "SELF" eq { dst_endpoint_key "seen" table_add } if
     no`,
    'self',
  );
  const c = new FlowClassifier([{ script: self }]);
  assert.equal(c.classify(tcp(C, 40002, S, 7002, 'SELF'), 1).verdicts[0], Verdict.NO);
  assert.equal(c.classify(tcp(C, 40002, S, 7002, 'x'), 2).verdicts[0], Verdict.YES);
});

test('renewing a live key does not count as growth', () => {
  const c = new FlowClassifier([{ script: lookup }, { script: probe }]);
  c.classify(tcp(S, 7003, '192.0.2.77', 50001, 'TEACH'), 1);
  c.classify(tcp(C, 40003, '198.51.100.99', 7003, 'a'), 2);
  // the same endpoint taught again (renewed, not new), by another flow
  c.classify(tcp(S, 7003, '192.0.2.78', 50002, 'TEACH'), 3);
  assert.equal(
    c.classify(tcp(C, 40003, '198.51.100.99', 7003, 'b'), 4).verdicts[PROBE],
    Verdict.YES,
  );
});
