// The classifier's `via` per label and its late runs: a script with tables runs again on a flow
// past its window once a table has learned a new key — on the flow's next packet, at most once a
// second per flow, never for renewals, never for scripts without tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Verdict } from '../runtime/verdict.js';
import { FlowClassifier } from './flow-classifier.js';
import { NOT_RUN } from './packet-result.js';
import { LABEL_MATCHED, LABEL_PENDING } from './flow-labels.js';
import { LATE_RUN_INTERVAL } from './late-runs.js';
import { NO_VIA, ViaNames } from './via-names.js';
import {
  compiled as script,
  datagram,
  fromClient as client,
  fromServer as server,
} from './classifier.test-support.js';

/** A UDP datagram to the server's port 6881 whose payload a script may take as an announce. */
const announce = (payload: string, srcPort = 6881) => datagram(payload, srcPort);

// learns the destination of "ANNOUNCE" datagrams (a new key per source port with "ANNOUNCE n");
// labels flows with a learned endpoint at either end; $z counts late runs through `greg 0`
const LEARN = `table( "peers" 1024 3600 )
$past_window { 0 greg inc } if
$ip_protocol IPPROTO_UDP eq {
  $data "ANNOUNCE" eq { "announce" via  dst_endpoint_key "peers" table_add  yes } if
  $data "ANNOUNCE " find 0 eq { src_endpoint_key "peers" table_add  no } if
  $data "RENEW" eq { dst_endpoint_key "peers" table_add  no } if
} if
dst_endpoint_key "peers" table_has yes
src_endpoint_key "peers" table_has yes
no`;
const learn = () => script(LEARN, 'learn');
const lateRuns = (c: FlowClassifier) => c.engine.greg[0];

/** Takes the connection past a window of 2 in both directions, at times t … t+3. */
function pastWindow(c: FlowClassifier, t: number, port = 40000): void {
  for (let i = 0; i < 2; i++) {
    c.classify(client(`c${i}`, port), t + 2 * i);
    c.classify(server(`s${i}`, port), t + 2 * i + 1);
  }
}

test('via: the signature a YES names, or the table key it found and what taught it', () => {
  const named = script('"hello-sig" via  $data "HELLO" eq yes  no', 'named');
  const silent = script('$data "HELLO" eq yes  no', 'silent');
  const c = new FlowClassifier([{ script: named }, { script: silent }, { script: learn() }]);
  let r = c.classify(client('HELLO'), 1);
  assert.equal(r.labels.via(0), 'hello-sig');
  assert.equal(r.labels.via(1), null, 'a YES that names nothing');
  assert.equal(r.labels.via(2), null, 'not matched');
  r = c.classify(announce('ANNOUNCE'), 2);
  assert.equal(r.labels.via(2), 'announce');
  r = c.classify(client('x', 40001), 3);
  assert.equal(r.labels.via(2), 'learned:announce 192.0.2.10:6881>198.51.100.20:6881');
  assert.equal(c.viaNamesHeld, 3, 'hello-sig, announce and the note, each once');
  c.drain();
  assert.equal(c.viaNamesHeld, 0, 'names go with the last flow holding them');
});

test('a flow past its window is labelled on its next packet once a table learns its endpoint', () => {
  const c = new FlowClassifier([{ script: learn() }], { window: 2 });
  pastWindow(c, 10);
  let r = c.classify(server('s2'), 14);
  assert.equal(r.ran, 0, 'past the window, nothing learned: no run');
  assert.equal(r.labels.pending, 0);
  c.classify(announce('ANNOUNCE'), 15);
  r = c.classify(client('c2'), 15.5);
  assert.equal(r.verdicts[0], Verdict.YES);
  assert.equal(r.newLabels, 1);
  assert.equal(r.labels.matchedAt(0), 6);
  assert.equal(r.labels.via(0), 'learned:announce 192.0.2.10:6881>198.51.100.20:6881');
  assert.equal(lateRuns(c), 1, '$past_window was 1');
  r = c.classify(server('s3'), 16);
  assert.equal(r.ran, 0, 'labelled: no more runs');
});

test('a late run comes only after a new key: a renewal or a key that was there does not count', () => {
  const c = new FlowClassifier([{ script: learn() }], { window: 2 });
  c.classify(announce('ANNOUNCE 1', 7000), 1); // a key the flow does not have
  pastWindow(c, 10);
  let r = c.classify(client('c2'), 14);
  assert.equal(r.ran, 0, 'the key was learned before the flow passed its window');
  c.classify(announce('RENEW'), 15); // a new key: 198.51.100.20:6881 …
  r = c.classify(client('c3'), 16);
  assert.equal(r.newLabels, 1, '… the flow’s endpoint');
  const d = new FlowClassifier([{ script: learn() }], { window: 2 });
  d.classify(announce('ANNOUNCE 1', 7000), 1);
  pastWindow(d, 10);
  d.classify(announce('ANNOUNCE 1', 7000), 14); // the same key again: a renewal
  r = d.classify(client('c2'), 15);
  assert.equal(r.ran, 0);
  assert.equal(lateRuns(d), 0);
});

