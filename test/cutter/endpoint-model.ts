// A TCP endpoint as the cut meets it, for the cut's unit tests: answers forged packets the way
// Linux's tcp_validate_incoming does (an exact RST resets, an in-window RST or a SYN draws a
// rate-limited challenge ACK, old data draws an immediate duplicate ACK, a reset end answers RST),
// optionally behind a "ct state invalid drop" filter.
import { TCP_ACK, TCP_RST, TCP_SYN } from '@p2pwall/core';

const seqAfter = (a: number, b: number) => ((a - b) | 0) > 0;

export interface Answer {
  seq: number;
  ack: number;
  flags: number;
}

export class EndpointModel {
  alive = true;
  lastOow = -Infinity;
  constructor(
    public rcvNxt: number,
    public sndNxt: number,
    readonly invalidDrop = false,
    readonly silent = false,
  ) {}

  /** What the end sends back for a segment, or null. `now` in ms. */
  receive(seq: number, ack: number, flags: number, len: number, now: number): Answer | null {
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
