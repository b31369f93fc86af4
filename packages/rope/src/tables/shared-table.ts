// A named table: memory that every flow of one engine shares (and, through TableSync, every
// engine of one `rope run`). Keys are byte strings (latin1 JS strings, as rope's strings are);
// each key has an expiry time and a small integer value. Bounded: at capacity the least recently
// used key goes.
//
// Time is whatever the caller says it is — the packet's timestamp offline (so `rope classify` is
// deterministic), the clock live — in seconds since 1970. Nothing here reads a clock.
//
// Layout: a Map from key to an entry, and the entries in a doubly-linked list from the least to
// the most recently used (the flow table's way). A use moves its entry to the newest end by
// relinking it: four pointers. Before, the Map's own insertion order was the list, and a use was
// `delete` and `set` again, which V8's ordered hash tables pay for with a rehash every so often:
// ~220 ns per hit against ~10 ns, and bittorrent.rope's marker lookup hits on every windowed
// packet (docs/performance.md). Eviction takes the oldest end. An entry is reused when its key is
// refreshed, so a hit allocates nothing; a new key costs its entry and its Map slot (bounded by
// the capacity).
//
// Every key that becomes alive (a new key, or one added again after it expired; not a renewal)
// counts once in the table's `newKeys` and in its set's `generation`: the flow classifier runs a
// table's scripts once more on a flow already past its window when something new was learned.

/** Largest capacity a script may declare (a table of this size, 6-byte keys, costs about 130 MB). */
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
/** An entry with its place in the table's use order (older: toward eviction). */
class Entry implements TableEntry {
  older: Entry | null = null;
  newer: Entry | null = null;
  constructor(
    readonly key: string,
    public expires: number,
    public value: number,
    public note: string,
  ) {}
}

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
  private readonly map = new Map<string, Entry>();
  /** The least recently used entry (evicted first) and the most recent one. */
  private oldest: Entry | null = null;
  private newest: Entry | null = null;
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
  private live(key: string, now: number): Entry | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (e.expires <= now) {
      this.drop(e);
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
      if (e.expires <= now) {
        e.value = 0;
        e.note = '';
        this.bornKey();
      }
      e.expires = expires;
      if (value !== undefined) e.value = value;
      if (note !== undefined) e.note = note;
      this.touch(e);
    } else {
      if (this.map.size >= this.spec.capacity) this.evictOne(now);
      e = new Entry(key, expires, value ?? 0, note ?? '');
      this.insert(e);
      this.bornKey();
    }
    this.onChange?.({ table: this.spec.name, key, expires, value: e.value, note: e.note });
    return e;
  }

  /** The live entry of `key` (counts as a use), or undefined. */
  find(key: string, now: number): TableEntry | undefined {
    const e = this.live(key, now);
    if (e !== undefined) this.touch(e);
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
    const e = this.map.get(key);
    if (e === undefined) return false;
    this.drop(e);
    this.onChange?.({ table: this.spec.name, key, expires: 0, value: 0, note: '' });
    return true;
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
    let e = this.map.get(change.key);
    if (change.expires <= now) {
      if (e !== undefined) this.drop(e);
      return;
    }
    if (e !== undefined) {
      if (e.expires <= now) this.bornKey();
      e.expires = change.expires;
      e.value = change.value;
      e.note = change.note;
      this.touch(e);
    } else {
      if (this.map.size >= this.spec.capacity) this.evictOne(now);
      e = new Entry(change.key, change.expires, change.value, change.note);
      this.insert(e);
      this.bornKey();
    }
  }

  /** Drops every expired key (O(size): call it from a timer, not per packet). */
  expire(now: number): number {
    let n = 0;
    for (let e = this.oldest; e !== null;) {
      const next = e.newer;
      if (e.expires <= now) {
        this.drop(e);
        n++;
      }
      e = next;
    }
    return n;
  }

  /**
   * Live entries, least recently used first: a list made now, so that a caller may change the
   * table while it goes through them.
   */
  entries(now: number): IterableIterator<[string, TableEntry]> {
    const live: [string, TableEntry][] = [];
    for (let e = this.oldest; e !== null; e = e.newer) if (e.expires > now) live.push([e.key, e]);
    return live.values();
  }

  clear(): void {
    this.map.clear();
    this.oldest = null;
    this.newest = null;
  }

  private bornKey(): void {
    this.newKeys++;
    this.keyGeneration?.keyBorn();
  }

  /** At capacity: an expired key if the oldest is one, else the least recently used. */
  private evictOne(now: number): void {
    const e = this.oldest;
    if (e === null) return;
    if (e.expires > now) this.evictions++;
    this.drop(e);
  }

  /** A new entry: into the Map, at the newest end. */
  private insert(e: Entry): void {
    this.map.set(e.key, e);
    e.older = this.newest;
    if (this.newest !== null) this.newest.newer = e;
    else this.oldest = e;
    this.newest = e;
  }

  /** A use: the entry moves to the newest end. */
  private touch(e: Entry): void {
    if (e === this.newest) return;
    this.unlink(e);
    e.older = this.newest;
    this.newest!.newer = e; // not null: e is in the list and is not the newest
    this.newest = e;
  }

  /** Out of the Map and the list. */
  private drop(e: Entry): void {
    this.map.delete(e.key);
    this.unlink(e);
  }

  private unlink(e: Entry): void {
    if (e.older !== null) e.older.newer = e.newer;
    else this.oldest = e.newer;
    if (e.newer !== null) e.newer.older = e.older;
    else this.newest = e.older;
    e.older = null;
    e.newer = null;
  }
}