test('late runs are bounded: at most one a second per flow, however fast keys are learned', () => {
  const c = new FlowClassifier([{ script: learn() }], { window: 2 });
  pastWindow(c, 10);
  // a new key before every packet of the flow, ten packets a second for five seconds
  let runs = 0;
  for (let i = 0; i < 50; i++) {
    const t = 14 + i / 10;
    c.classify(announce(`ANNOUNCE ${i}`, 7000 + i), t);
    const r = c.classify(i % 2 ? client(`c${i}`) : server(`s${i}`), t + 0.01);
    if (r.verdicts[0] !== NOT_RUN) runs++;
  }
  assert.equal(runs, 5 / LATE_RUN_INTERVAL);
  assert.equal(lateRuns(c), runs);
  // keys learned while the interval held the flow back: the first packet after it runs
  assert.equal(c.classify(client('late'), 30).ran, 1);
  assert.equal(c.classify(client('later'), 31.5).ran, 0, 'nothing new since');
  c.classify(announce('ANNOUNCE x', 9000), 32);
  assert.equal(c.classify(client('latest'), 32.1).ran, 1);
});

test('late runs: only scripts with tables, not those matched, with fresh flow registers', () => {
  const plain = script('$data "NEVER" eq yes  no', 'plain');
  const regs = script(
    `table( "peers" 1024 3600 )
    $past_window { 0 freg get 1 greg put  dst_endpoint_key "peers" table_has yes  no } if
    0 freg inc  no`,
    'regs',
  );
  const c = new FlowClassifier([{ script: plain }, { script: learn() }, { script: regs }], {
    window: 2,
  });
  pastWindow(c, 10);
  c.classify(announce('ANNOUNCE'), 14);
  const r = c.classify(client('c2'), 15);
  assert.deepEqual([...r.verdicts], [NOT_RUN, Verdict.YES, Verdict.YES]);
  assert.equal(c.engine.greg[1], 0, 'freg read 0 in the late run (the window left 2)');
  assert.equal(r.labels.via(2), 'learned:announce 192.0.2.10:6881>198.51.100.20:6881');
  c.classify(announce('ANNOUNCE 2', 7001), 16);
  assert.equal(c.classify(server('s2'), 17).ran, 0, 'every script with tables has matched');
});

test('a direction past its window while the other is not: late runs there, registers kept', () => {
  const counter = script(
    `table( "peers" 1024 3600 )
    $past_window { src_endpoint_key "peers" table_has yes  no } if
    0 freg inc  no`,
    'counter',
  );
  const c = new FlowClassifier([{ script: learn() }, { script: counter }], { window: 2 });
  // a download: the server sends, the client only acknowledges (no payload)
  for (let i = 0; i < 4; i++) c.classify(server(`s${i}`), 10 + i);
  const f = c.classify(client(''), 14).flow!;
  assert.equal(c.labelsOf(f).stateOf(1), LABEL_PENDING, 'the client side has its window open');
  assert.deepEqual(c.registersOf(f, 1), [2, ...new Array(15).fill(0)]);
  c.classify(announce('ANNOUNCE'), 15);
  assert.equal(c.classify(client(''), 15.5).ran, 0, 'the client side is not past its window');
  const r = c.classify(server('s4'), 16);
  assert.equal(r.verdicts[0], Verdict.YES);
  assert.equal(r.verdicts[1], Verdict.YES);
  assert.equal(c.labelsOf(f).stateOf(1), LABEL_MATCHED);
  assert.equal(c.labelsOf(f).pending, 0);
});

test('via names are counted by their holders and reused', () => {
  const names = new ViaNames();
  const a = names.acquire('sig-a');
  assert.notEqual(a, NO_VIA);
  assert.equal(names.acquire('sig-a'), a);
  const b = names.acquire('sig-b');
  names.release(a);
  assert.equal(names.name(a), 'sig-a', 'still held once');
  names.release(a);
  assert.equal(names.size, 1);
  assert.equal(names.acquire('sig-c'), a, 'the freed id is reused');
  assert.equal(names.name(b), 'sig-b');
  names.release(NO_VIA);
  assert.equal(names.size, 2);
});
