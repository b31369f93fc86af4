// What the cut knows about one end of a TCP connection: where to send to reach it, the numbers
// learned from its own packets (the ACK field is its RCV.NXT, SEQ + length its SND.NXT), and what
// was sent to it. Sequence arithmetic is modulo 2^32.
import { TCP_ACK, TCP_FIN, TCP_SYN } from '@p2pwall/core';
import type { FlowKey } from '@p2pwall/core/flow';
import type { Reach } from './forge.js';

export type EndName = 'initiator' | 'responder';

/** a is after b in sequence space. */
export function seqAfter(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export class EndpointState {
  /** Its RCV.NXT (ACK field of its latest packet), or -1. */
  rcvNxt = -1;
  /** Highest SEQ + length it sent, or -1. */
  sndNxt = -1;
  window = 65535;
  /** Packets of it seen. */
  seen = 0;
  /** Seen reset: it answered with RST, or its local socket was destroyed. */
  dead = false;
  deadAt = 0;
  rsts = 0;
  probes = 0;
  /** Sequence number of the last RST sent to it, or -1. */
  lastRstSeq = -1;
  lastRstAt = -Infinity;
  /** Last SYN or bare-ACK probe (rate limited by the receiver: one answer per 500 ms). */
  lastBlindAt = -Infinity;
  lastProbeAt = -Infinity;
  /** Delay before the next verification probe, ms (grows while it stays silent). */
  verifyDelay = 0;
  verifyTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly name: EndName,
    /** How to address packets so that they look like its peer's. */
    readonly reach: Reach,
    /** The direction of packets it sends (as they arrive here, before any NAT). */
    readonly key: FlowKey,
  ) {}

  /** Takes in the numbers of a packet it sent. */
  learn(seq: number, ack: number, flags: number, payloadLength: number, window: number): void {
    this.seen++;
    // ACK set: the ACK field is its RCV.NXT at the time it sent this
    if (flags & TCP_ACK && (this.rcvNxt < 0 || !seqAfter(this.rcvNxt, ack)))
      this.rcvNxt = ack >>> 0;
    const end = (seq + payloadLength + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0)) >>> 0;
    if (this.sndNxt < 0 || seqAfter(end, this.sndNxt)) this.sndNxt = end;
    this.window = window;
  }

  clearTimer(): void {
    if (this.verifyTimer) clearTimeout(this.verifyTimer);
    this.verifyTimer = null;
  }

  report(start: number): {
    reset: boolean;
    rsts: number;
    probes: number;
    seen: number;
    ms?: number;
  } {
    return {
      reset: this.dead,
      rsts: this.rsts,
      probes: this.probes,
      seen: this.seen,
      ...(this.dead ? { ms: Math.round((this.deadAt - start) * 100) / 100 } : {}),
    };
  }
}
