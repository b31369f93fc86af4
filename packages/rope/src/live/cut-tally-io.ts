// Counts `--on-match cut`'s cuts by protocol and result, from outside the cut: a CutIo that
// passes every call on to the real one (KernelCutIo) and watches what one cut asks of it. A cut
// (FlowCut's finish) makes all its calls in one synchronous run — the RSTs, the conntrack
// delete (which names the protocol), the UDP block, then the event — so what was seen since the
// last microtask belongs to the cut whose event arrives; a later packet's cut of the same flow
// (RSTs and delete, no event) is forgotten at the next microtask. Cuts are rare: this may
// allocate.
import { IPPROTO_TCP, IPPROTO_UDP } from '@p2pwall/core';
import type { EntryKey, Tuple } from '@p2pwall/core/netlink';
import type { CutTally } from './enforce-counts.js';
import type { EnforcementEvent, PeerBlocker } from './enforcement.js';
import type { CutIo, HeldConntrack } from './flow-cut.js';

/** What one synchronous run of the cut did. */
interface Turn {
  resets: number;
  proto: number | null;
  blocked: boolean;
}

/** The warnings of KernelCutIo's raw socket: opening failed (no RST went out) / sending failed. */
const OPEN_FAILED = /^cut:open/;
const SEND_FAILED = 'cut:send';

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
  private turn: Turn | null = null;
  private openFailures = 0;

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
    const io = make(t.blocker, onEvent, (key, message) => {
      if (OPEN_FAILED.test(key)) t.openFailures++;
      else if (key === SEND_FAILED) t.counts.sendErrors++;
      warn(key, message);
    });
    t.io = io;
    const lookup = io.lookup?.bind(io);
    if (lookup) t.lookup = lookup;
    return t;
  }

  private constructor(blocker: PeerBlocker) {
    this.blocker = {
      blockPeer: (addr, port, seconds, label) => {
        this.current().blocked = true;
        blocker.blockPeer(addr, port, seconds, label);
      },
    };
  }

  inject(packet: Buffer, dst: string, family: 4 | 6): void {
    const failedBefore = this.openFailures;
    this.inner().inject(packet, dst, family);
    if (this.openFailures === failedBefore) this.current().resets++;
  }

  deleteEntry(key: EntryKey): void {
    this.current().proto = key.orig?.proto ?? key.reply?.proto ?? null;
    this.inner().deleteEntry(key);
  }

  onEvent(e: EnforcementEvent): void {
    if (e.kind === 'cut') this.count(this.turn);
    this.turn = null;
    this.inner().onEvent(e);
  }

  private count(t: Turn | null): void {
    const c = this.counts;
    if (t?.proto === IPPROTO_TCP) {
      if (t.resets >= 2) c.tcpReset++;
      else c.tcpFailed++;
    } else if (t?.proto === IPPROTO_UDP) {
      if (t.blocked) c.udpBlocked++;
      else c.udpFailed++;
    } else c.other++;
  }

  private current(): Turn {
    if (this.turn === null) {
      const t: Turn = { resets: 0, proto: null, blocked: false };
      this.turn = t;
      queueMicrotask(() => {
        if (this.turn === t) this.turn = null;
      });
    }
    return this.turn;
  }

  private inner(): CutIo {
    return this.io!;
  }
}
