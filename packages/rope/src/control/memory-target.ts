// A ControlTarget that keeps its state in memory: locked clients and blocked peers with their
// expiry, the banned DNS names, the pass-all switch, and counters from a callback. It is what the
// tests serve, and the bookkeeping the live engine can keep before (and beside) kernel sets: the
// engine asks isLocked()/isBlocked() for its verdicts, calls learnLock()/learnBlock() when a
// script names a client or a peer (refused under pass-all: the sets stop filling), and follows
// onChange() to mirror each change into the kernel.
//
// Time is an injected clock (milliseconds), so tests move it by hand. Lapsed entries are removed
// lazily — by every call that reads the sets, and by expire(), which the engine may call on a
// timer to hear about lapses through onChange().
import { canonicalAddress, endpointKey, type Endpoint } from './address.js';
import { failure, success, type Outcome } from './errors.js';
import type {
  AddResult,
  BanDnsResult,
  BlockRequest,
  ControlEntry,
  ControlStats,
  ControlTarget,
  ListResult,
  LockRequest,
  PassAllResult,
  RemoveResult,
  TrafficCounters,
} from './target.js';
import { compareEntries } from './entry-order.js';

export interface MemoryTargetOptions {
  /** The clock, in milliseconds (default Date.now). */
  now?: () => number;
  /** The counters `stats` reports (default: zeros, uptime since construction). */
  traffic?: () => TrafficCounters;
  /** Entries per kind before lock/block are refused (default 65536, ipset's default maxelem). */
  maxEntries?: number;
}

/** An entry as stored: its expiry as a time, not a countdown. */
export interface StoredEntry {
  kind: 'lock' | 'block';
  address: string;
  family: 4 | 6;
  port: number | null;
  label: string;
  /** Clock time (ms) it lapses at; null: never. */
  expiresAt: number | null;
}

export type ControlChange =
  | { type: 'added' | 'renewed' | 'removed' | 'expired'; entry: StoredEntry }
  | { type: 'pass-all'; on: boolean }
  | { type: 'ban-dns'; name: string };

export class MemoryControlTarget implements ControlTarget {
  private readonly now: () => number;
  private readonly traffic: (() => TrafficCounters) | undefined;
  private readonly maxEntries: number;
  private readonly startedAt: number;
  private readonly locks = new Map<string, StoredEntry>();
  private readonly blocks = new Map<string, StoredEntry>();
  private readonly names: string[] = [];
  private pass = false;
  private readonly listeners = new Set<(c: ControlChange) => void>();

  constructor(o: MemoryTargetOptions = {}) {
    this.now = o.now ?? Date.now;
    this.traffic = o.traffic;
    this.maxEntries = o.maxEntries ?? 65536;
    this.startedAt = this.now();
  }

  // ---- the ControlTarget operations (rope ctl, rope top)

  list(): Outcome<ListResult> {
    this.expire();
    const entries = [...this.locks.values(), ...this.blocks.values()]
      .sort(compareEntries)
      .map((e) => this.view(e));
    return success({ entries, dnsNames: [...this.names], passAll: this.pass });
  }

  lock(r: LockRequest): Outcome<AddResult> {
    return this.add(this.locks, 'lock', { ...r.target, port: null }, r.seconds, r.label);
  }

  unlock(target: Endpoint): Outcome<RemoveResult> {
    return this.remove(this.locks, { ...target, port: null }, 'is not locked');
  }

  block(r: BlockRequest): Outcome<AddResult> {
    return this.add(this.blocks, 'block', r.target, r.seconds, r.label);
  }

  unblock(target: Endpoint): Outcome<RemoveResult> {
    return this.remove(
      this.blocks,
      target,
      target.port === null ? 'is not blocked as a whole host' : 'is not blocked',
    );
  }

  banDns(name: string): Outcome<BanDnsResult> {
    if (this.names.includes(name)) return success({ name, added: false });
    this.names.push(name);
    this.emit({ type: 'ban-dns', name });
    return success({ name, added: true });
  }

  passAll(on?: boolean): Outcome<PassAllResult> {
    if (on === undefined || on === this.pass)
      return success({ passAll: this.pass, changed: false });
    this.pass = on;
    this.emit({ type: 'pass-all', on });
    return success({ passAll: on, changed: true });
  }

  stats(): Outcome<ControlStats> {
    this.expire();
    const traffic: TrafficCounters = this.traffic?.() ?? {
      uptime: (this.now() - this.startedAt) / 1000,
      totals: { packets: 0, bytes: 0, flows: 0, accepted: 0, dropped: 0 },
      labels: [],
    };
    return success({
      ...traffic,
      passAll: this.pass,
      locked: this.locks.size,
      blocked: this.blocks.size,
      dnsNames: this.names.length,
    });
  }

