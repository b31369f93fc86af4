// The cut of one TCP connection: learn each end's RCV.NXT from its own packets, send it RST|ACK
// with exactly that number, and confirm with an old-byte probe sent right behind the RST — a live
// end answers it with a duplicate ACK (so we learn its new RCV.NXT and try again), a reset end
// answers with RST. First contact is a SYN to the responder (conntrack lets a SYN in the original
// direction through even where invalid packets are dropped; Linux answers with a challenge ACK)
// and optionally a bare ACK to the initiator; the responder's answer gives an estimate of the
// initiator's RCV.NXT (the responder's SND.NXT), good for a RST and an old-byte probe at once.
// A caller that already knows both ends' numbers (a packet in hand) skips the first contact.
import {
  IPV4_MIN_HEADER,
  IPV6_HEADER,
  TCP_RST,
  TCPOPT_AO,
  TCPOPT_MD5SIG,
  TCPOPT_MPTCP,
  TcpView,
  type TcpOptionWalk,
} from '@p2pwall/core';
import { FlowKey } from '@p2pwall/core/flow';
import type { Connection } from '../find/connection.js';
import { EndpointState, type EndName } from './endpoint-state.js';
import { ackProbe, oldByteProbe, reachTo, rstAck, synProbe, type Reach } from './forge.js';
import type { CutResult } from './result.js';

/**
 * A probe's sequence or acknowledgement number. It needs to be unlikely to fall in the
 * connection's window (a probe inside it gets no answer), not to be unpredictable: Math.random,
 * where node:crypto's `randomInt` cost loading that module, ~6 ms of the command's start.
 */
function randomU32(): number {
  return Math.floor(Math.random() * 0x100000000);
}

/** What a session needs from the cut that runs it: a clock and a paced way to send. */
export interface SessionIo {
  now(): number;
  /** ms the packets queued now will wait before leaving (verification waits at least that long). */
  backlogMs(): number;
  /**
   * Queues one IP packet; `sent` runs once it left (errors go to onError). With `ahead` (the
   * RSTs) it leaves before every packet queued without it (the probes).
   */
  send(
    family: 4 | 6,
    packet: Buffer,
    dst: string,
    onError: (e: Error) => void,
    sent?: () => void,
    ahead?: boolean,
  ): void;
}

export interface SessionOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /**
   * Open with a bare ACK to the initiator as well as the SYN to the responder. Off by default: the
   * responder's answer already tells the initiator's numbers, and the extra probe and its answer
   * cost time when many connections are cut (docs/cutter.md). Later rounds send it regardless.
   */
  initiatorAckProbe: boolean;
  /** The receiver answers one SYN/bare-ACK probe per this many ms (net.ipv4.tcp_invalid_ratelimit + margin). */
  blindIntervalMs: number;
  /** First wait for an answer to an old-byte probe before probing again; doubles up to maxVerifyMs. */
  firstVerifyMs: number;
  maxVerifyMs: number;
  /** Re-send a RST with an unchanged number after this long without confirmation. */
  rstRetryMs: number;
  /** Debugging aid: one line per packet seen or sent (cutter --trace). */
  trace?: ((line: string) => void) | undefined;
}

export const DEFAULT_SESSION_OPTIONS: SessionOptions = {
  timeoutMs: 5000,
  initiatorAckProbe: false,
  blindIntervalMs: 520,
  firstVerifyMs: 10,
  maxVerifyMs: 200,
  rstRetryMs: 20,
};

/**
 * Each end's RCV.NXT — the sequence number a RST to it must carry — when the caller knows them
 * (from a packet in hand, see numbersOfHeldPacket in methods/forged-rst.ts).
 */
export interface KnownNumbers {
  initiator: number;
  responder: number;
}

export function reachOf(c: Connection, end: EndName): { reach: Reach; key: FlowKey } {
  // the initiator sends the original tuple, the responder the reply tuple; each is reached by
  // the reverse of the tuple it sends
  const t = end === 'initiator' ? c.entry.orig : c.entry.reply;
  const sport = t.srcPort ?? 0;
  const dport = t.dstPort ?? 0;
  return {
    reach: reachTo(t.dst, dport, t.src, sport),
    key: FlowKey.fromText(t.proto, t.src, sport, t.dst, dport),
  };
}

/**
 * The first option among TCP-MD5, TCP-AO and MPTCP in the options being walked, or 0: these
 * decide what forged RSTs can do (see CutSession.onOption). A broken option still counts by its
 * kind: its length cannot change what its sender does.
 */
export function optionThatMatters(walk: TcpOptionWalk): number {
  while (walk.next()) {
    const k = walk.kind;
    if (k === TCPOPT_MD5SIG || k === TCPOPT_AO || k === TCPOPT_MPTCP) return k;
  }
  return 0;
}

export class CutSession {
  readonly initiator: EndpointState;
  readonly responder: EndpointState;
  readonly done: Promise<CutResult>;
  private resolve!: (r: CutResult) => void;
  private start = 0;
  private finished = false;
  private deadline: NodeJS.Timeout | null = null;
  private blindTimer: NodeJS.Timeout | null = null;
  private blindRounds = 0;
  private sendError: Error | null = null;
  /** Reads forged packets back for the trace. */
  private readonly traceView = new TcpView();
  /** The local end was destroyed through sock_diag (set by the sock-destroy method). */
  localEnd: EndName | null = null;

