// A bounded table of bidirectional flows. Lookup hashes the canonical endpoint pair read straight
// from the packet bytes into one reused FlowKey, so a packet of a known flow allocates nothing; a new
// flow allocates one Flow. Memory stays bounded: flows idle longer than their protocol's timeout
// are expired, and when the table holds `maxFlows`, the least recently used flow is evicted.
// TCP and non-TCP flows sit on separate LRU lists so each list is ordered by expiry.
import type { Packet } from '../wire/packet.js';
import { IPPROTO_TCP } from '../wire/ip-proto.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../wire/tcp.js';
import { DIR_ORIGINAL, DIR_REPLY, Flow } from './flow.js';
import { FlowKey } from './flow-key.js';

export interface FlowTableOptions {
  /** Hard maximum of live flows (default 262,144). */
  maxFlows?: number;
  /** Idle timeout of TCP flows in seconds (default 1800). */
  tcpIdleTimeout?: number;
  /** Idle timeout of UDP and other flows in seconds (default 180, conntrack's UDP stream timeout). */
  udpIdleTimeout?: number;
  /** Per-script state slots allocated in each flow (default 0). */
  slots?: number;
  /** Called when a flow leaves the table: idle expiry, LRU eviction, a new connection on a closed
   * TCP tuple, or `drain()`. Must not call back into the table. */
  onRemove?: (flow: Flow, reason: FlowRemoveReason) => void;
}

export type FlowRemoveReason = 'idle' | 'evicted' | 'reused' | 'drained';

export const DEFAULT_MAX_FLOWS = 262_144;

export class FlowTable {
  readonly maxFlows: number;
  readonly tcpIdleTimeout: number;
  readonly udpIdleTimeout: number;
  private readonly slotCount: number;
  private readonly onRemove?: (flow: Flow, reason: FlowRemoveReason) => void;
  // grows by doubling (rehash) up to the next power of two above maxFlows, so a small capture
  // does not pay for a table sized for a firewall
  private buckets: (Flow | null)[];
  private mask: number;
  private readonly maxBuckets: number;
  private readonly heads: (Flow | null)[] = [null, null];
  private readonly tails: (Flow | null)[] = [null, null];
  private count = 0;
  private nextId = 1;
  /** Direction of the packet of the last successful lookup: 0 original (from a), 1 reply. */
  direction = DIR_ORIGINAL;
  /** The last lookup created the flow. */
  created = false;
  /** Flows removed so far, by reason. */
  readonly removed = { idle: 0, evicted: 0, reused: 0, drained: 0 };

  /** The key of the packet being looked up (canonical order). */
  private readonly key = new FlowKey();

