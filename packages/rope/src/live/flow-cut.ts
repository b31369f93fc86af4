// `--on-match cut`: ends a flow at once from the packet that matched (or any later one of the
// flow), held in the queue and about to be dropped.
//
// TCP: the held packet carries both ends' RCV.NXT (its SEQ for its receiver, its ACK for its
// sender: core's numbersOfHeldPacket), so each end gets the one RST it accepts (RFC 5961) with
// no probe. The RSTs are addressed as conntrack's tuples say (each end is reached by the
// reverse of the tuple it sends), which is right through SNAT and DNAT too; without conntrack
// data, by the packet's own addresses. UDP cannot be reset: the tuple is blocked in the kernel
// for --block-seconds instead. Either way the conntrack entry is deleted (by its CTA_ID, so a
// newer entry on the tuple is left alone). Cutting happens rarely: it may allocate.
import {
  formatIp,
  IPPROTO_TCP,
  IPPROTO_UDP,
  joinHostPort,
  numbersOfHeldPacket,
  parseIp,
  rstAckPacket,
  TCP_ACK,
  TCP_RST,
  type Packet,
  type ResetReach,
} from '@p2pwall/core';
import {
  CTA_TUPLE_ORIG,
  CTA_TUPLE_REPLY,
  decodeTuple,
  type EntryKey,
  type NfqPacket,
  type Tuple,
} from '@p2pwall/core/netlink';
import { DEFAULT_BLOCK_SECONDS } from './block-seconds.js';
import type { EnforcementEvent, PeerBlocker } from './enforcement.js';

export { DEFAULT_BLOCK_SECONDS } from './block-seconds.js';

/** What a cut does to the world; kernelCutIo is the real one. Fire and forget, all of it. */
export interface CutIo {
  /** Sends one whole IP packet (header included) towards `dst`. */
  inject(packet: Buffer, dst: string, family: 4 | 6): void;
  deleteEntry(key: EntryKey): void;
  /**
   * The conntrack entry of a packet sent as `sent` (for kernels that send none with the
   * packet); null when there is none. Optional: without it the packet's addresses are used.
   */
  lookup?(sent: Tuple): Promise<HeldConntrack | null>;
  readonly blocker: PeerBlocker;
  onEvent(e: EnforcementEvent): void;
}

/** Conntrack's view of the held packet's connection (from NFQA_CT). */
export interface HeldConntrack {
  orig: Tuple;
  reply: Tuple;
  /** CTA_ID, 0 when unknown; CTA_ZONE, 0 when none. */
  id: number;
  zone: number;
  /** The packet goes in conntrack's reply direction (truer than rope's own flow table, which
   * may have met the flow in the middle). */
  replyDirection: boolean;
}

/** The tuples of the packet's conntrack entry, or null when the kernel sent none (or broken). */
export function heldConntrack(p: NfqPacket): HeldConntrack | null {
  if (!p.hasCt) return null;
  const c = p.ct;
  const o = c.offset(CTA_TUPLE_ORIG);
  const r = c.offset(CTA_TUPLE_REPLY);
  if (o < 0 || r < 0) return null;
  try {
    return {
      orig: decodeTuple(p.buf, o, o + c.length(CTA_TUPLE_ORIG)),
      reply: decodeTuple(p.buf, r, r + c.length(CTA_TUPLE_REPLY)),
      id: p.ctId,
      zone: p.ctZone,
      replyDirection: p.ctDirection === 1,
    };
  } catch {
    return null;
  }
}

/** Counters of the cuts, for the stats. */
export interface CutCounts {
  cuts: number;
  resets: number;
}

export class FlowCut {
  readonly counts: CutCounts = { cuts: 0, resets: 0 };

  constructor(
    private readonly io: CutIo,
    private readonly blockSeconds = DEFAULT_BLOCK_SECONDS,
  ) {}

  /**
   * Cuts the flow of `packet` (decoded, held, to be dropped), which its initiator sent when
   * `fromInitiator` (rope's flow table's view; conntrack's, when known, wins). `ct`: the entry
   * the kernel sent with the packet; without it the io looks the entry up (kernels without
   * CONFIG_NETFILTER_NETLINK_GLUE_CT), and only when that fails too are the packet's own
   * addresses used. `first`: the flow's first cut (later ones, for packets already in flight,
   * only reset and delete again, with no event).
   */
  cut(
    packet: Packet,
    fromInitiator: boolean,
    ct: HeldConntrack | null,
    label: string,
    first: boolean,
  ): void {
    // what the cut needs of the packet, copied: the buffer is reused once the verdict is given
    const held: HeldFacts = {
      sent: sentTuple(packet),
      tcp: packet.protocol === IPPROTO_TCP && packet.hasPorts,
      seq: packet.hasPorts && packet.protocol === IPPROTO_TCP ? packet.tcp.seq : 0,
      ack: packet.hasPorts && packet.protocol === IPPROTO_TCP ? packet.tcp.ack : 0,
      flags: packet.tcpFlags,
    };
    if (ct || !this.io.lookup) {
      this.finish(held, fromInitiator, ct, label, first);
      return;
    }
    this.io.lookup(held.sent).then(
      (found) => this.finish(held, fromInitiator, found, label, first),
      () => this.finish(held, fromInitiator, null, label, first),
    );
  }

