import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildTcpPacket, buildUdpPacket, Packet, TCP_ACK, TCP_PSH, TCP_SYN } from '@p2pwall/core';
import { Verdict } from '../runtime/verdict.js';
import {
  CLIENT as C,
  compiled as script,
  decoded as decode,
  SERVER as S,
} from './classifier.test-support.js';
import type { FlowClassifierOptions } from './classifier-options.js';
import { FlowClassifier } from './flow-classifier.js';
import { NOT_RUN } from './packet-result.js';
import { LABEL_MATCHED, LABEL_PENDING, LABEL_UNMATCHED, type FlowLabels } from './flow-labels.js';

const fromClient = (payload: string, flags = TCP_ACK | TCP_PSH) =>
  decode(buildTcpPacket({ src: C, dst: S, srcPort: 40000, dstPort: 6881, flags, payload }));
const fromServer = (payload: string, flags = TCP_ACK | TCP_PSH) =>
  decode(buildTcpPacket({ src: S, dst: C, srcPort: 6881, dstPort: 40000, flags, payload }));

const hello = script('$data "HELLO" find 0 ge yes  no', 'hello');
const count = script('$n inc  $ct_packets get 0 freg put  no', 'count');

test('a flow takes a label at its first YES, keeps it, and the script stops running on it', () => {
  const labelled: [number, number][] = [];
  const c = new FlowClassifier([{ script: hello }], {
    onLabel: (f, i) => labelled.push([f.id, i]),
  });
  let r = c.classify(fromClient('nothing'), 1);
  assert.equal(r.verdicts[0], Verdict.NO);
  assert.equal(r.has(0), false);
  r = c.classify(fromServer('say HELLO'), 2);
  assert.equal(r.verdicts[0], Verdict.YES);
  assert.equal(r.newLabels, 1);
  assert.ok(r.has(0));
  assert.equal(r.dir, 1);
  assert.equal(r.labels.matchedAt(0), 2);
  assert.deepEqual(labelled, [[1, 0]]);
  r = c.classify(fromClient('more'), 3);
  assert.equal(r.verdicts[0], NOT_RUN);
  assert.equal(r.ran, 0);
  assert.ok(r.has(0));
  assert.equal(r.newLabels, 0);
  assert.equal(c.stats[0].flows, 1);
  assert.equal(c.stats[0].runs, 2);
});

test('the scripts share one slice of $data per packet; the next packet gets its own', () => {
  const a = script('$data "HELLO" find 0 ge yes  no', 'a');
  const b = script('$data "WORLD" find 0 ge yes  no', 'b');
  const c = new FlowClassifier([{ script: a }, { script: b }]);
  const m = c.engine.machine;
  const latin1 = m.latin1;
  let slices = 0;
  m.latin1 = (from, to) => {
    slices++;
    return latin1.call(m, from, to);
  };
  let r = c.classify(fromClient('nothing here'), 1);
  assert.deepEqual([...r.verdicts], [Verdict.NO, Verdict.NO]);
  assert.equal(slices, 1);
  // the same Packet object decoded anew: its payload is sliced again, not taken from before
  r = c.classify(fromServer('HELLO WORLD'), 2);
  assert.deepEqual([...r.verdicts], [Verdict.YES, Verdict.YES]);
  assert.equal(slices, 2);
});

test('each script sees the first N payload packets of each direction, then gives up', () => {
  const c = new FlowClassifier([{ script: hello }], { window: 3 });
  c.classify(fromClient('', TCP_SYN), 0); // no payload: not shown
  assert.equal(c.stats[0].runs, 0);
  for (let i = 0; i < 5; i++) c.classify(fromClient(`a${i}`), 1);
  assert.equal(c.stats[0].runs, 3);
  const late = c.classify(fromClient('HELLO'), 2); // the client's 6th: out of its window
  assert.equal(late.verdicts[0], NOT_RUN);
  assert.equal(late.labels.stateOf(0), LABEL_PENDING);
  c.classify(fromServer('b0'), 3);
  c.classify(fromServer('b1'), 3);
  const r = c.classify(fromServer('b2'), 3); // the server's 3rd: last in the window
  assert.equal(r.verdicts[0], Verdict.NO);
  assert.equal(r.labels.stateOf(0), LABEL_UNMATCHED);
  assert.equal(c.stats[0].runs, 6);
  assert.equal(c.classify(fromServer('HELLO'), 4).has(0), false);
});

