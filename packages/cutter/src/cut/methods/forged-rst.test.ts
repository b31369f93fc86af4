// The forged-RST method given both ends' numbers (a packet in hand), against simulated Linux
// endpoints: the RSTs go out at once, no probe learns anything first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTcpPacket, Packet, TCP_ACK, TCP_PSH, TCP_RST, TCP_SYN } from '@p2pwall/core';
import type { Conntrack } from '@p2pwall/core/netlink';
import { EndpointModel } from '../../../../../test/cutter/endpoint-model.js';
import { sample } from '../../../../../test/cutter-tui/connections.js';
import { alreadyClosing } from '../closing.js';
import type { CutResult } from '../result.js';
import { DEFAULT_SESSION_OPTIONS, type CutSession } from '../session.js';
import { cutByForgedRst, forgedRst, numbersOfHeldPacket } from './forged-rst.js';
import type { CutContext } from './method.js';

const INI = '192.0.2.10';
const RES = '198.51.100.10';

interface Sent {
  to: 'initiator' | 'responder';
  flags: number;
  seq: number;
  ack: number;
}

/** Runs the method on one connection whose ends are `ini` and `res`; what it sent and reported. */
async function run(
  ini: EndpointModel,
  res: EndpointModel,
  known: Parameters<typeof numbersOfHeldPacket>,
) {
  const connection = sample(INI, 40000, RES, 80, { id: 1 });
  const sent: Sent[] = [];
  const reported: CutResult[] = [];
  const sessions: CutSession[] = [];
  const pk = new Packet();
  const t0 = performance.now();
  const ctx: CutContext = {
    options: {},
    session: { ...DEFAULT_SESSION_OPTIONS, timeoutMs: 3000 },
    t0,
    conntrack: { delete: async () => true } as unknown as Conntrack,
    packets: {
      io: {
        now: () => performance.now(),
        backlogMs: () => 0,
        send(_family, packet, dst, _onError, done) {
          done?.();
          assert.ok(pk.decode(packet, 0, packet.length));
          const t = pk.tcp;
          const to = dst === INI ? 'initiator' : 'responder';
          sent.push({ to, flags: t.flags, seq: t.seq, ack: t.ack });
          const model = to === 'initiator' ? ini : res;
          const answer = model.receive(
            t.seq,
            t.ack,
            t.flags,
            pk.payloadLength,
            performance.now() - t0,
          );
          const s = sessions[0];
          const from = to === 'initiator' ? s.initiator : s.responder;
          if (answer)
            setTimeout(() => s.onPacket(from, answer.seq, answer.ack, answer.flags, 0, 65535), 1);
        },
      },
      capture: { add: (s) => sessions.push(s), remove: () => {} },
    },
    stop: new AbortController().signal,
    report: (r) => reported.push(r),
  };
  await cutByForgedRst([{ connection, known: numbersOfHeldPacket(...known) }], ctx);
  return { sent, result: reported[0] };
}

/** The initiator's data segment, held in a queue on its way to the responder. */
function heldSegment(seq: number, ack: number): Packet {
  const b = buildTcpPacket({
    src: INI,
    dst: RES,
    srcPort: 40000,
    dstPort: 80,
    seq,
    ack,
    flags: TCP_ACK | TCP_PSH,
    payload: 'GET / HTTP/1.1\r\n',
  });
  const p = new Packet();
  assert.ok(p.decode(b, 0, b.length));
  return p;
}

test('a held packet gives both numbers: the two RSTs each end accepts go out first, no probe before', async () => {
  const p = heldSegment(1_000_000, 5_000_000);
  // the responder still expects the held segment; the initiator expects what it acknowledged
  const ini = new EndpointModel(5_000_000, 1_000_000 + p.payloadLength);
  const res = new EndpointModel(1_000_000, 5_000_000);
  const { sent, result } = await run(ini, res, ['initiator', p.tcp.seq, p.tcp.ack]);
  const first = (to: Sent['to']) => sent.find((s) => s.to === to);
  assert.deepEqual(first('initiator'), {
    to: 'initiator',
    flags: TCP_RST | TCP_ACK,
    seq: 5_000_000,
    ack: 1_000_000,
  });
  assert.deepEqual(first('responder'), {
    to: 'responder',
    flags: TCP_RST | TCP_ACK,
    seq: 1_000_000,
    ack: 5_000_000,
  });
  const rsts = sent.filter((s) => s.flags & TCP_RST);
  assert.deepEqual(
    rsts.map((s) => [s.to, s.seq]),
    [
      ['initiator', 5_000_000],
      ['responder', 1_000_000],
    ],
    'one RST per end, with the number it expects',
  );
  assert.ok(!sent.some((s) => s.flags & TCP_SYN), 'no SYN probe: the numbers were known');
  assert.ok(!ini.alive && !res.alive);
  assert.equal(result.result, 'cut', result.reason);
  assert.equal(result.method, 'rst');
  assert.deepEqual([result.initiator!.rsts, result.responder!.rsts], [1, 1]);
  assert.equal(result.conntrackDeleted, true);
});

test('numbers that miss (the packet was delivered after all) are corrected by the probe behind the RST', async () => {
  const p = heldSegment(1_000_000, 5_000_000);
  const ini = new EndpointModel(5_000_000, 1_000_000 + p.payloadLength);
  const res = new EndpointModel(1_000_000 + p.payloadLength, 5_000_000);
  const { sent, result } = await run(ini, res, ['initiator', p.tcp.seq, p.tcp.ack]);
  assert.equal(result.result, 'cut', result.reason);
  assert.deepEqual(
    sent.filter((s) => s.to === 'responder' && s.flags & TCP_RST).map((s) => s.seq),
    [1_000_000, 1_000_000 + p.payloadLength],
  );
  assert.ok(!sent.some((s) => s.flags & TCP_SYN));
});

test('the numbers of a held packet, from either end', () => {
  assert.deepEqual(numbersOfHeldPacket('initiator', 10, 20), { initiator: 20, responder: 10 });
  assert.deepEqual(numbersOfHeldPacket('responder', 10, -1), {
    initiator: 10,
    responder: 0xffffffff,
  });
});

test('forged RSTs are for forwarded TCP connections; closing ones are sorted out before', () => {
  const tcp = sample(INI, 40000, RES, 80, { id: 1 });
  assert.ok(forgedRst.covers(tcp));
  assert.ok(!forgedRst.covers(sample(INI, 40000, RES, 80, { id: 2, local: 'initiator' })));
  assert.ok(!forgedRst.covers(sample(INI, 5353, RES, 53, { id: 3, proto: 17 })));
  assert.equal(forgedRst.whyNot(tcp, {}), null);
  // cut() reports TIME_WAIT and CLOSE entries as closing before asking any method (closing.ts)
  assert.equal(
    alreadyClosing(sample(INI, 40000, RES, 80, { id: 4, state: 7 })),
    'already closing (TIME_WAIT)',
  );
  assert.equal(alreadyClosing(tcp), null);
});