  constructor(
    readonly connection: Connection,
    private readonly io: SessionIo,
    private readonly opts: SessionOptions,
  ) {
    const i = reachOf(connection, 'initiator');
    const r = reachOf(connection, 'responder');
    this.initiator = new EndpointState('initiator', i.reach, i.key);
    this.responder = new EndpointState('responder', r.reach, r.key);
    this.done = new Promise((res) => (this.resolve = res));
  }

  get family(): 4 | 6 {
    return this.connection.family;
  }

  private peer(x: EndpointState): EndpointState {
    return x === this.initiator ? this.responder : this.initiator;
  }

  private tr(what: string): void {
    const t = this.opts.trace;
    if (t)
      t(
        `${(this.io.now() - this.start).toFixed(2).padStart(8)} ms ${this.connection.initiator.address}:${this.connection.initiator.port} ${what}`,
      );
  }

  private send(packet: Buffer, to: EndpointState, sent?: () => void, ahead = false): void {
    if (this.opts.trace) {
      // forged packets carry no IP options or extension headers
      const t = this.traceView.reset(packet, this.family === 6 ? IPV6_HEADER : IPV4_MIN_HEADER);
      this.tr(
        `-> ${to.name} flags=0x${t.flags.toString(16)} seq=${t.seq} ack=${t.ack} len=${packet.length}`,
      );
    }
    this.io.send(
      this.family,
      packet,
      to.reach.dst,
      (e) => {
        this.sendError ??= e;
        this.finish('failed', `sending to the ${to.name} failed: ${e.message}`);
      },
      sent,
      ahead,
    );
  }

  /** The ACK field for packets to `x`: what its peer acknowledges, as far as we know. */
  private ackFor(x: EndpointState): number {
    const p = this.peer(x);
    if (p.rcvNxt >= 0) return p.rcvNxt;
    return x.sndNxt >= 0 ? x.sndNxt : 0;
  }

  /**
   * Starts the cut of a forwarded connection (or, with `localEnd` set, of the remote end only).
   * With `known` numbers the RSTs go out at once; the probes that learn numbers follow only if
   * an end is still silent a probe interval later.
   */
  begin(known?: KnownNumbers): void {
    this.start = this.io.now();
    this.deadline = setTimeout(() => this.timeout(), this.opts.timeoutMs);
    if (this.localEnd)
      this.markDead(this.localEnd === 'initiator' ? this.initiator : this.responder);
    if (!known) {
      this.blindRound();
      return;
    }
    this.initiator.rcvNxt = known.initiator >>> 0;
    this.responder.rcvNxt = known.responder >>> 0;
    for (const x of [this.initiator, this.responder]) if (!x.dead) this.cutEnd(x, x.rcvNxt);
    // the numbers stood for the first round: a later one probes both ends
    this.blindRounds = 1;
    this.armBlindRound();
  }

  /** SYN to a live responder, bare ACK (or an estimated old-byte probe) to a live initiator. */
  private blindRound(): void {
    if (this.finished) return;
    const now = this.io.now();
    for (const x of [this.responder, this.initiator]) {
      if (x.dead || x.seen > 0 || now - x.lastBlindAt < this.opts.blindIntervalMs) continue;
      const p = this.peer(x);
      if (p.sndNxt >= 0) {
        // the peer's SND.NXT bounds x's RCV.NXT: an old-byte probe below it is safe and unlimited
        this.send(oldByteProbe(x.reach, p.sndNxt, this.ackFor(x)), x);
        x.probes++;
        x.lastProbeAt = now;
        continue;
      }
      if (x === this.responder) this.send(synProbe(x.reach, randomU32()), x);
      else if (this.opts.initiatorAckProbe || this.localEnd || this.blindRounds > 0)
        this.send(ackProbe(x.reach, randomU32(), randomU32()), x);
      else continue;
      x.probes++;
      x.lastBlindAt = now;
      x.lastProbeAt = now;
    }
    this.blindRounds++;
    this.armBlindRound();
  }

  private armBlindRound(): void {
    if (this.blindTimer) clearTimeout(this.blindTimer);
    this.blindTimer = setTimeout(
      () => this.blindRound(),
      this.opts.blindIntervalMs + this.io.backlogMs(),
    );
  }

  private notes: string[] = [];

  /** The end `x` uses TCP-MD5, TCP-AO or MPTCP (seen in its packets' options). */
  onOption(x: EndpointState, kind: number): void {
    if (this.finished) return;
    if (kind === TCPOPT_MPTCP) {
      const note = 'MPTCP: this resets one subflow; the MPTCP connection may go on over others';
      if (!this.notes.includes(note)) this.notes.push(note);
      return;
    }
    // a segment without a valid signature is dropped before TCP looks at it: no RST can work
    this.finish(
      'failed',
      `the ${x.name} signs its segments (${kind === TCPOPT_MD5SIG ? 'TCP-MD5, RFC 2385' : 'TCP-AO, RFC 5925'}): forged RSTs cannot end this connection; block it instead`,
    );
  }

