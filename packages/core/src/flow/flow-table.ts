// A bounded table of bidirectional flows. Lookup hashes the canonical endpoint pair read straight
// from the packet bytes into one reused FlowKey, so a packet of a known flow allocates nothing; a new
// flow allocates one Flow, or reuses one that has left the table. Memory stays bounded: flows
// idle longer than their protocol's timeout are expired, and when the table holds `maxFlows`, the
// least recently used flow is evicted.
// Open TCP flows, ended TCP flows (FIN both ways, or RST) and non-TCP flows sit on separate LRU
// lists, each with its own timeout, so each list is ordered by expiry.
import type { Packet } from '../wire/packet.js';
import { IPPROTO_TCP } from '../wire/ip-proto.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../wire/tcp.js';
import { DIR_ORIGINAL, DIR_REPLY, Flow } from './flow.js';
import { FlowKey } from './flow-key.js';
import { FlowSlots } from './flow-slots.js';

export interface FlowTableOptions {
  /** Hard maximum of live flows (default 262,144). */
  maxFlows?: number;
  /** Idle timeout of TCP flows in seconds (default 1800). */
  tcpIdleTimeout?: number;
  /** Idle timeout of UDP and other flows in seconds (default 180, conntrack's UDP stream timeout). */
  udpIdleTimeout?: number;
  /**
   * Idle timeout of a TCP flow that has ended (FIN in both directions, or RST) in seconds
   * (default 120, conntrack's TIME_WAIT): the last ACK and stray retransmissions still find it.
   */
  closedIdleTimeout?: number;
  /**
   * Flows to size the hash buckets for from the start (at most maxFlows). A live engine reserves
   * room so that a flood of new flows never waits for a rehash of the whole table (tens of
   * milliseconds at a few hundred thousand flows, every verdict held meanwhile); default 0: the
   * buckets start at 1024 and double as the table fills, so a small capture pays for no more.
   */
  reserve?: number;
  /**
   * Called when a flow leaves the table: idle expiry, LRU eviction, a new connection on a closed
   * TCP tuple, or `drain()`. Must not call back into the table. The last moment the flow can be
   * read: after it returns, its slot is freed and the object may be reused for another flow.
   */
  onRemove?: (flow: Flow, reason: FlowRemoveReason) => void;
}

export type FlowRemoveReason = 'idle' | 'evicted' | 'reused' | 'drained';

export const DEFAULT_MAX_FLOWS = 262_144;

// the LRU lists
const LIST_TCP = 0;
const LIST_OTHER = 1;
const LIST_CLOSED = 2;
const LISTS = [LIST_TCP, LIST_OTHER, LIST_CLOSED];

// Flow objects kept for reuse: a full table evicts one flow per new flow, so a flood of new flows
// allocates nothing and leaves the collector no long-lived objects to copy
const MAX_SPARE = 4096;

export class FlowTable {
  readonly maxFlows: number;
  readonly tcpIdleTimeout: number;
  readonly udpIdleTimeout: number;
  readonly closedIdleTimeout: number;
  private readonly slots = new FlowSlots();
  private readonly spare: Flow[] = [];
  private readonly onRemove?: (flow: Flow, reason: FlowRemoveReason) => void;
  // grows by doubling (rehash) up to the next power of two above maxFlows, from 1024 buckets or
  // from room for `reserve` flows
  private buckets: (Flow | null)[];
  private mask: number;
  private readonly maxBuckets: number;
  private readonly heads: (Flow | null)[] = [null, null, null];
  private readonly tails: (Flow | null)[] = [null, null, null];
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
    this.closedIdleTimeout = options.closedIdleTimeout ?? 120;
    this.onRemove = options.onRemove;
    let max = 16;
    while (max < this.maxFlows) max *= 2;
    this.maxBuckets = max;
    let size = 1024;
    while (size < Math.min(this.maxFlows, options.reserve ?? 0)) size *= 2;
    size = Math.min(max, size);
    this.buckets = new Array<Flow | null>(size).fill(null);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Hash buckets now: they double as the table fills, up to the next power of two ≥ maxFlows. */
  get bucketCount(): number {
    return this.buckets.length;
  }

  /** Every live flow's `slot` is below this (the most flows held at once since `compactSlots`). */
  get slotLimit(): number {
    return this.slots.highWater;
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
      f = this.spare.pop() ?? new Flow();
      f.id = this.nextId++;
      f.slot = this.slots.take();
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
      f.lruList = proto === IPPROTO_TCP ? LIST_TCP : LIST_OTHER;
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
    if (f.lruList === LIST_TCP && f.closed) {
      this.unlink(f);
      f.lruList = LIST_CLOSED;
      this.pushFront(f);
    }
    return f;
  }

  /**
   * Expires flows idle longer than their timeout at time `now`. Each list's oldest flow is tested
   * here, so that a packet that expires nothing (nearly all) calls nothing: a cutoff handed to a
   * function V8 has not inlined is a new heap number, three per packet.
   */
  expire(now: number): void {
    const tails = this.tails;
    let f = tails[LIST_TCP];
    if (f !== null && f.lastSeen < now - this.tcpIdleTimeout)
      this.expireList(LIST_TCP, now - this.tcpIdleTimeout);
    f = tails[LIST_OTHER];
    if (f !== null && f.lastSeen < now - this.udpIdleTimeout)
      this.expireList(LIST_OTHER, now - this.udpIdleTimeout);
    f = tails[LIST_CLOSED];
    if (f !== null && f.lastSeen < now - this.closedIdleTimeout)
      this.expireList(LIST_CLOSED, now - this.closedIdleTimeout);
  }

  /** Removes every flow (calling onRemove with 'drained'), oldest first in each LRU list. */
  drain(): void {
    for (const list of LISTS) {
      while (this.tails[list] !== null) this.remove(this.tails[list]!, 'drained');
    }
  }

  /** Live flows, most recently used first within open TCP, then the others, then ended TCP. */
  *[Symbol.iterator](): IterableIterator<Flow> {
    for (const list of LISTS) {
      for (let f = this.heads[list]; f !== null; f = f.lruNext) yield f;
    }
  }

  /**
   * Packs the live flows' slots into 0…size−1, so that an owner whose per-flow arrays grew during
   * a flood can shrink them: each flow holding a slot at or above `size` moves to a free one
   * below, `move(flow, from, to)` telling the owner to copy its state (`to` is never in use).
   * O(size); for a timer, not the packet path.
   */
  compactSlots(move: (flow: Flow, from: number, to: number) => void): void {
    const live = this.count;
    const low = this.slots.freeBelow(live);
    let k = 0;
    for (const list of LISTS) {
      for (let f = this.heads[list]; f !== null; f = f.lruNext) {
        if (f.slot < live) continue;
        const to = low[k++];
        move(f, f.slot, to);
        f.slot = to;
      }
    }
    this.slots.reset(live);
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
    // the least recently used of the lists' tails; on a tie an ended connection, then open TCP
    let victim = this.tails[LIST_CLOSED];
    const tcp = this.tails[LIST_TCP];
    if (tcp !== null && (victim === null || tcp.lastSeen < victim.lastSeen)) victim = tcp;
    const other = this.tails[LIST_OTHER];
    if (other !== null && (victim === null || other.lastSeen < victim.lastSeen)) victim = other;
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
    this.slots.give(f.slot);
    f.slot = -1;
    if (this.spare.length < MAX_SPARE) {
      f.reset();
      this.spare.push(f);
    }
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
