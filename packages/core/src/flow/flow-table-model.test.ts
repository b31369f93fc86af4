// The flow table against a model of what it promises, written plainly (arrays searched from the
// start, no hashing, no links): which flow a packet finds, when a flow is new, which flows leave
// the table, in what order and why (idle per list, evicted when full, reused by a fresh SYN,
// drained), and the order of the live flows. Output order of `rope classify` follows from these,
// so a faster table must keep every one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildTcpPacket, buildUdpPacket } from '../wire/build.js';
import { Packet } from '../wire/packet.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../wire/tcp.js';
import { FlowTable } from './flow-table.js';

const TCP = 0;
const OTHER = 1;
const CLOSED = 2;
const TIMEOUT = [100, 30, 20]; // per list: open TCP, other, ended TCP

interface ModelFlow {
  id: number;
  key: string;
  list: number;
  /** The initiator is the lower endpoint (as the table orders them: address, then port). */
  aIsLo: boolean;
  lastSeen: number;
  finA: boolean;
  finB: boolean;
  rst: boolean;
  packets: number;
}

class Model {
  // each list most recent first
  readonly lists: ModelFlow[][] = [[], [], []];
  readonly removed: string[] = [];
  private nextId = 1;
  constructor(private readonly maxFlows: number) {}

  get size(): number {
    return this.lists[0].length + this.lists[1].length + this.lists[2].length;
  }

  private remove(f: ModelFlow, reason: string): void {
    const l = this.lists[f.list];
    l.splice(l.indexOf(f), 1);
    this.removed.push(`${f.id} ${reason}`);
  }

  private find(key: string): ModelFlow | undefined {
    for (const l of this.lists) for (const f of l) if (f.key === key) return f;
    return undefined;
  }

  lookup(p: Pkt, now: number): { id: number; created: boolean; reply: boolean } {
    for (const list of [TCP, OTHER, CLOSED]) {
      const l = this.lists[list];
      while (l.length > 0 && l[l.length - 1].lastSeen < now - TIMEOUT[list])
        this.remove(l[l.length - 1], 'idle');
    }
    const ends = [p.src, p.dst].sort();
    // hosts 1–9 and ports of four digits: text order is address order, then port order
    const srcIsLo = p.src <= p.dst;
    const key = `${p.tcp ? 'tcp' : 'udp'} ${ends.join(' ')}`;
    let f = this.find(key);
    const closed = (x: ModelFlow) => x.rst || (x.finA && x.finB);
    if (f && p.tcp && closed(f) && (p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) {
      this.remove(f, 'reused');
      f = undefined;
    }
    const created = f === undefined;
    if (!f) {
      if (this.size >= this.maxFlows) {
        let victim: ModelFlow | undefined;
        for (const list of [CLOSED, TCP, OTHER]) {
          const l = this.lists[list];
          const tail = l[l.length - 1];
          if (tail && (!victim || tail.lastSeen < victim.lastSeen)) victim = tail;
        }
        if (victim) this.remove(victim, 'evicted');
      }
      // a SYN-ACK seen first: its receiver initiated
      const synAck = p.tcp && (p.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK);
      f = {
        id: this.nextId++,
        key,
        list: p.tcp ? TCP : OTHER,
        aIsLo: synAck ? !srcIsLo : srcIsLo,
        lastSeen: now,
        finA: false,
        finB: false,
        rst: false,
        packets: 0,
      };
    } else {
      const l = this.lists[f.list];
      l.splice(l.indexOf(f), 1);
    }
    this.lists[f.list].unshift(f);
    f.lastSeen = now;
    f.packets++;
    const reply = srcIsLo !== f.aIsLo;
    if (p.tcp && p.flags & TCP_FIN) {
      if (reply) f.finB = true;
      else f.finA = true;
    }
    if (p.tcp && p.flags & TCP_RST) f.rst = true;
    if (f.list === TCP && closed(f)) {
      this.lists[TCP].shift();
      f.list = CLOSED;
      this.lists[CLOSED].unshift(f);
    }
    return { id: f.id, created, reply };
  }

  drain(): void {
    for (const l of this.lists) while (l.length > 0) this.remove(l[l.length - 1], 'drained');
  }

  order(): string[] {
    return this.lists.flat().map((f) => `${f.id}:${f.packets}`);
  }
}

interface Pkt {
  tcp: boolean;
  src: string;
  dst: string;
  flags: number;
}

const FLAGS = [TCP_ACK, TCP_ACK, TCP_SYN, TCP_SYN | TCP_ACK, TCP_FIN | TCP_ACK, TCP_RST];
const endpoint = fc
  .tuple(fc.nat(3), fc.nat(2))
  .map(([h, p]) => [`192.0.2.${h + 1}`, 1000 + p] as const);
const op = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('packet' as const),
      tcp: fc.boolean(),
      a: endpoint,
      b: endpoint,
      flags: fc.constantFrom(...FLAGS),
      dt: fc.oneof(fc.constant(0), fc.nat(25)),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
);

test('the flow table does what its model does: flows found, left and listed in order (property)', () => {
  const pkt = new Packet();
  fc.assert(
    fc.property(
      fc.array(op, { minLength: 1, maxLength: 150 }),
      fc.integer({ min: 1, max: 8 }),
      (ops, maxFlows) => {
        const removed: string[] = [];
        const t = new FlowTable({
          maxFlows,
          tcpIdleTimeout: TIMEOUT[TCP],
          udpIdleTimeout: TIMEOUT[OTHER],
          closedIdleTimeout: TIMEOUT[CLOSED],
          onRemove: (f, reason) => removed.push(`${f.id} ${reason}`),
        });
        const model = new Model(maxFlows);
        let now = 0;
        for (const o of ops) {
          if (o.kind === 'compact') {
            t.compactSlots(() => {});
            const slots = [...t].map((f) => f.slot).sort((x, y) => x - y);
            assert.deepEqual(
              slots,
              slots.map((_, i) => i),
            );
            continue;
          }
          now += o.dt;
          const [sa, sp] = o.a;
          const [da, dp] = o.b;
          const bytes = o.tcp
            ? buildTcpPacket({ src: sa, dst: da, srcPort: sp, dstPort: dp, flags: o.flags })
            : buildUdpPacket({ src: sa, dst: da, srcPort: sp, dstPort: dp });
          assert.ok(pkt.decode(bytes, 0, bytes.length));
          const f = t.lookup(pkt, now)!;
          const want = model.lookup(
            { tcp: o.tcp, src: `${sa}:${sp}`, dst: `${da}:${dp}`, flags: o.flags },
            now,
          );
          assert.deepEqual(
            [f.id, t.created, t.direction === 1],
            [want.id, want.created, want.reply],
          );
          assert.deepEqual(removed, model.removed);
          assert.deepEqual(
            [...t].map((x) => `${x.id}:${x.totalPackets}`),
            model.order(),
          );
          assert.equal(t.size, model.size);
        }
        t.drain();
        model.drain();
        assert.deepEqual(removed, model.removed);
        assert.equal(t.size, 0);
      },
    ),
    { numRuns: 300 },
  );
});
