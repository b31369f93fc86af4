// rope run's enforcement, on the main thread: locked clients and blocked peers kept as two rope
// tables, and every table — those two and the ones scripts declare `kernel` — mirrored into the
// kernel sets of enforce-rules.ts.
//
// The two tables are ordinary tables of the replica TableHub keeps, so whatever carries tables
// carries them too: replication to the queue workers, `--state`, fleet sharing.
//
//   p2pwall.locked   key: the client's address (4 or 16 bytes); note: the label that locked it
//   p2pwall.blocked  key: the peer's address (4 or 16 bytes), or address and port (6 or 18
//                    bytes, the port big-endian: the compact peer form); note: the label
//
// An entry's expiry is the lock's or block's end; every renewal moves it (and the kernel
// element's timeout). Kernel tables go to the `learned` sets with the same key shapes.
//
// Under pass-all (ftwall's accept-all) the sets stop filling: matches lock and block nothing,
// learned keys are not mirrored, and the kernel sets are emptied; turning it off puts back what
// the tables still hold.
import { parseIp } from '@p2pwall/core';
import { parseEndpoint } from '../control/address.js';
import { endpointKeyOf, keyText, splitEndpointKey } from '../tables/keys.js';
import { MAX_TABLE_LIFETIME, type SharedTable, type TableChange } from '../tables/shared-table.js';
import type { TableSet } from '../tables/table-set.js';
import { parseAction } from './actions.js';
import type { EnforceSet, EnforceSetKind } from './enforce-rules.js';
import type { EnforcementEvent, PeerBlocker } from './enforcement.js';
import type { BlockCounts, BlockSource, LockCounts } from './enforce-counts.js';
import { DNS_TRAIN_LABEL } from './dns/dns-trainer.js';
import { insideAny, type Cidr } from './inside.js';
import {
  BLOCKED_TABLE,
  declareEnforceTables,
  ENFORCE_CAPACITY,
  LOCKED_TABLE,
} from './enforce-tables.js';
import type { KernelSets } from './kernel-sets.js';

export { BLOCKED_TABLE, ENFORCE_CAPACITY, LOCKED_TABLE };

/** A flow a timed action (lock:S, block-peer:S) acts on, as a queue host reports it. */
export interface EnforceRequest {
  /** The label of the script that matched. */
  script: string;
  /** The action's text (`lock:20`, `block-peer:600`). */
  action: string;
  /** Initiator and responder, `ip:port` / `[ip6]:port` (or the bare address without ports). */
  from: string;
  to: string;
}

/** One entry of the two tables or a kernel table, for `rope ctl list`. */
export interface EnforcedEntry {
  kind: 'lock' | 'block';
  address: string;
  port: number | null;
  label: string;
  secondsLeft: number;
}

export interface EnforcerOptions {
  /** The replica of every table (TableHub's). */
  tables: TableSet;
  /** Sends changes made here to the queue engines. */
  broadcast(batch: TableChange[]): void;
  /** Names of the tables scripts declare `kernel`. */
  kernelTables: ReadonlySet<string>;
  sets: KernelSets | null;
  /** --inside; empty: the initiator is the client. */
  inside: readonly Cidr[];
  /** Seconds since 1970 (default: the clock). */
  now?: () => number;
}

export class Enforcer implements PeerBlocker {
  private readonly locked: SharedTable;
  private readonly blocked: SharedTable;
  private readonly listeners = new Set<(e: EnforcementEvent) => void>();
  private readonly now: () => number;
  private pending: TableChange[] = [];
  private scheduled = false;
  private pass = false;
  /** Counted where each happens (rope run's enforcement counters, enforce-counts.ts). */
  readonly locks: LockCounts = { started: 0, renewed: 0, unlocked: 0 };
  readonly blocks: BlockCounts = {
    match: 0,
    table: 0,
    dns: 0,
    cut: 0,
    ctl: 0,
    share: 0,
    renewed: 0,
    unblocked: 0,
  };