  // ---- for the live engine

  /** Pass-all (ftwall's accept-all) is on: every verdict is accept. */
  get passAllOn(): boolean {
    return this.pass;
  }

  /** Whether the client (canonical address text) is locked now. */
  isLocked(address: string): boolean {
    return this.live(this.locks, address) !== null;
  }

  /**
   * Whether the peer is blocked now, on this port or as a whole host. Builds a key string: ask
   * once per new flow (and keep the answer with the flow), not once per packet.
   */
  isBlocked(address: string, port: number): boolean {
    return (
      this.live(this.blocks, address) !== null ||
      this.live(this.blocks, endpointKey({ address, port })) !== null
    );
  }

  /** Locks a client a script named; false (nothing done) under pass-all or when the set is full. */
  learnLock(address: string, seconds: number | null, label: string): boolean {
    const a = canonicalAddress(address);
    if (this.pass || !a) return false;
    return this.add(this.locks, 'lock', { ...a, port: null }, seconds, label).ok;
  }

  /** Blocks a peer a script named; false under pass-all or when the set is full. */
  learnBlock(address: string, port: number | null, seconds: number | null, label: string): boolean {
    const a = canonicalAddress(address);
    if (this.pass || !a) return false;
    return this.add(this.blocks, 'block', { ...a, port }, seconds, label).ok;
  }

  /** The banned names (patterns `*.example.com` included), in the order they came. */
  dnsNames(): readonly string[] {
    return this.names;
  }

  /** Whether a name (lower case, no trailing dot) is banned, exactly or below a `*.` pattern. */
  isBannedName(name: string): boolean {
    return this.names.some((p) =>
      p.startsWith('*.') ? name.endsWith(p.slice(1)) && name.length > p.length - 1 : name === p,
    );
  }

  /** Removes every lapsed entry, telling the listeners; returns them. */
  expire(): StoredEntry[] {
    const t = this.now();
    const gone: StoredEntry[] = [];
    for (const set of [this.locks, this.blocks]) {
      for (const [key, e] of set) {
        if (e.expiresAt !== null && e.expiresAt <= t) {
          set.delete(key);
          gone.push(e);
        }
      }
    }
    for (const e of gone) this.emit({ type: 'expired', entry: e });
    return gone;
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  onChange(listener: (c: ControlChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  // ---- inside

  private emit(c: ControlChange): void {
    for (const l of this.listeners) l(c);
  }

  private live(set: Map<string, StoredEntry>, key: string): StoredEntry | null {
    const e = set.get(key);
    if (e === undefined) return null;
    if (e.expiresAt !== null && e.expiresAt <= this.now()) {
      set.delete(key);
      this.emit({ type: 'expired', entry: e });
      return null;
    }
    return e;
  }

  private view(e: StoredEntry): ControlEntry {
    return {
      kind: e.kind,
      address: e.address,
      port: e.port,
      label: e.label,
      secondsLeft:
        e.expiresAt === null ? null : Math.max(0, Math.ceil((e.expiresAt - this.now()) / 1000)),
    };
  }

  private add(
    set: Map<string, StoredEntry>,
    kind: 'lock' | 'block',
    target: Endpoint,
    seconds: number | null,
    label: string,
  ): Outcome<AddResult> {
    const key = endpointKey(target);
    const expiresAt = seconds === null ? null : this.now() + seconds * 1000;
    const old = this.live(set, key);
    if (old) {
      // renewed: the new expiry replaces the old one (also a shorter one: the last word counts)
      old.expiresAt = expiresAt;
      this.emit({ type: 'renewed', entry: old });
      return success({ entry: this.view(old), renewed: true });
    }
    if (set.size >= this.maxEntries) this.expire();
    if (set.size >= this.maxEntries)
      return failure(
        'refused',
        `the ${kind} set is full (${this.maxEntries} entries): remove some, or wait for entries to lapse`,
      );
    const e: StoredEntry = {
      kind,
      address: target.address,
      family: target.family,
      port: target.port,
      label,
      expiresAt,
    };
    set.set(key, e);
    this.emit({ type: 'added', entry: e });
    return success({ entry: this.view(e), renewed: false });
  }

  private remove(
    set: Map<string, StoredEntry>,
    target: Endpoint,
    notFound: string,
  ): Outcome<RemoveResult> {
    const key = endpointKey(target);
    const e = this.live(set, key);
    if (!e) return failure('not-found', `${key} ${notFound}`);
    set.delete(key);
    this.emit({ type: 'removed', entry: e });
    return success({ entry: this.view(e) });
  }
}
