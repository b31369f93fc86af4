// One bidirectional flow: L4 protocol plus an unordered pair of endpoints. The endpoints are kept
// in a canonical order ("lo" sorts before "hi") so both directions find the same flow; `aIsLo`
// records which of them is the initiator (the sender of the first packet seen). The table reuses a
// Flow object for a later flow once it has left the table (after `onRemove` returns): read what
// you need of a flow while it is live, and keep that, not the object.
import { formatEndpoint, formatIp } from '../wire/address.js';

export const DIR_ORIGINAL = 0;
export const DIR_REPLY = 1;

export class Flow {
  /** Sequence number of the flow in its table (1, 2, …): stable for output ordering. */
  id = 0;
  protocol = 0;
  /** 4 or 6. */
  version = 4;
  // canonical endpoints: addresses as four big-endian 32-bit words (IPv4 uses word 0 only)
  lo0 = 0;
  lo1 = 0;
  lo2 = 0;
  lo3 = 0;
  loPort = 0;
  hi0 = 0;
  hi1 = 0;
  hi2 = 0;
  hi3 = 0;
  hiPort = 0;
  hash = 0;
  /** The initiator (endpoint a) is the "lo" endpoint. */
  aIsLo = true;
  /** Times in seconds (capture or arrival time). */
  firstSeen = 0;
  lastSeen = 0;
  // per-direction counters as plain fields (arrays would double the memory of a flow):
  // AB = a→b (original direction), BA = b→a (reply)
  packetsAB = 0;
  packetsBA = 0;
  /** IP bytes (as declared by the IP header) per direction. */
  bytesAB = 0;
  bytesBA = 0;
  /** Packets with a non-empty transport payload, per direction. */
  payloadPacketsAB = 0;
  payloadPacketsBA = 0;
  /** TCP: FIN seen per direction, RST seen. */
  finAB = false;
  finBA = false;
  rst = false;
  /**
   * A small integer no other live flow of the table holds (below the most flows the table has
   * held at once): the index of the flow's state in its owner's typed arrays (the rope
   * classifier keeps labels and flow registers there). Reused after the flow leaves the table.
   */
  slot = -1;

  // intrusive links: hash bucket chain and LRU list (most recent at the head)
  bucketNext: Flow | null = null;
  lruPrev: Flow | null = null;
  lruNext: Flow | null = null;
  lruList = 0;

  /** A new flow's counters and flags, before the table reuses the object (it sets the key). */
  reset(): void {
    this.firstSeen = 0;
    this.lastSeen = 0;
    this.packetsAB = 0;
    this.packetsBA = 0;
    this.bytesAB = 0;
    this.bytesBA = 0;
    this.payloadPacketsAB = 0;
    this.payloadPacketsBA = 0;
    this.finAB = false;
    this.finBA = false;
    this.rst = false;
  }

  get totalPackets(): number {
    return this.packetsAB + this.packetsBA;
  }
  get totalBytes(): number {
    return this.bytesAB + this.bytesBA;
  }
  packetsIn(dir: number): number {
    return dir === DIR_ORIGINAL ? this.packetsAB : this.packetsBA;
  }
  bytesIn(dir: number): number {
    return dir === DIR_ORIGINAL ? this.bytesAB : this.bytesBA;
  }
  payloadPacketsIn(dir: number): number {
    return dir === DIR_ORIGINAL ? this.payloadPacketsAB : this.payloadPacketsBA;
  }
  /** The flow has ended (RST, or FIN in both directions): the table lets it go sooner. */
  get closed(): boolean {
    return this.rst || (this.finAB && this.finBA);
  }

  private addressBytes(lo: boolean): Uint8Array {
    const out = new Uint8Array(this.version === 4 ? 4 : 16);
    const words = lo
      ? [this.lo0, this.lo1, this.lo2, this.lo3]
      : [this.hi0, this.hi1, this.hi2, this.hi3];
    for (let i = 0; i < out.length / 4; i++) {
      out[4 * i] = words[i] >>> 24;
      out[4 * i + 1] = (words[i] >>> 16) & 0xff;
      out[4 * i + 2] = (words[i] >>> 8) & 0xff;
      out[4 * i + 3] = words[i] & 0xff;
    }
    return out;
  }

  /** Initiator address as bytes (4 or 16). Allocates: for output, not packet paths. */
  addressA(): Uint8Array {
    return this.addressBytes(this.aIsLo);
  }
  addressB(): Uint8Array {
    return this.addressBytes(!this.aIsLo);
  }
  get portA(): number {
    return this.aIsLo ? this.loPort : this.hiPort;
  }
  get portB(): number {
    return this.aIsLo ? this.hiPort : this.loPort;
  }
  /** `ip:port` or `[ip6]:port` of the initiator. */
  endpointA(): string {
    return formatEndpoint(this.addressA(), 0, this.version === 4 ? 4 : 16, this.portA);
  }
  endpointB(): string {
    return formatEndpoint(this.addressB(), 0, this.version === 4 ? 4 : 16, this.portB);
  }
  ipA(): string {
    return formatIp(this.addressA(), 0, this.version === 4 ? 4 : 16);
  }
  ipB(): string {
    return formatIp(this.addressB(), 0, this.version === 4 ? 4 : 16);
  }
}
