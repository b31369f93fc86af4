// The cut algorithm against simulated Linux endpoints: each model answers forged packets the way
// tcp_validate_incoming does (exact-RST resets, in-window RST and SYN draw a rate-limited
// challenge ACK, old data draws an immediate duplicate ACK, a closed port answers RST), optionally
// behind a "ct state invalid drop" filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Packet, TCP_ACK, TCP_RST, TCP_SYN } from '@p2pwall/core';
import { toConnection } from '../find/connection.js';
import type { ConntrackEntry } from '@p2pwall/core/netlink';
import { CutSession, DEFAULT_SESSION_OPTIONS, type SessionIo } from './session.js';
import type { EndpointState } from './endpoint-state.js';

const seqAfter = (a: number, b: number) => ((a - b) | 0) > 0;

class Endpoint {
  alive = true;
  lastOow = -Infinity;
  constructor(
    public rcvNxt: number,
    public sndNxt: number,
    readonly invalidDrop = false,
    readonly silent = false,
  ) {}

  /** What the end sends back for `p`, or null. */
  receive(
    seq: number,
    ack: number,
    flags: number,
    len: number,
    now: number,
  ): { seq: number; ack: number; flags: number } | null {
    if (this.silent) return null;
    if (!this.alive)
      return flags & TCP_RST ? null : { seq: flags & TCP_ACK ? ack : 0, ack: 0, flags: TCP_RST };
    const window = 65535;
    const inWindow = !seqAfter(this.rcvNxt, seq) && seqAfter(this.rcvNxt + window, seq);
    const old = seqAfter(this.rcvNxt, seq + len) || (seq + len) >>> 0 === this.rcvNxt;
    // conntrack ≥ 6.1 at the end: data or ACKs far below the window are ignored (let through), a
    // SYN in the original direction is ignored; what lies beyond the window is invalid
    if (this.invalidDrop && !(flags & TCP_SYN) && !(flags & TCP_RST) && !old && !inWindow)
      return null;
    const challenge = () => {
      if (now - this.lastOow < 500) return null;
      this.lastOow = now;
      return { seq: this.sndNxt, ack: this.rcvNxt, flags: TCP_ACK };
    };
    if (flags & TCP_RST) {
      if (seq === this.rcvNxt) {
        this.alive = false;
        return null;
      }
      return inWindow ? challenge() : null;
    }
    if (flags & TCP_SYN) return challenge();
    if (old || !inWindow)
      return len > 0 ? { seq: this.sndNxt, ack: this.rcvNxt, flags: TCP_ACK } : challenge();
    return null;
  }
}

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

function simulate(ini: Endpoint, res: Endpoint, timeoutMs = 3000) {
  const t0 = performance.now();
  const pk = new Packet();
  let session!: CutSession;
  const io: SessionIo = {
    now: () => performance.now(),
    backlogMs: () => 0,
    send(_family, packet, dst, _onError, sent) {
      sent?.();
      pk.decode(packet, 0, packet.length);
      const t = pk.tcp;
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
