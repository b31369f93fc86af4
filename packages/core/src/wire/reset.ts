// The RST that a modern TCP end accepts (RFC 5961): RST|ACK whose sequence number is exactly the
// receiver's RCV.NXT, without options (RSTs are exempt from PAWS). A packet held in a queue, not
// yet delivered, gives both ends' RCV.NXT at once: its receiver still expects its SEQ, its sender
// expects the number it acknowledges. Used by cutter (a packet in hand) and by `rope run
// --on-match cut`.
import { bareTcpLength, writeBareTcp } from './bare-tcp.js';
import { addressBytes, type AddressInput } from './address.js';
import { TCP_ACK, TCP_RST } from './tcp.js';

/** Where a forged packet goes: the addresses and ports the real peer would use. */
export interface ResetReach {
  src: AddressInput;
  srcPort: number;
  dst: AddressInput;
  dstPort: number;
}

/** Each end's RCV.NXT. */
export interface EndNumbers {
  initiator: number;
  responder: number;
}

/**
 * The numbers a TCP packet with ACK set gives while it is held (in an NFQUEUE, not delivered),
 * `fromInitiator` telling which end sent it.
 */
export function numbersOfHeldPacket(fromInitiator: boolean, seq: number, ack: number): EndNumbers {
  return fromInitiator
    ? { initiator: ack >>> 0, responder: seq >>> 0 }
    : { initiator: seq >>> 0, responder: ack >>> 0 };
}

/** RST|ACK with `seq` (the receiver's RCV.NXT) and `ack`, window 0, no options, TTL 64. */
export function rstAckPacket(to: ResetReach, seq: number, ack: number): Buffer {
  const src = addressBytes(to.src);
  const dst = addressBytes(to.dst);
  const out = Buffer.allocUnsafe(bareTcpLength(src.length === 16 ? 16 : 4, 0));
  writeBareTcp(out, 0, src, dst, to.srcPort, to.dstPort, seq, ack, TCP_RST | TCP_ACK, 0, null);
  return out;
}