test('a later plain signature inside the window still labels the flow', () => {
  const c = new FlowClassifier([{ script: hello }]);
  for (let i = 0; i < 5; i++) {
    c.classify(fromClient(`\x8f\x22encrypted${i}`), i);
    c.classify(fromServer(`\x01\x99encrypted${i}`), i);
  }
  assert.ok(c.classify(fromServer('HELLO'), 9).has(0)); // the server's 6th payload packet
});

test('empty packets reach scripts only when asked, and only while the window is open', () => {
  const syn = script('$tcp_syn yes', 'syn');
  const off = new FlowClassifier([{ script: syn }]);
  assert.equal(off.classify(fromClient('', TCP_SYN), 0).verdicts[0], NOT_RUN);
  const on = new FlowClassifier([{ script: syn }], { emptyPackets: true });
  assert.ok(on.classify(fromClient('', TCP_SYN), 0).has(0));
});

test('flow registers are per flow and per script; user registers are per run', () => {
  const seen: number[] = [];
  const rec = script('0 freg inc  0 freg get 3 ge yes', 'rec');
  const c = new FlowClassifier([{ script: count }, { script: rec }], {
    onLabel: (_f, i, l) => seen.push(i, l.matchedAt(i)),
  });
  c.classify(fromClient('x'), 0);
  c.classify(fromServer('y'), 0);
  const other = c.classify(
    decode(
      buildTcpPacket({
        src: C,
        dst: S,
        srcPort: 40001,
        dstPort: 6881,
        flags: TCP_ACK,
        payload: 'q',
      }),
    ),
    0,
  );
  assert.equal(other.has(1), false, 'a second flow starts from fresh registers');
  const r = c.classify(fromClient('z'), 0);
  assert.ok(r.has(1));
  assert.deepEqual(seen, [1, 3]);
  // count's registers: $n is 1 in every run (user registers start at 0), $ct_packets kept
  assert.deepEqual(c.registersOf(r.flow!, 0)!.slice(0, 1), [3]);
  assert.equal(c.registersOf(r.flow!, 1), null, 'a matched script drops its registers');
});

test('pushes go to their own script; the mark chains through the scripts that ran', () => {
  const big = script('$data_len lt yes', 'big', 1);
  const marker = script('$mark get 16 or $mark put no', 'marker');
  const c = new FlowClassifier([
    { script: big, pushes: [3], label: 'more-than-3' },
    { script: marker },
  ]);
  assert.deepEqual(c.labels, ['more-than-3', 'marker']);
  const r = c.classify(fromClient('abcd'), 0, null, 1);
  assert.ok(r.has(0));
  assert.equal(r.mark, 17);
});

test('$ct_* come from the flow table, or from the caller when live', () => {
  const ct = script(
    '$ct_state get 0 freg put $ct_dir get 1 freg put $ct_packets get 2 freg put $ct_mark 7 eq yes',
    'ct',
  );
  const c = new FlowClassifier([{ script: ct }]);
  c.classify(fromClient('', TCP_SYN), 0);
  c.classify(fromServer('', TCP_SYN | TCP_ACK), 0);
  const r = c.classify(fromClient('hi'), 0);
  assert.equal(r.has(0), false);
  const regs = c.registersOf(r.flow!, 0)!;
  assert.deepEqual(regs.slice(0, 3), [1, 0, 3]);
  const live = c.classify(fromServer('hi'), 0, {
    proto: 6,
    state: 1,
    dir: 1,
    packets: 99,
    bytes: 5000,
    mark: 7,
  });
  assert.ok(live.has(0));
});

test('FAIL and HOTDROP are counted per script; HOTDROP flags the packet, neither labels', () => {
  const errors: string[] = [];
  const bad = script('$data_len 2 gt { hotdrop( "long" ) } if  1 0 div', 'bad');
  const c = new FlowClassifier([{ script: bad }, { script: hello }], {
    onRunError: (i, v, e) => errors.push(`${i} ${Verdict[v]} ${e.name}`),
  });
  let r = c.classify(fromClient('ab'), 0);
  assert.equal(r.verdicts[0], Verdict.FAIL);
  assert.equal(r.hotdrop, false);
  r = c.classify(fromClient('HELLO'), 0);
  assert.equal(r.verdicts[0], Verdict.HOTDROP);
  assert.ok(r.hotdrop);
  assert.ok(r.has(1));
  assert.equal(r.has(0), false);
  assert.deepEqual(errors, ['0 FAIL EDivideByZero', '0 HOTDROP EHotdrop']);
  assert.equal(c.stats[0].verdicts[Verdict.FAIL], 1);
  assert.equal(c.stats[0].verdicts[Verdict.HOTDROP], 1);
  assert.equal(c.stats[0].lastError?.name, 'EHotdrop');
});

