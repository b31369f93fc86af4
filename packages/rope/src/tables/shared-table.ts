// A named table: memory that every flow of one engine shares (and, through TableSync, every
// engine of one `rope run`). Keys are byte strings (latin1 JS strings, as rope's strings are);
// each key has an expiry time and a small integer value. Bounded: at capacity the least recently
// used key goes.
//
// Time is whatever the caller says it is — the packet's timestamp offline (so `rope classify` is
// deterministic), the clock live — in seconds since 1970. Nothing here reads a clock.
//
// Layout: one Map from key to an entry record. A Map keeps insertion order, so moving a key to
// the end on use (delete + set) makes the first key the least recently used; eviction and lookup
// are O(1). An entry record is reused when its key is refreshed, so a hit allocates nothing; a
// new key costs its record and its Map slot (bounded by the capacity).
//
// Every key that becomes alive (a new key, or one added again after it expired; not a renewal)
// counts once in the table's `newKeys` and in its set's `generation`: the flow classifier runs a
// table's scripts once more on a flow already past its window when something new was learned.

/** Largest capacity a script may declare (a table of this size costs about 100 MB). */
export const MAX_TABLE_CAPACITY = 1 << 20;
/** Longest lifetime a script may declare or give: 30 days, in seconds. */
export const MAX_TABLE_LIFETIME = 30 * 24 * 3600;
/** Longest key, bytes: an IPv6 address and port with a tag fits many times over. */
export const MAX_TABLE_KEY = 256;

export interface TableEntry {
  /** Expiry, seconds since 1970. */
  expires: number;
  value: number;
  /** What taught the key (a signature and a flow, for `via`); '' when nothing was said. */
  note: string;
}

/** One change, as TableSync ships it to other threads and the state file stores it. */
export interface TableChange {
  table: string;
  key: string;
  /** Expiry, seconds since 1970; 0: the key was deleted. */
  expires: number;
  value: number;
  note: string;
}

export type ChangeListener = (change: TableChange) => void;

/** Counts the keys that became alive in any table of a set (see TableSet.generation). */
export interface KeyGeneration {
  /** A key became alive in one of the set's tables. */
  keyBorn(): void;
}

export interface TableSpec {
  name: string;
  capacity: number;
  /** Default lifetime of a key, seconds. */
  lifetime: number;
}

export class SharedTable {
  private readonly map = new Map<string, TableEntry>();
  /** Called for every local add, set and delete (not for changes applied from elsewhere). */
  onChange: ChangeListener | null = null;
  evictions = 0;
  /** Keys that became alive here: added new, or added again after they expired. */
  newKeys = 0;

  constructor(
    readonly spec: Readonly<TableSpec>,
    /** The set's counter, bumped with `newKeys`. */
    private readonly keyGeneration: KeyGeneration | null = null,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get size(): number {
    return this.map.size;
  }

  /** The live entry of `key`, or undefined (an expired entry is removed on the way). */
  private live(key: string, now: number): TableEntry | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.expires <= now) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  /**
   * Adds `key` (or refreshes it) to live `lifetime` seconds from `now` (default: the table's).
   * A refreshed key keeps its value unless `value` is given, and its note unless `note` is.
   */
  add(
    key: string,
    now: number,
    lifetime = this.spec.lifetime,
    value?: number,
    note?: string,
  ): TableEntry {
    const expires = now + lifetime;
    let e = this.map.get(key);
    if (e !== undefined) {
      this.map.delete(key);
      if (e.expires <= now) {
        e.value = 0;
        e.note = '';
        this.bornKey();
      }
      e.expires = expires;
      if (value !== undefined) e.value = value;
      if (note !== undefined) e.note = note;
    } else {
      if (this.map.size >= this.spec.capacity) this.evictOne(now);
      e = { expires, value: value ?? 0, note: note ?? '' };
      this.bornKey();
    }
    this.map.set(key, e);
    this.onChange?.({ table: this.spec.name, key, expires, value: e.value, note: e.note });
    return e;
  }

  /** The live entry of `key` (counts as a use), or undefined. */
  find(key: string, now: number): TableEntry | undefined {
    const e = this.live(key, now);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e;
  }

  /** Whether `key` is in the table and alive at `now`. Counts as a use (LRU). */
  has(key: string, now: number): boolean {
    return this.find(key, now) !== undefined;
  }

  /** The value of `key`, or `missing` when it is absent or expired. */
  get(key: string, now: number, missing = 0): number {
    const e = this.live(key, now);
    return e === undefined ? missing : e.value;
  }

  /** Sets the value of a live key; adds it with the default lifetime when absent. */
  set(key: string, value: number, now: number): void {
    const e = this.live(key, now);
    if (e === undefined) {
      this.add(key, now, this.spec.lifetime, value);
      return;
    }
    e.value = value;
    this.onChange?.({ table: this.spec.name, key, expires: e.expires, value, note: e.note });
  }

  /** Removes `key`; whether it was there (alive or not). */
  delete(key: string): boolean {
    const had = this.map.delete(key);
    if (had) this.onChange?.({ table: this.spec.name, key, expires: 0, value: 0, note: '' });
    return had;
  }

  /** Seconds `key` has left at `now`, or 0 when absent. */
  remaining(key: string, now: number): number {
    const e = this.live(key, now);
    return e === undefined ? 0 : e.expires - now;
  }

  /**
   * Applies a change made elsewhere (another thread, a state file): no onChange. A change whose
   * expiry is not later than `now` only removes the key.
   */
  apply(change: TableChange, now: number): void {
    if (change.expires <= now) {
      this.map.delete(change.key);
      return;
    }
    let e = this.map.get(change.key);
    if (e !== undefined) {
      this.map.delete(change.key);
      if (e.expires <= now) this.bornKey();
      e.expires = change.expires;
      e.value = change.value;
      e.note = change.note;
    } else {
      if (this.map.size >= this.spec.capacity) this.evictOne(now);
      e = { expires: change.expires, value: change.value, note: change.note };
      this.bornKey();
    }
    this.map.set(change.key, e);
  }

  /** Drops every expired key (O(size): call it from a timer, not per packet). */
  expire(now: number): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (e.expires <= now) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }

  /** Live entries, least recently used first. */
  *entries(now: number): IterableIterator<[string, TableEntry]> {
    for (const kv of this.map) if (kv[1].expires > now) yield kv;
  }

  clear(): void {
    this.map.clear();
  }

  private bornKey(): void {
    this.newKeys++;
    this.keyGeneration?.keyBorn();
  }

  /** At capacity: an expired key if the oldest is one, else the least recently used. */
  private evictOne(now: number): void {
    const first = this.map.keys().next();
    if (first.done) return;
    const e = this.map.get(first.value)!;
    if (e.expires > now) this.evictions++;
    this.map.delete(first.value);
  }
}