  constructor(options: FlowTableOptions = {}) {
    this.maxFlows = Math.max(1, options.maxFlows ?? DEFAULT_MAX_FLOWS);
    this.tcpIdleTimeout = options.tcpIdleTimeout ?? 1800;
    this.udpIdleTimeout = options.udpIdleTimeout ?? 180;
    this.slotCount = options.slots ?? 0;
    this.onRemove = options.onRemove;
    let max = 16;
    while (max < this.maxFlows) max *= 2;
    this.maxBuckets = max;
    const size = Math.min(max, 1024);
    this.buckets = new Array<Flow | null>(size).fill(null);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Finds or creates the flow of a decoded packet, counts the packet, and sets `direction` and
   * `created`. `now` is the packet's time in seconds. Returns null only when the packet has no
   * decoded IP header.
   */
  lookup(p: Packet, now: number): Flow | null {
    if (p.version === 0) return null;
    const proto = p.protocol;
    this.expire(now);
    // ports are 0 when unreadable (a later fragment): such packets share a port-0 flow of their
    // address pair, as capture analysers (nDPI) key them
    const k = this.key.readPacket(p);
    const srcIsLo = k.canonicalize();
    const h = k.hash();

    let f = this.buckets[h & this.mask];
    while (f !== null) {
      if (
        f.hash === h &&
        f.protocol === proto &&
        f.version === p.version &&
        f.lo0 === k.a0 &&
        f.lo1 === k.a1 &&
        f.lo2 === k.a2 &&
        f.lo3 === k.a3 &&
        f.loPort === k.aPort &&
        f.hi0 === k.b0 &&
        f.hi1 === k.b1 &&
        f.hi2 === k.b2 &&
        f.hi3 === k.b3 &&
        f.hiPort === k.bPort
      )
        break;
      f = f.bucketNext;
    }

    const flags = p.tcpFlags;
    // a fresh SYN on a tuple whose connection has ended starts a new connection
    if (
      f !== null &&
      proto === IPPROTO_TCP &&
      f.closed &&
      (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN
    ) {
      this.remove(f, 'reused');
      f = null;
    }
    this.created = f === null;
    if (f === null) {
      if (this.count >= this.maxFlows) this.evictOne();
      f = new Flow(this.slotCount);
      f.id = this.nextId++;
      f.protocol = proto;
      f.version = p.version;
      f.lo0 = k.a0;
      f.lo1 = k.a1;
      f.lo2 = k.a2;
      f.lo3 = k.a3;
      f.loPort = k.aPort;
      f.hi0 = k.b0;
      f.hi1 = k.b1;
      f.hi2 = k.b2;
      f.hi3 = k.b3;
      f.hiPort = k.bPort;
      f.hash = h;
      f.aIsLo = srcIsLo;
      // a SYN-ACK seen first (capture started mid-handshake): its receiver initiated
      if (proto === IPPROTO_TCP && (flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK))
        f.aIsLo = !srcIsLo;
      f.firstSeen = now;
      f.lruList = proto === IPPROTO_TCP ? 0 : 1;
      if (this.count >= this.buckets.length && this.buckets.length < this.maxBuckets) this.grow();
      const bi = h & this.mask;
      f.bucketNext = this.buckets[bi];
      this.buckets[bi] = f;
      this.count++;
    } else {
      this.unlink(f);
    }
    this.pushFront(f);
    f.lastSeen = now;
    const dir = srcIsLo === f.aIsLo ? DIR_ORIGINAL : DIR_REPLY;
    this.direction = dir;
    if (dir === DIR_ORIGINAL) {
      f.packetsAB++;
      f.bytesAB += p.ipLength;
      if (p.payloadLength > 0) f.payloadPacketsAB++;
      if (flags & TCP_FIN && proto === IPPROTO_TCP) f.finAB = true;
    } else {
      f.packetsBA++;
      f.bytesBA += p.ipLength;
      if (p.payloadLength > 0) f.payloadPacketsBA++;
      if (flags & TCP_FIN && proto === IPPROTO_TCP) f.finBA = true;
    }
    if (flags & TCP_RST && proto === IPPROTO_TCP) f.rst = true;
    return f;
  }

  /** Expires flows idle longer than their timeout at time `now`. */
  expire(now: number): void {
    this.expireList(0, now - this.tcpIdleTimeout);
    this.expireList(1, now - this.udpIdleTimeout);
  }

  /** Removes every flow (calling onRemove with 'drained'), oldest first. */
  drain(): void {
    for (const list of [0, 1]) {
      while (this.tails[list] !== null) this.remove(this.tails[list]!, 'drained');
    }
  }

  /** Live flows, most recently used first within TCP, then the others. */
  *[Symbol.iterator](): IterableIterator<Flow> {
    for (const list of [0, 1]) {
      for (let f = this.heads[list]; f !== null; f = f.lruNext) yield f;
    }
  }

  private grow(): void {
    const size = this.buckets.length * 2;
    const next = new Array<Flow | null>(size).fill(null);
    const mask = size - 1;
    for (let i = 0; i < this.buckets.length; i++) {
      let f = this.buckets[i];
      while (f !== null) {
        const after = f.bucketNext;
        const bi = f.hash & mask;
        f.bucketNext = next[bi];
        next[bi] = f;
        f = after;
      }
    }
    this.buckets = next;
    this.mask = mask;
  }

  private expireList(list: number, cutoff: number): void {
    let f = this.tails[list];
    while (f !== null && f.lastSeen < cutoff) {
      const prev = f.lruPrev;
      this.remove(f, 'idle');
      f = prev;
    }
  }

  private evictOne(): void {
    const a = this.tails[0];
    const b = this.tails[1];
    const victim = a === null ? b : b === null ? a : a.lastSeen <= b.lastSeen ? a : b;
    if (victim) this.remove(victim, 'evicted');
  }

  private remove(f: Flow, reason: FlowRemoveReason): void {
    this.unlink(f);
    const bi = f.hash & this.mask;
    let c = this.buckets[bi];
    if (c === f) this.buckets[bi] = f.bucketNext;
    else {
      while (c !== null && c.bucketNext !== f) c = c.bucketNext;
      if (c !== null) c.bucketNext = f.bucketNext;
    }
    f.bucketNext = null;
    this.count--;
    this.removed[reason]++;
    this.onRemove?.(f, reason);
  }

  private unlink(f: Flow): void {
    const l = f.lruList;
    if (f.lruPrev !== null) f.lruPrev.lruNext = f.lruNext;
    else if (this.heads[l] === f) this.heads[l] = f.lruNext;
    if (f.lruNext !== null) f.lruNext.lruPrev = f.lruPrev;
    else if (this.tails[l] === f) this.tails[l] = f.lruPrev;
    f.lruPrev = null;
    f.lruNext = null;
  }

  private pushFront(f: Flow): void {
    const l = f.lruList;
    f.lruNext = this.heads[l];
    f.lruPrev = null;
    if (this.heads[l] !== null) this.heads[l]!.lruPrev = f;
    this.heads[l] = f;
    if (this.tails[l] === null) this.tails[l] = f;
  }
}
