import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildUdpPacket } from '../wire/build.js';
import { Packet } from '../wire/packet.js';
import { FlowSlots } from './flow-slots.js';
import { FlowTable } from './flow-table.js';
import type { Flow } from './flow.js';

const pkt = new Packet();
function udp(t: FlowTable, i: number, now: number): Flow {
  const b = buildUdpPacket({
    src: `192.0.2.${i >> 8}`,
    dst: '198.51.100.1',
    srcPort: 1000 + (i & 0xff),
    dstPort: 53,
  });
  assert.ok(pkt.decode(b, 0, b.length));
  return t.lookup(pkt, now)!;
}

test('freed slots are handed out again before new ones', () => {
  const s = new FlowSlots(2);
  assert.deepEqual([s.take(), s.take(), s.take()], [0, 1, 2]);
  s.give(1);
  s.give(0);
  assert.equal(s.used, 1);
  assert.deepEqual([s.take(), s.take(), s.take()], [0, 1, 3]);
  assert.equal(s.highWater, 4);
});

test('live flows hold distinct slots below the most flows held at once (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(40), fc.nat(30)), { minLength: 1, maxLength: 200 }),
      fc.integer({ min: 1, max: 20 }),
      (ops, maxFlows) => {
        const t = new FlowTable({ maxFlows, udpIdleTimeout: 10 });
        let now = 0;
        let most = 0;
        for (const [i, dt] of ops) {
          now += dt / 10;
          udp(t, i, now);
          most = Math.max(most, t.size);
          const slots = [...t].map((f) => f.slot);
          assert.equal(new Set(slots).size, slots.length);
          for (const s of slots) assert.ok(s >= 0 && s < t.slotLimit);
          assert.ok(t.slotLimit <= most);
        }
      },
    ),
  );
});

test('compactSlots packs live flows into 0…size−1, moving only those above', () => {
  const t = new FlowTable({ udpIdleTimeout: 10 });
  const flows: Flow[] = [];
  for (let i = 0; i < 100; i++) flows.push(udp(t, i, 0));
  for (let i = 1; i < 100; i += 2) udp(t, i, 5);
  // the even flows, idle since 0, expire: 50 left, scattered over 0…99
  t.expire(12);
  assert.equal(t.size, 50);
  assert.equal(t.slotLimit, 100);
  const moves: [number, number][] = [];
  t.compactSlots((f, from, to) => {
    assert.equal(f.slot, from);
    moves.push([from, to]);
  });
  assert.equal(t.slotLimit, 50);
  assert.deepEqual(
    [...t].map((f) => f.slot).sort((a, b) => a - b),
    [...Array(50).keys()],
  );
  for (const [from, to] of moves) assert.ok(from >= 50 && to < 50);
  // new flows then take the slots above
  assert.equal(udp(t, 500, 13).slot, 50);
});
