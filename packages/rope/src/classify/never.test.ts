// `never`: a run that ends with it is NO, and the classifier runs the script on none of the
// flow's later packets (in its window or in late runs); caught by eval or expect_one, it ends
// only the block. The built-in http-large.rope says it once both directions are not HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileBuiltin } from '../builtins/compile-builtin.js';
import { Engine } from '../runtime/engine.js';
import { Verdict } from '../runtime/verdict.js';
import { FlowClassifier } from './flow-classifier.js';
import { NOT_RUN } from './packet-result.js';
import { LABEL_NEVER, LABEL_PENDING } from './flow-labels.js';
import {
  compiled as script,
  datagram,
  fromClient as client,
  fromServer as server,
} from './classifier.test-support.js';

/** One run of `source` on a TCP packet with payload `payload`: its verdict and `engine.never`. */
function runOnce(source: string, payload = 'GET /'): [Verdict, boolean] {
  const engine = new Engine();
  const v = script(source, 'once').run(engine, { packet: client(payload) });
  return [v, engine.never];
}

test('never ends the run with NO and says so; a false operand carries on', () => {
  assert.deepEqual(runOnce('never'), [Verdict.NO, true]);
  assert.deepEqual(runOnce('1 never yes'), [Verdict.NO, true]);
  assert.deepEqual(runOnce('0 never yes'), [Verdict.YES, false]);
  assert.deepEqual(runOnce('never( 0 ) never()'), [Verdict.NO, true]);
  assert.deepEqual(runOnce('$data "GET" find 0 lt never  no'), [Verdict.NO, false]);
  assert.deepEqual(runOnce('no'), [Verdict.NO, false], 'a plain no says nothing of the flow');
  assert.deepEqual(runOnce('{ never } do'), [Verdict.NO, true], 'from inside a block');
});

test('a never caught by eval or expect_one ends only its block', () => {
  assert.deepEqual(runOnce('{ never } eval drop  no'), [Verdict.NO, false]);
  assert.deepEqual(runOnce('{ never } eval NO eq yes'), [Verdict.YES, false]);
  assert.deepEqual(runOnce('expect_one( { never } { "GET" expect_str } ) yes'), [
    Verdict.YES,
    false,
  ]);
  assert.deepEqual(runOnce('expect_one( { never } { no } )'), [Verdict.NO, false]);
  // the run's own never, after a caught one, still counts
  assert.deepEqual(runOnce('{ never } eval drop  never'), [Verdict.NO, true]);
});

test('the classifier runs a script that said never on none of the flow’s later packets', () => {
  // never on the first packet of a UDP flow; on TCP, a plain no until the server speaks
  const s = script('$ip_protocol IPPROTO_UDP eq never  $data "BYE" eq never  no', 'tcp-only');
  const other = script('$data "HELLO" eq yes  no', 'other');
  const c = new FlowClassifier([{ script: s }, { script: other }], { window: 5 });
  let r = c.classify(datagram('x'), 1);
  assert.equal(r.verdicts[0], Verdict.NO);
  assert.equal(r.labels.stateOf(0), LABEL_NEVER);
  r = c.classify(datagram('y'), 2);
  assert.equal(r.verdicts[0], NOT_RUN, 'not run again on the flow');
  assert.equal(r.verdicts[1], Verdict.NO, 'the other script still runs');
  r = c.classify(client('a'), 3);
  assert.equal(r.labels.stateOf(0), LABEL_PENDING, 'a new flow starts afresh');
  c.classify(server('BYE'), 4);
  r = c.classify(client('b'), 5);
  assert.equal(r.verdicts[0], NOT_RUN);
  r = c.classify(client('HELLO'), 6);
  assert.ok(r.has(1), 'the other script can still label the flow');
  assert.equal(c.stats[0].neverFlows, 2);
  assert.equal(c.stats[0].runs, 3);
  assert.equal(c.stats[0].verdicts[Verdict.NO], 3);
});

test('once every script is done with a flow, its packets run nothing', () => {
  const s = script('$data "x" eq never  no', 's');
  const c = new FlowClassifier([{ script: s }], { window: 10 });
  c.classify(client('x'), 1);
  for (let t = 2; t < 6; t++) {
    const r = c.classify(t % 2 ? client('more') : server('more'), t);
    assert.equal(r.ran, 0);
  }
  assert.equal(c.stats[0].runs, 1);
});

test('never drops the flow registers of the script and stops its late runs', () => {
  // learns the server's endpoint from "LEARN"; labels flows to a learned endpoint; counts the
  // runs on each flow in freg 0 and every run in greg 0
  const tables = script(
    `table( "peers" 64 3600 )
0 greg inc  0 freg inc
$data "LEARN" eq { dst_endpoint_key "peers" table_add  no } if
dst_endpoint_key "peers" table_has yes
$data "QUIT" eq never
no`,
    'tables',
  );
  const c = new FlowClassifier([{ script: tables }], { window: 2 });
  let r = c.classify(client('hi', 40001), 1);
  assert.deepEqual(c.registersOf(r.flow!, 0)?.[0], 1);
  r = c.classify(client('QUIT', 40001), 2);
  assert.equal(r.labels.stateOf(0), LABEL_NEVER);
  assert.equal(c.registersOf(r.flow!, 0), null, 'its registers are gone');
  // another flow teaches the tables the server's endpoint; the given-up flow gets no late run
  c.classify(client('LEARN', 40002), 3);
  const runs = c.engine.greg[0];
  r = c.classify(client('later', 40001), 10);
  assert.equal(r.ran, 0);
  assert.equal(c.engine.greg[0], runs);
  assert.equal(r.has(0), false);
  // while a flow that merely went past its window is labelled by its late run
  c.classify(client('one', 40003), 11);
  c.classify(client('two', 40003), 12);
  c.classify(server('one', 40003), 13);
  c.classify(server('two', 40003), 14);
  c.classify(client('LEARN', 40004), 20);
  r = c.classify(client('three', 40003), 30);
  assert.ok(r.has(0));
});

test('http-large gives up on a flow once neither direction can be HTTP, and on UDP at once', () => {
  const c = new FlowClassifier([{ script: compileBuiltin('http-large') }], { window: 10 });
  c.classify(datagram('HTTP/1.1 200 OK\r\n'), 1);
  let r = c.classify(datagram('HTTP/1.1 200 OK\r\n'), 2);
  assert.equal(r.verdicts[0], NOT_RUN);
  // not HTTP in either direction: the client's first byte is not "H", then the server's
  c.classify(client('\x13BitTorrent protocol'), 3);
  c.classify(server('\x13BitTorrent protocol'), 4);
  r = c.classify(client('more'), 5);
  assert.equal(r.verdicts[0], Verdict.NO);
  assert.equal(r.labels.stateOf(0), LABEL_NEVER);
  r = c.classify(server('HTTP/1.1 200 OK\r\nContent-Length: 9000000\r\n\r\n'), 6);
  assert.equal(r.verdicts[0], NOT_RUN);
  // a real response still matches: the client's side is not HTTP, the server's is
  c.classify(client('GET / HTTP/1.1\r\n\r\n', 40010), 7);
  r = c.classify(server('HTTP/1.1 200 OK\r\nContent-Length: 9000000\r\n\r\n', 40010), 8);
  assert.ok(r.has(0));
  assert.equal(c.stats[0].neverFlows, 2);
});
