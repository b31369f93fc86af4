// Counts `--on-match cut`'s cuts by protocol and result, from outside the cut: a CutIo that
// passes every call on to the real one (KernelCutIo) and watches what a cut asks of it. A cut
// (FlowCut's finish) makes its calls in one synchronous run: the RSTs, the conntrack delete of
// its original tuple (TCP and UDP: the protocol), the UDP block, then — for a flow's first cut —
// the event, which names the same tuple's ends. So the RSTs are those since the last delete, and
// an event is classified by the delete just before it when both name the same flow; a later cut
// of a flow (RSTs and delete, no event) is overwritten by the next delete. Cuts are rare: this may
// allocate.
import { IPPROTO_TCP, IPPROTO_UDP, joinHostPort } from '@p2pwall/core';
import type { EntryKey, Tuple } from '@p2pwall/core/netlink';
import type { CutTally } from './enforce-counts.js';
import type { EnforcementEvent, PeerBlocker } from './enforcement.js';
import type { CutIo, HeldConntrack } from './flow-cut.js';

/** What the last deletion's cut did. */
interface Deleted {
  orig: Tuple;
  resets: number;
  blocked: boolean;
}

export class CutTallyIo implements CutIo {
  readonly counts: CutTally = {
    tcpReset: 0,
    tcpFailed: 0,
    udpBlocked: 0,
    udpFailed: 0,
    other: 0,
    sendErrors: 0,
  };
  readonly blocker: PeerBlocker;
  lookup?: (sent: Tuple) => Promise<HeldConntrack | null>;
  private io: CutIo | null = null;
  /** RSTs handed to the raw socket since the last deletion. */
  private resets = 0;
  private last: Deleted | null = null;

  /**
   * A tally around the io `make` builds; `make` gets the blocker, event sink and warnings to hand
   * the real io, so that the tally sees them.
   */
  static around(
    blocker: PeerBlocker,
    onEvent: (e: EnforcementEvent) => void,
    warn: (key: string, message: string) => void,
    make: (
      blocker: PeerBlocker,
      onEvent: (e: EnforcementEvent) => void,
      warn: (key: string, message: string) => void,
    ) => CutIo,
  ): CutTallyIo {
    const t = new CutTallyIo(blocker);
    const io = make(t.blocker, onEvent, warn);
    t.io = io;
    const lookup = io.lookup?.bind(io);
    if (lookup) t.lookup = lookup;
    return t;
  }

  private constructor(blocker: PeerBlocker) {
    this.blocker = {
      blockPeer: (addr, port, seconds, label) => {
        if (this.last) this.last.blocked = true;
        blocker.blockPeer(addr, port, seconds, label);
      },
    };
  }

  /**
   * A RST handed on. It is sent by the main thread's raw socket (rst-sender.ts), which counts
   * the ones it could not send (`sendErrors`, added on the main thread).
   */
  inject(packet: Buffer, dst: string, family: 4 | 6): void {
    this.inner().inject(packet, dst, family);
    this.resets++;
  }

  deleteEntry(key: EntryKey): void {
    const orig = key.orig ?? key.reply;
    this.last = orig ? { orig, resets: this.resets, blocked: false } : null;
    this.resets = 0;
    this.inner().deleteEntry(key);
  }

  onEvent(e: EnforcementEvent): void {
    if (e.kind === 'cut')
      this.count(this.last !== null && sameFlow(e, this.last.orig) ? this.last : null);
    this.last = null;
    this.resets = 0;
    this.inner().onEvent(e);
  }

  private count(d: Deleted | null): void {
    const c = this.counts;
    if (d?.orig.proto === IPPROTO_TCP) {
      if (d.resets >= 2) c.tcpReset++;
      else c.tcpFailed++;
    } else if (d?.orig.proto === IPPROTO_UDP) {
      if (d.blocked) c.udpBlocked++;
      else c.udpFailed++;
    } else c.other++;
  }

  private inner(): CutIo {
    return this.io!;
  }
}

/** The cut event names the tuple's ends as FlowCut does: client its source, peer its destination. */
function sameFlow(e: EnforcementEvent, t: Tuple): boolean {
  const peer = t.dstPort !== undefined ? joinHostPort(t.dst, t.dstPort) : t.dst;
  return e.client === t.src && e.peer === peer;
}
