// The classifier's per-flow state under many flows: labels and `freg` registers kept by slot in
// typed arrays (strings beside them), the arrays shrinking back after a flood with the live flows'
// state intact, and a flood of new flows that allocates nothing once the table is full.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildUdpPacket, Packet } from '@p2pwall/core';
import { compiled as script } from './classifier.test-support.js';
import { FlowClassifier } from './flow-classifier.js';

const packet = new Packet();
function udp(port: number, payload: string): Packet {
  const b = buildUdpPacket({
    src: '192.0.2.10',
    dst: '198.51.100.20',
    srcPort: port,
    dstPort: 53,
    payload,
  });
  assert.ok(packet.decode(b, 0, b.length));
  return packet;
}

// says YES when a packet repeats the flow's previous payload (a string kept in freg 0; freg 2
// says one is there)
const repeat = script(
  '2 freg get { 0 freg get $data eq yes } if  $data 0 freg put  1 2 freg put  no',
  'repeat',
);
// counts the flow's payload packets in freg 1 (an integer); YES on "HELLO"
const hello = script('1 freg inc  $data "HELLO" eq yes  no', 'hello');

test('a string in freg is kept for its flow beside the integers, and let go with it', () => {
  const c = new FlowClassifier([{ script: repeat }, { script: hello }], {
    flows: { udpIdleTimeout: 10 },
  });
  c.classify(udp(1, 'abc'), 0);
  c.classify(udp(2, 'xyz'), 0);
  assert.equal(c.flowsWithStringRegisters, 2);
  assert.equal(c.classify(udp(2, 'other'), 1).has(0), false);
  const r = c.classify(udp(1, 'abc'), 1);
  assert.ok(r.has(0), 'the string stored on the first packet is there on the second');
  assert.deepEqual(c.registersOf(r.flow!, 1)!.slice(0, 2), [0, 2]);
  assert.equal(c.registersOf(r.flow!, 0), null, 'a matched script lets its registers go');
  assert.equal(c.flowsWithStringRegisters, 1);
  c.expire(20);
  assert.equal(c.flowCount, 0);
  assert.equal(c.flowsWithStringRegisters, 0);
  // a new flow on the same slot starts from fresh registers
  const again = c.classify(udp(2, 'other'), 21);
  assert.equal(again.has(0), false);
  assert.deepEqual(c.registersOf(again.flow!, 1)!.slice(0, 2), [0, 1]);
});

test('reserve: the per-flow arrays have room for it from the start and never shrink below it', () => {
  const c = new FlowClassifier([{ script: hello }, { script: repeat }], {
    flows: { udpIdleTimeout: 180, reserve: 4096 },
  });
  assert.equal(c.capacity, 4096);
  for (let port = 1; port <= 4000; port++) c.classify(udp(port, 'hi'), 0);
  assert.equal(c.capacity, 4096, 'no doubling while the flows fit');
  for (let port = 4001; port <= 9000; port++) c.classify(udp(port, 'hi'), 0);
  assert.ok(c.capacity >= 9000, 'past the reserve they double as before');
  c.expire(500);
  assert.equal(c.flowCount, 0);
  assert.equal(c.capacity, 4096, 'after expiry back to the reserve, not below it');
});

test('after a flood the per-flow arrays shrink; the live flows keep their labels and registers', () => {
  const c = new FlowClassifier([{ script: hello }, { script: repeat }], {
    flows: { udpIdleTimeout: 180 },
  });
  for (let port = 1; port <= 5000; port++)
    c.classify(udp(port, port % 7 === 0 ? 'HELLO' : 'hi'), 0);
  assert.equal(c.flowCount, 5000);
  assert.ok(c.capacity >= 5000);
  // 100 flows stay busy; the others go idle and expire
  for (let port = 4901; port <= 5000; port++) c.classify(udp(port, `p${port}`), 100);
  c.expire(200);
  assert.equal(c.flowCount, 100);
  assert.equal(c.capacity, 1024);
  for (const f of c.flows()) {
    const port = f.portA;
    assert.equal(c.labelsOf(f).has(0), port % 7 === 0, `port ${port}`);
    if (port % 7 !== 0) assert.deepEqual(c.registersOf(f, 0)!.slice(0, 2), [0, 2]);
    assert.deepEqual(c.registersOf(f, 1)!.slice(0, 1), [`p${port}`]);
  }
  const r = c.classify(udp(4999, 'p4999'), 201);
  assert.ok(r.has(1), 'the string kept through the compaction matches');
  assert.deepEqual(c.registersOf(r.flow!, 0)!.slice(0, 2), [0, 3]);
  assert.equal(c.classify(udp(6000, 'new'), 201).flow!.slot < 1024, true);
});

// A child process feeds 2 million packets, each the first of a new flow, through a classifier
// whose table holds 1,000 flows, with --trace-gc: once the table is full each new flow reuses an
// evicted flow's object and slot, so the flood makes no garbage of its own.
const CHILD = `
import { buildUdpPacket, Packet } from '@p2pwall/core';
import { compile, FlowClassifier } from '@p2pwall/rope';
const s = compile('1 freg inc  $ct_packets 0 freg put  $udp_dest 9 eq yes  no', 'a.rope').script;
const b = buildUdpPacket({ src: '198.18.0.0', dst: '192.0.2.1', srcPort: 1, dstPort: 53, payload: 'x' });
const p = new Packet();
const c = new FlowClassifier([{ script: s }], { flows: { maxFlows: 1000 } });
const flow = (i) => {
  b[13] = (i >>> 16) & 0xff;
  b[14] = (i >>> 8) & 0xff;
  b[15] = i & 0xff;
  p.decode(b, 0, b.length);
  return c.classify(p, 1).ran;
};
for (let i = 0; i < 100000; i++) flow(i);
globalThis.gc();
console.log('LOOP START');
let runs = 0;
for (let i = 100000; i < 2100000; i++) runs += flow(i);
console.log('LOOP END', runs, c.flowCount, c.removed.evicted);
`;

test('a flood of new flows allocates nothing once the table is full', () => {
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
    { encoding: 'utf8', cwd: fileURLToPath(new URL('../../../..', import.meta.url)) },
  );
  assert.equal(r.status, 0, r.stderr);
  const loop = r.stdout.split('LOOP START')[1] ?? '';
  const [runs, live, evicted] = (/LOOP END (\d+) (\d+) (\d+)/.exec(loop) ?? [])
    .slice(1)
    .map(Number);
  assert.equal(runs, 2_000_000, 'the script ran on every new flow');
  assert.equal(live, 1000);
  assert.equal(evicted, 2_099_000);
  const collections = (
    loop.slice(0, loop.indexOf('LOOP END')).match(/Scavenge|Mark-Compact/g) ?? []
  ).length;
  assert.ok(collections <= 1, `${collections} collections during the flood`);
});
