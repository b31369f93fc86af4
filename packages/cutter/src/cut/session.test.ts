// The cut algorithm against simulated Linux endpoints (test/cutter/endpoint-model.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Packet, TCP_RST, TcpOptionWalk, TCPOPT_MD5SIG, TCPOPT_MPTCP } from '@p2pwall/core';
import type { ConntrackEntry } from '@p2pwall/core/netlink';
import { EndpointModel as Endpoint } from '../../../../test/cutter/endpoint-model.js';
import { toConnection } from '../find/connection.js';
import {
  CutSession,
  DEFAULT_SESSION_OPTIONS,
  optionThatMatters,
  type SessionIo,
} from './session.js';
import type { EndpointState } from './endpoint-state.js';

function entry(): ConntrackEntry {
  return {
    family: 2,
    orig: { src: '192.0.2.10', dst: '198.51.100.10', proto: 6, srcPort: 40000, dstPort: 80 },
    reply: { src: '198.51.100.10', dst: '192.0.2.10', proto: 6, srcPort: 80, dstPort: 40000 },
    status: 0xe,
    id: 1,
    protoinfo: { tcp: { state: 3 } },
  };
}

/** Each packet the session sent: its TCP flags and whether it was to leave ahead of probes. */
interface Sent {
  flags: number;
  ahead: boolean;
}

function simulate(ini: Endpoint, res: Endpoint, timeoutMs = 3000, log: Sent[] = []) {
  const t0 = performance.now();
  const pk = new Packet();
  let session!: CutSession;
  const io: SessionIo = {
    now: () => performance.now(),
    backlogMs: () => 0,
    send(_family, packet, dst, _onError, sent, ahead) {
      sent?.();
      pk.decode(packet, 0, packet.length);
      const t = pk.tcp;
      log.push({ flags: t.flags, ahead: ahead === true });
      const to = dst === '192.0.2.10' ? ini : res;
      const from: EndpointState = to === ini ? session.initiator : session.responder;
      const reply = to.receive(t.seq, t.ack, t.flags, pk.payloadLength, performance.now() - t0);
      if (reply)
        setTimeout(() => session.onPacket(from, reply.seq, reply.ack, reply.flags, 0, 65535), 1);
    },
  };
  session = new CutSession(toConnection(entry()), io, { ...DEFAULT_SESSION_OPTIONS, timeoutMs });
  session.begin();
  return session.done;
}

test('idle connection: one RST each, both ends confirmed reset', async () => {
  const ini = new Endpoint(1_000_000, 5_000_000);
  const res = new Endpoint(5_000_000, 1_000_000);
  const r = await simulate(ini, res);
  assert.equal(r.result, 'cut', r.reason);
  assert.equal(ini.alive, false);
  assert.equal(res.alive, false);
  assert.equal(r.initiator!.rsts, 1);
  assert.equal(r.responder!.rsts, 1);
  assert.ok(r.initiator!.reset && r.responder!.reset);
});

test('RSTs are sent ahead of the queued probes, every other packet in turn', async () => {
  // data in flight: two RSTs to the initiator, and probes of every kind
  const ini = new Endpoint(1_000_000, 5_000_000);
  const res = new Endpoint(5_000_000, 1_003_000);
  const log: Sent[] = [];
  const r = await simulate(ini, res, 3000, log);
  assert.equal(r.result, 'cut', r.reason);
  const rsts = log.filter((s) => s.flags & TCP_RST);
  assert.equal(rsts.length, 3);
  assert.ok(rsts.every((s) => s.ahead));
  assert.ok(log.length > rsts.length);
  assert.ok(log.filter((s) => !(s.flags & TCP_RST)).every((s) => !s.ahead));
});

test('both ends drop invalid packets: the SYN and old-byte probes still get through', async () => {
  const ini = new Endpoint(0xfffff000, 0x10, true);
  const res = new Endpoint(0x10, 0xfffff000, true);
  const r = await simulate(ini, res);
  assert.equal(r.result, 'cut', r.reason);
  assert.ok(!ini.alive && !res.alive);
});

test('data in flight to the initiator: the estimated RST misses, its duplicate ACK gives the right number', async () => {
  // the responder has sent 3000 bytes the initiator has not received yet
  const ini = new Endpoint(1_000_000, 5_000_000);
  const res = new Endpoint(5_000_000, 1_003_000);
  const r = await simulate(ini, res);
  assert.equal(r.result, 'cut', r.reason);
  assert.equal(r.initiator!.rsts, 2, 'one estimate, one exact');
  assert.ok(!ini.alive && !res.alive);
});

test('an end that never answers makes the cut fail with the reason', async () => {
  const ini = new Endpoint(1, 2, false, true);
  const res = new Endpoint(2, 1, false, true);
  const r = await simulate(ini, res, 200);
  assert.equal(r.result, 'failed');
  assert.match(
    r.reason,
    /timed out after 200 ms: the initiator never answered .*; the responder never answered/,
  );
  assert.ok(ini.alive && res.alive);
});

test('finds MD5/AO/MPTCP among TCP options, walking NOPs and lengths, never past the end', () => {
  const first = (b: Uint8Array, off: number, end: number) =>
    optionThatMatters(new TcpOptionWalk().reset(b, off, end - off));
  // NOP NOP timestamps(10) then MD5 signature(18)
  const md5 = Uint8Array.from([
    1,
    1,
    8,
    10,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    2,
    19,
    18,
    ...new Array(16).fill(7),
  ]);
  assert.equal(first(md5, 0, md5.length), TCPOPT_MD5SIG);
  assert.equal(first(Uint8Array.from([2, 4, 5, 0xb4, 30, 12, 0]), 0, 7), TCPOPT_MPTCP);
  assert.equal(first(Uint8Array.from([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]), 0, 12), 0);
  assert.equal(first(Uint8Array.from([8, 0, 19]), 0, 3), 0, 'a zero length stops the walk');
  assert.equal(first(Uint8Array.from([0, 19, 18]), 0, 3), 0, 'end of options');
  // a broken length still tells the kind; an option with a length wrong for its kind is skipped
  assert.equal(first(Uint8Array.from([1, 19]), 0, 2), TCPOPT_MD5SIG);
  assert.equal(first(Uint8Array.from([2, 3, 0, 29, 4, 0, 0]), 0, 7), 29);
});

test('the option that matters is the first MD5/AO/MPTCP kind a length-by-length walk reaches', () => {
  // the rule as a plain loop: NOPs skipped, EOL or a length below 2 ends, a kind counts as
  // soon as it is reached
  const reference = (b: Uint8Array, off: number, end: number): number => {
    for (let i = off; i < end;) {
      const kind = b[i];
      if (kind === 0) return 0;
      if (kind === 1) {
        i++;
        continue;
      }
      if (kind === 19 || kind === 29 || kind === 30) return kind;
      const len = i + 1 < end ? b[i + 1] : 0;
      if (len < 2) return 0;
      i += len;
    }
    return 0;
  };
  const walk = new TcpOptionWalk();
  const option = fc.oneof(
    fc.constantFrom([1], [0], [19, 18], [29, 4, 1, 2], [30, 3, 0x20], [19], [30, 1]),
    fc.uint8Array({ maxLength: 6 }).map((a) => [...a]),
  );
  fc.assert(
    fc.property(fc.array(option, { maxLength: 8 }), fc.nat(3), (parts, off) => {
      const b = Uint8Array.from([...new Array(off).fill(1), ...parts.flat()]);
      assert.equal(
        optionThatMatters(walk.reset(b, off, b.length - off)),
        reference(b, off, b.length),
      );
    }),
  );
});