  private finish(
    held: HeldFacts,
    fromInitiator: boolean,
    ct: HeldConntrack | null,
    label: string,
    first: boolean,
  ): void {
    if (ct) fromInitiator = !ct.replyDirection;
    const orig = ct?.orig ?? (fromInitiator ? held.sent : reverse(held.sent));
    const reply = ct?.reply ?? reverse(orig);
    if (held.tcp) this.resetBoth(held, fromInitiator, orig, reply);
    if (orig.srcPort !== undefined && orig.dstPort !== undefined)
      this.io.deleteEntry({
        orig,
        ...(ct && ct.id !== 0 ? { id: ct.id } : {}),
        ...(ct && ct.zone !== 0 ? { zone: ct.zone } : {}),
      });
    if (orig.proto === IPPROTO_UDP && first) {
      const addr = parseIp(orig.dst);
      if (addr && orig.dstPort !== undefined)
        this.io.blocker.blockPeer(addr, orig.dstPort, this.blockSeconds, label);
    }
    if (!first) return;
    this.counts.cuts++;
    this.io.onEvent({
      kind: 'cut',
      label,
      client: orig.src,
      peer: orig.dstPort !== undefined ? joinHostPort(orig.dst, orig.dstPort) : orig.dst,
      seconds: null,
    });
  }

  private resetBoth(held: HeldFacts, fromInitiator: boolean, orig: Tuple, reply: Tuple): void {
    const flags = held.flags;
    // a RST is already on its way; without ACK (a SYN) the packet tells only one end's number,
    // and there is no connection to reset yet
    if ((flags & TCP_RST) !== 0 || (flags & TCP_ACK) === 0) return;
    const n = numbersOfHeldPacket(fromInitiator, held.seq, held.ack);
    // each end is reached by the reverse of the tuple it sends: the initiator sends `orig`, the
    // responder `reply`
    this.send(toSenderOf(orig), n.initiator, n.responder);
    this.send(toSenderOf(reply), n.responder, n.initiator);
  }

  private send(to: ResetReach & { dst: string }, seq: number, ack: number): void {
    const packet = rstAckPacket(to, seq, ack);
    this.counts.resets++;
    this.io.inject(packet, to.dst, to.dst.includes(':') ? 6 : 4);
  }
}

function toSenderOf(t: Tuple): ResetReach & { dst: string } {
  return { src: t.dst, srcPort: t.dstPort ?? 0, dst: t.src, dstPort: t.srcPort ?? 0 };
}

function reverse(t: Tuple): Tuple {
  return {
    src: t.dst,
    dst: t.src,
    proto: t.proto,
    ...(t.dstPort !== undefined ? { srcPort: t.dstPort } : {}),
    ...(t.srcPort !== undefined ? { dstPort: t.srcPort } : {}),
  };
}

/** The packet's own addresses and ports, as a tuple in the direction it was sent. */
function sentTuple(packet: Packet): Tuple {
  const len = packet.addrLength;
  const ports = packet.protocol === IPPROTO_TCP || packet.protocol === IPPROTO_UDP;
  return {
    src: formatIp(packet.buf, packet.srcOffset, len),
    dst: formatIp(packet.buf, packet.dstOffset, len),
    proto: packet.protocol,
    ...(ports ? { srcPort: packet.srcPort, dstPort: packet.dstPort } : {}),
  };
}

/** What a cut keeps of the held packet. */
interface HeldFacts {
  sent: Tuple;
  tcp: boolean;
  seq: number;
  ack: number;
  flags: number;
}

/** Tuples equal in addresses, protocol and ports. */
export function sameTuple(a: Tuple, b: Tuple): boolean {
  return (
    a.src === b.src &&
    a.dst === b.dst &&
    a.proto === b.proto &&
    a.srcPort === b.srcPort &&
    a.dstPort === b.dstPort
  );
}

export { reverse as reverseTuple };