  constructor(private readonly o: EnforcerOptions) {
    this.now = o.now ?? (() => Date.now() / 1000);
    ({ locked: this.locked, blocked: this.blocked } = declareEnforceTables(o.tables));
    // changes made on this thread (here, the control socket): to the engines and the kernel
    o.tables.setListener((c) => {
      this.pending.push(c);
      this.mirror(c);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Sends the changes made here to the engines now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.o.broadcast(batch);
  }

  /** Follows the enforcement events; returns the function that stops it. */
  onEvent(listener: (e: EnforcementEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  get passAll(): boolean {
    return this.pass;
  }

  /**
   * The locks, blocks and kernel-table entries in an engine's batch that are new (not live in the
   * replica yet): call before the hub applies the batch; fromEngines() reports and counts them.
   */
  newInBatch(batch: readonly TableChange[]): TableChange[] {
    const now = this.now();
    return batch.filter(
      (c) =>
        c.expires > now &&
        this.setKind(c.table) !== null &&
        this.o.tables.get(c.table)?.find(c.key, now) === undefined,
    );
  }

  /**
   * Changes an engine made (already applied to the replica by the hub): into the kernel; the
   * locks and blocks `fresh` names (see newInBatch) are reported as events and counted, as blocks
   * from `source` ('table' from a queue engine, 'share' from the fleet) when they are blocks or
   * learned peers.
   */
  fromEngines(
    batch: readonly TableChange[],
    fresh: readonly TableChange[] = [],
    source: BlockSource = 'table',
  ): void {
    for (const c of batch) this.mirror(c);
    if (this.pass) return;
    for (const c of fresh) {
      const kind = this.setKind(c.table);
      if (kind === 'learned') {
        if (splitEndpointKey(c.key)) this.blocks[source]++;
        continue;
      }
      const lock = c.table === LOCKED_TABLE;
      if (lock) this.locks.started++;
      else this.blocks[source]++;
      const text = keyText(c.key);
      this.emit({
        kind: lock ? 'lock' : 'block',
        label: c.note === '' ? 'rope' : c.note,
        client: lock ? text : null,
        peer: lock ? null : text,
        seconds: Math.ceil(c.expires - this.now()),
      });
    }
  }

  /** A timed action's flow: lock its inside host or block its outside endpoint. */
  enforce(r: EnforceRequest): void {
    const a = parseAction(r.action);
    if (!a || (a.kind !== 'lock' && a.kind !== 'block-peer')) return;
    const from = parseEndpoint(r.from);
    const to = parseEndpoint(r.to);
    if (!from.ok || !to.ok) return;
    const fromBytes = parseIp(from.endpoint.address);
    let client = from.endpoint;
    let peer = to.endpoint;
    if (this.o.inside.length > 0 && fromBytes && !insideAny(this.o.inside, fromBytes)) {
      client = to.endpoint;
      peer = from.endpoint;
    }
    if (a.kind === 'lock') this.lock(client.address, a.seconds, r.script);
    else {
      const bytes = parseIp(peer.address);
      if (bytes) this.block(bytes, peer.port, a.seconds, r.script, r.script, 'match');
    }
  }

  /**
   * Locks `address` for `seconds` (null: 30 days), or renews its lock; false when refused (pass-all,
   * not an address). `source` names the event's origin when it is not the label ('ctl').
   */
  lock(address: string, seconds: number | null, label: string, source = label): boolean {
    const bytes = parseIp(address);
    if (this.pass || !bytes) return false;
    const s = seconds ?? MAX_TABLE_LIFETIME;
    const k = endpointKeyOf(bytes, null);
    const renewed = this.locked.find(k, this.now()) !== undefined;
    this.locked.add(k, this.now(), s, 0, label);
    if (renewed) this.locks.renewed++;
    else {
      this.locks.started++;
      this.emit({ kind: 'lock', label: source, client: keyText(k), peer: null, seconds: s });
    }
    return true;
  }

  /** A cut's UDP peer or DNS training's address (the queue hosts' PeerBlocker). */
  blockPeer(addr: Uint8Array, port: number | null, seconds: number, label: string): void {
    this.block(addr, port, seconds, label, label, label === DNS_TRAIN_LABEL ? 'dns' : 'cut');
  }

  /**
   * Blocks a peer (a whole host when `port` is null); false when refused (pass-all). `source`
   * names the event's origin when it is not the label ('ctl'); `counted` is what the counters
   * call it.
   */
  block(
    addr: Uint8Array,
    port: number | null,
    seconds: number | null,
    label: string,
    source = label,
    counted: BlockSource = 'match',
  ): boolean {
    if (this.pass || (addr.length !== 4 && addr.length !== 16)) return false;
    const s = seconds ?? MAX_TABLE_LIFETIME;
    const k = endpointKeyOf(addr, port);
    const renewed = this.blocked.find(k, this.now()) !== undefined;
    this.blocked.add(k, this.now(), s, 0, label);
    if (renewed) this.blocks.renewed++;
    else {
      this.blocks[counted]++;
      this.emit({ kind: 'block', label: source, client: null, peer: keyText(k), seconds: s });
    }
    return true;
  }

  /** Ends a lock early; whether there was one. */
  unlock(address: string): boolean {
    const bytes = parseIp(address);
    const ended =
      bytes !== null &&
      this.live(this.locked, endpointKeyOf(bytes, null)) &&
      this.locked.delete(endpointKeyOf(bytes, null));
    if (ended) this.locks.unlocked++;
    return ended;
  }

  /** Ends a block early (exactly this address and port, or whole host); whether there was one. */
  unblock(address: string, port: number | null): boolean {
    const bytes = parseIp(address);
    if (!bytes) return false;
    const k = endpointKeyOf(bytes, port);
    const ended = this.live(this.blocked, k) && this.blocked.delete(k);
    if (ended) this.blocks.unblocked++;
    return ended;
  }

  /** Clients locked and peers blocked now (the counts `rope ctl list` would show). */
  census(): { lockedClients: number; blockedPeers: number } {
    const now = this.now();
    let lockedClients = 0;
    let blockedPeers = 0;
    for (const _ of this.locked.entries(now)) lockedClients++;
    for (const _ of this.blocked.entries(now)) blockedPeers++;
    for (const name of this.o.kernelTables) {
      const t = this.o.tables.get(name);
      if (t) for (const [k] of t.entries(now)) if (splitEndpointKey(k)) blockedPeers++;
    }
    return { lockedClients, blockedPeers };
  }

  /** The lock or block of this key as an entry, or null. */
  entryOf(kind: 'lock' | 'block', address: string, port: number | null): EnforcedEntry | null {
    const bytes = parseIp(address);
    if (!bytes) return null;
    const t = kind === 'lock' ? this.locked : this.blocked;
    const k = endpointKeyOf(bytes, kind === 'lock' ? null : port);
    const e = t.find(k, this.now());
    return e ? this.view(kind, k, e.expires, e.note) : null;
  }

  /** Locked clients, then blocked peers (the two tables and the kernel tables). */
  entries(): EnforcedEntry[] {
    const now = this.now();
    const out: EnforcedEntry[] = [];
    for (const [k, e] of this.locked.entries(now))
      out.push(this.view('lock', k, e.expires, e.note));
    for (const [k, e] of this.blocked.entries(now))
      out.push(this.view('block', k, e.expires, e.note));
    for (const name of this.o.kernelTables) {
      const t = this.o.tables.get(name);
      if (!t) continue;
      for (const [k, e] of t.entries(now))
        if (splitEndpointKey(k)) out.push(this.view('block', k, e.expires, name));
    }
    return out.filter((e) => e.address !== '');
  }

  /** Pass-all: on empties the kernel sets and stops filling them; off refills them. */
  async setPassAll(on: boolean): Promise<void> {
    if (on === this.pass) return;
    this.pass = on;
    if (on) await this.o.sets?.flushAll();
    else this.resync();
  }

  /** Puts every live entry of the mirrored tables into the kernel (after a state load, pass-all off). */
  resync(): void {
    const now = this.now();
    for (const t of this.mirrored())
      for (const [k, e] of t.entries(now))
        this.mirror({ table: t.name, key: k, expires: e.expires, value: e.value, note: e.note });
  }

  /** Drops expired entries from the mirrored tables (a timer calls it). */
  expire(): void {
    const now = this.now();
    for (const t of this.mirrored()) t.expire(now);
  }

  /** At stop: sends what is queued; with `flush`, empties the kernel sets. */
  async stop(flush: boolean): Promise<void> {
    this.flush();
    this.o.tables.setListener(null);
    if (!this.o.sets) return;
    if (flush) await this.o.sets.flushAll();
    else await this.o.sets.drain();
  }

  // ---- inside

  private *mirrored(): IterableIterator<SharedTable> {
    yield this.locked;
    yield this.blocked;
    for (const name of this.o.kernelTables) {
      const t = this.o.tables.get(name);
      if (t) yield t;
    }
  }

  private setKind(table: string): EnforceSetKind | null {
    if (table === LOCKED_TABLE) return 'locked';
    if (table === BLOCKED_TABLE) return 'blocked';
    return this.o.kernelTables.has(table) ? 'learned' : null;
  }

  private mirror(c: TableChange): void {
    const sets = this.o.sets;
    if (!sets) return;
    const kind = this.setKind(c.table);
    if (kind === null) return;
    const at = splitEndpointKey(c.key);
    if (!at) return;
    const deleted = c.expires === 0;
    if (!deleted && this.pass) return;
    const port = kind === 'locked' ? null : at.port;
    const set: EnforceSet = { kind, family: at.family, port: port !== null };
    // whole seconds, rounded up (the kernel's timeouts count no finer for ipset)
    const left = c.expires - this.now();
    if (!deleted && left <= 0) return;
    const seconds = deleted ? null : Math.ceil(left);
    sets.change({ set, address: at.address, port, seconds });
  }

  private live(t: SharedTable, k: string): boolean {
    return t.find(k, this.now()) !== undefined;
  }

  private view(kind: 'lock' | 'block', k: string, expires: number, note: string): EnforcedEntry {
    const at = splitEndpointKey(k);
    return {
      kind,
      address: at?.address ?? '',
      port: kind === 'lock' ? null : (at?.port ?? null),
      label: note === '' ? 'rope' : note,
      secondsLeft: Math.max(0, Math.ceil(expires - this.now())),
    };
  }

  private emit(e: EnforcementEvent): void {
    for (const l of this.listeners) l(e);
  }
}