test('every flow is reported when it leaves the table, with its labels', () => {
  const ended: string[] = [];
  const onFlowEnd: FlowClassifierOptions['onFlowEnd'] = (f, l: FlowLabels, reason) =>
    ended.push(`${f.endpointA()} ${l.has(0) ? 'hello' : '-'} ${reason}`);
  const c = new FlowClassifier([{ script: hello }], { onFlowEnd, flows: { udpIdleTimeout: 10 } });
  c.classify(fromClient('HELLO'), 0);
  c.classify(
    decode(
      buildUdpPacket({
        src: '2001:db8::1',
        dst: '2001:db8::2',
        srcPort: 1,
        dstPort: 2,
        payload: 'x',
      }),
    ),
    0,
  );
  c.classify(
    decode(
      buildUdpPacket({
        src: '2001:db8::1',
        dst: '2001:db8::2',
        srcPort: 1,
        dstPort: 3,
        payload: 'x',
      }),
    ),
    20,
  );
  assert.deepEqual(ended, ['[2001:db8::1]:1 - idle']);
  c.drain();
  assert.deepEqual(ended.slice(1).sort(), [
    '192.0.2.10:40000 hello drained',
    '[2001:db8::1]:1 - drained',
  ]);
  assert.equal(c.flowCount, 0);
});

test('a packet without an IP header has no flow and runs nothing', () => {
  const c = new FlowClassifier([{ script: hello }]);
  const packet = new Packet();
  const r = c.classify(packet, 0);
  assert.equal(r.flow, null);
  assert.equal(r.ran, 0);
  assert.equal(r.has(0), false);
});

test('the labels of a matched flow survive the other scripts giving up', () => {
  const c = new FlowClassifier([{ script: hello }, { script: count }], { window: 1 });
  c.classify(fromClient('HELLO'), 0);
  const r = c.classify(fromServer('x'), 0);
  assert.deepEqual([r.labels.stateOf(0), r.labels.stateOf(1)], [LABEL_MATCHED, LABEL_UNMATCHED]);
  assert.equal(r.labels.pending, 0);
  assert.throws(() => new FlowClassifier([{ script: hello }], { window: 0 }), /window/);
  assert.throws(() => new FlowClassifier([]), /at least one script/);
});

// The packet path of the classifier allocates nothing of its own: a child process classifies
// 4 million packets of one flow with --trace-gc (a script that allocates nothing runs on every
// one of them), and 4 million of a flow whose scripts are done.
const CHILD = `
import { buildTcpPacket, Packet } from '@p2pwall/core';
import { compile, FlowClassifier } from '@p2pwall/rope';
const s = compile('$ip_ttl 1 eq yes  $tcp_dest 6881 ne no', 'a.rope').script;
const t = compile('$tcp_dest 6881 eq yes', 'b.rope').script;
const b = buildTcpPacket({ src: '192.0.2.1', dst: '198.51.100.2', srcPort: 1, dstPort: 6881, flags: 0x18, payload: 'x' });
const p = new Packet();
p.decode(b, 0, b.length);
for (const rules of [[{ script: s }], [{ script: t }]]) {
  const c = new FlowClassifier(rules, { window: 1e7 });
  for (let i = 0; i < 200000; i++) c.classify(p, 1);
  globalThis.gc();
  console.log('LOOP START');
  let runs = 0;
  for (let i = 0; i < 4000000; i++) runs += c.classify(p, 1).ran;
  console.log('LOOP END', runs);
}
`;

test('classifying a packet allocates nothing', () => {
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--expose-gc',
      '--trace-gc',
      '--input-type=module',
      '-e',
      CHILD,
    ],
    {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const loops = r.stdout.split('LOOP START').slice(1);
  assert.equal(loops.length, 2);
  const [running, done] = loops.map((l) => ({
    scavenges: (l.slice(0, l.indexOf('LOOP END')).match(/Scavenge/g) ?? []).length,
    runs: Number(/LOOP END (\d+)/.exec(l)?.[1]),
  }));
  assert.equal(running.runs, 4_000_000, 'the script ran on every packet');
  assert.equal(done.runs, 0, 'a labelled flow runs nothing');
  assert.ok(running.scavenges <= 1, `${running.scavenges} collections while running scripts`);
  assert.ok(done.scavenges <= 1, `${done.scavenges} collections for a labelled flow`);
});
