// The key of a flow: protocol, IP version and two endpoints, each an address as four big-endian
// 32-bit words (IPv4 uses the first) and a port. Read from a decoded packet's bytes in place (no
// allocation: one FlowKey is reused for every packet) or made once from text, and hashed the same
// way either way — so a key made from a conntrack tuple finds the packets that travel it.
//
// As read, a key is one direction (source, destination): cutter tells the two ends of a
// connection apart by it. `canonicalize()` puts the lower endpoint first, so that both directions
// of a flow share one key: the flow table's.
import { parseIp } from '../wire/address.js';
import type { Packet } from '../wire/packet.js';

/** One mixing step of the key hash (multiply-xorshift over 32-bit words). */
export function mixHash(h: number, w: number): number {
  h = Math.imul(h ^ w, 0x9e3779b1);
  return (h ^ (h >>> 15)) | 0;
}

function readWord(b: Uint8Array, o: number): number {
  return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3] | 0;
}

export class FlowKey {
  protocol = 0;
  /** 4 or 6; 0 before anything was read. */
  version = 0;
  // endpoint a (as read: the source), then b; address words are signed 32-bit values
  a0 = 0;
  a1 = 0;
  a2 = 0;
  a3 = 0;
  aPort = 0;
  b0 = 0;
  b1 = 0;
  b2 = 0;
  b3 = 0;
  bPort = 0;

  /**
   * The direction of a decoded packet: its protocol, source and destination. Ports are 0 when
   * unreadable (a later fragment). The packet must have an IP header (`version` not 0).
   */
  readPacket(p: Packet): this {
    const b = p.buf;
    const s = p.srcOffset;
    const d = p.dstOffset;
    this.protocol = p.protocol;
    this.version = p.version;
    this.a0 = readWord(b, s);
    this.b0 = readWord(b, d);
    if (p.version === 6) {
      this.a1 = readWord(b, s + 4);
      this.a2 = readWord(b, s + 8);
      this.a3 = readWord(b, s + 12);
      this.b1 = readWord(b, d + 4);
      this.b2 = readWord(b, d + 8);
      this.b3 = readWord(b, d + 12);
    } else {
      this.a1 = this.a2 = this.a3 = 0;
      this.b1 = this.b2 = this.b3 = 0;
    }
    this.aPort = p.srcPort;
    this.bPort = p.dstPort;
    return this;
  }

  /**
   * The direction `src:srcPort -> dst:dstPort` of `protocol`, addresses as text. Throws a
   * RangeError for an address that is not one, or for two of different families.
   */
  static fromText(
    protocol: number,
    src: string,
    srcPort: number,
    dst: string,
    dstPort: number,
  ): FlowKey {
    const s = parseIp(src);
    const d = parseIp(dst);
    if (!s || !d || s.length !== d.length) throw new RangeError(`bad flow ${src} -> ${dst}`);
    const k = new FlowKey();
    k.protocol = protocol;
    k.version = s.length === 4 ? 4 : 6;
    [k.a0, k.a1, k.a2, k.a3] = words(s);
    [k.b0, k.b1, k.b2, k.b3] = words(d);
    k.aPort = srcPort;
    k.bPort = dstPort;
    return k;
  }

  /**
   * Puts the lower endpoint first (address words compared unsigned, then the port), so that both
   * directions of a flow give one key. Returns true when endpoint a already was the lower one.
   */
  canonicalize(): boolean {
    let aIsLo: boolean;
    if (this.a0 !== this.b0) aIsLo = this.a0 >>> 0 < this.b0 >>> 0;
    else if (this.a1 !== this.b1) aIsLo = this.a1 >>> 0 < this.b1 >>> 0;
    else if (this.a2 !== this.b2) aIsLo = this.a2 >>> 0 < this.b2 >>> 0;
    else if (this.a3 !== this.b3) aIsLo = this.a3 >>> 0 < this.b3 >>> 0;
    else aIsLo = this.aPort <= this.bPort;
    if (!aIsLo) this.reverse();
    return aIsLo;
  }

  /** Swaps the endpoints: the other direction. */
  reverse(): this {
    let t = this.a0;
    this.a0 = this.b0;
    this.b0 = t;
    t = this.a1;
    this.a1 = this.b1;
    this.b1 = t;
    t = this.a2;
    this.a2 = this.b2;
    this.b2 = t;
    t = this.a3;
    this.a3 = this.b3;
    this.b3 = t;
    t = this.aPort;
    this.aPort = this.bPort;
    this.bPort = t;
    return this;
  }

  hash(): number {
    let h = mixHash(this.protocol | (this.version << 8), this.a0);
    h = mixHash(h, this.a1);
    h = mixHash(h, this.a2);
    h = mixHash(h, this.a3);
    h = mixHash(h, this.aPort | (this.bPort << 16));
    h = mixHash(h, this.b0);
    h = mixHash(h, this.b1);
    h = mixHash(h, this.b2);
    return mixHash(h, this.b3);
  }

  /** Same protocol, version and endpoints in the same order. */
  equals(o: FlowKey): boolean {
    return (
      this.protocol === o.protocol &&
      this.version === o.version &&
      this.a0 === o.a0 &&
      this.a1 === o.a1 &&
      this.a2 === o.a2 &&
      this.a3 === o.a3 &&
      this.aPort === o.aPort &&
      this.b0 === o.b0 &&
      this.b1 === o.b1 &&
      this.b2 === o.b2 &&
      this.b3 === o.b3 &&
      this.bPort === o.bPort
    );
  }
}

function words(ip: Uint8Array): [number, number, number, number] {
  const w: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < ip.length; i += 4) w[i / 4] = readWord(ip, i);
  return w;
}