  /** A packet the end `x` sent (copied to us by the NFLOG rule). */
  onPacket(
    x: EndpointState,
    seq: number,
    ack: number,
    flags: number,
    payloadLength: number,
    window: number,
  ): void {
    if (this.finished) return;
    if (this.opts.trace)
      this.tr(
        `<- ${x.name} flags=0x${flags.toString(16)} seq=${seq} ack=${ack} len=${payloadLength}`,
      );
    if (flags & TCP_RST) {
      x.seen++;
      this.markDead(x);
      return;
    }
    x.learn(seq, ack, flags, payloadLength, window);
    if (x.dead) return;
    const now = this.io.now();
    if (x.rcvNxt >= 0 && (x.rcvNxt !== x.lastRstSeq || now - x.lastRstAt >= this.opts.rstRetryMs))
      this.cutEnd(x, x.rcvNxt);
    const p = this.peer(x);
    // nothing heard from the peer yet: its RCV.NXT is at most x's SND.NXT (equal when idle)
    if (!p.dead && p.seen === 0 && x.sndNxt >= 0 && x.sndNxt !== p.lastRstSeq)
      this.cutEnd(p, x.sndNxt);
  }

  /** RST|ACK with `seq`, then an old-byte probe right behind it to learn whether it worked. */
  private cutEnd(x: EndpointState, seq: number): void {
    const now = this.io.now();
    const ack = this.ackFor(x);
    // the RST leaves ahead of every queued probe (Pacer); its own probe still follows it
    this.send(rstAck(x.reach, seq, ack), x, undefined, true);
    x.rsts++;
    x.lastRstSeq = seq;
    x.lastRstAt = now;
    x.verifyDelay = this.opts.firstVerifyMs;
    x.clearTimer();
    this.send(oldByteProbe(x.reach, seq, ack, this.peer(x).window), x, () => {
      x.lastProbeAt = this.io.now();
      if (x.lastRstSeq === seq && !x.dead && !this.finished) this.armVerify(x);
    });
    x.probes++;
  }

  private armVerify(x: EndpointState): void {
    x.clearTimer();
    // answers wait behind our own queued packets too
    x.verifyTimer = setTimeout(() => this.verify(x), x.verifyDelay + 2 * this.io.backlogMs());
  }

  /** No answer yet: probe again (old byte, unlimited), backing off. */
  private verify(x: EndpointState): void {
    x.verifyTimer = null;
    if (this.finished || x.dead) return;
    const ref = x.rcvNxt >= 0 ? x.rcvNxt : x.lastRstSeq;
    const now = this.io.now();
    if (now - x.lastRstAt >= this.opts.rstRetryMs && x.rcvNxt >= 0) {
      // our RST may have been lost: send it again with the best number we have
      this.cutEnd(x, x.rcvNxt);
      return;
    }
    x.verifyDelay = Math.min(this.opts.maxVerifyMs, Math.max(1, x.verifyDelay * 2));
    this.send(oldByteProbe(x.reach, ref, this.ackFor(x), this.peer(x).window), x, () => {
      x.lastProbeAt = this.io.now();
      if (!x.dead && !this.finished) this.armVerify(x);
    });
    x.probes++;
  }

  markDead(x: EndpointState): void {
    if (x.dead) return;
    x.dead = true;
    x.deadAt = this.io.now();
    x.clearTimer();
    if (this.initiator.dead && this.responder.dead) this.finish('cut', this.notes.join('; '));
  }

  private timeout(): void {
    const alive = [this.initiator, this.responder].filter((x) => !x.dead);
    const why = alive.map((x) =>
      x.seen === 0
        ? `the ${x.name} never answered (${x.probes} probes; is it reachable from here, or does a firewall drop the probes?)`
        : `the ${x.name} kept answering (${x.rsts} RSTs did not reset it)`,
    );
    if (this.localEnd && alive.length === 1 && alive[0].seen === 0) {
      // the local socket is gone and the kernel sent its own RST; the remote end stayed silent
      this.finish(
        'cut',
        `the local socket was destroyed; the remote ${alive[0].name} did not answer the verification probes`,
      );
      return;
    }
    this.finish('failed', `timed out after ${this.opts.timeoutMs} ms: ${why.join('; ')}`);
  }

  finish(result: 'cut' | 'failed', reason: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.deadline) clearTimeout(this.deadline);
    if (this.blindTimer) clearTimeout(this.blindTimer);
    this.initiator.clearTimer();
    this.responder.clearTimer();
    const ms = Math.round((this.io.now() - this.start) * 100) / 100;
    this.resolve({
      connection: this.connection,
      result,
      reason,
      method: this.localEnd ? 'sock-destroy' : 'rst',
      ms,
      initiator: this.initiator.report(this.start),
      responder: this.responder.report(this.start),
    });
  }

  /** Ends the session now (interrupted). */
  abort(reason: string): void {
    this.finish('failed', reason);
  }
}
