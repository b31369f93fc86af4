// The real CutIo of `--on-match cut`: RSTs go to the main thread's raw sockets (rst-sender.ts,
// directly or as a message from a queue worker), conntrack through this thread's own netlink
// socket, opened at the first cut that needs it; every failure is reported as a warning, never
// thrown into the packet path.
import { Conntrack, type ConntrackEntry, type EntryKey, type Tuple } from '@p2pwall/core/netlink';
import { reverseTuple, sameTuple, type CutIo, type HeldConntrack } from './flow-cut.js';
import type { EnforcementEvent, PeerBlocker } from './enforcement.js';
import type { SendRst } from './rst-sender.js';

export class KernelCutIo implements CutIo {
  private conntrack: Conntrack | null = null;

  constructor(
    readonly blocker: PeerBlocker,
    private readonly events: (e: EnforcementEvent) => void,
    private readonly warn: (key: string, message: string) => void,
    private readonly sendRst: SendRst,
  ) {}

  onEvent(e: EnforcementEvent): void {
    this.events(e);
  }

  inject(packet: Buffer, dst: string, family: 4 | 6): void {
    this.sendRst(packet, dst, family);
  }

  private open(): Conntrack | null {
    try {
      this.conntrack ??= Conntrack.open();
      return this.conntrack;
    } catch (e) {
      this.warn('cut:conntrack', `cut: opening conntrack: ${errorText(e)}`);
      return null;
    }
  }

  /**
   * Finds the entry whatever NAT did: a forwarded packet is seen after DNAT and before SNAT, so
   * it is the original tuple (initiator's, SNAT or none), the reply tuple (responder's, DNAT or
   * none), or the reverse of one of them.
   */
  async lookup(sent: Tuple): Promise<HeldConntrack | null> {
    const ct = this.open();
    if (!ct) return null;
    const back = reverseTuple(sent);
    for (const key of [{ orig: sent }, { reply: sent }, { orig: back }, { reply: back }]) {
      let e: ConntrackEntry | null;
      try {
        e = await ct.get(key);
      } catch {
        e = null;
      }
      if (!e) continue;
      // the packet goes in the reply direction when it is the reply tuple or reverses the
      // original one
      const replyDirection = sameTuple(e.reply, sent) || sameTuple(e.orig, back);
      return { orig: e.orig, reply: e.reply, id: e.id ?? 0, zone: e.zone ?? 0, replyDirection };
    }
    return null;
  }

  deleteEntry(key: EntryKey): void {
    const ct = this.open();
    if (!ct) return;
    // false: already gone (the RSTs closed it, or it timed out), which is what we wanted
    ct.delete(key).catch((e: unknown) =>
      this.warn('cut:delete', `cut: deleting the conntrack entry: ${errorText(e)}`),
    );
  }

  close(): void {
    this.conntrack?.close();
    this.conntrack = null;
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
