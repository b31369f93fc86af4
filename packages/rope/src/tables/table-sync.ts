// Keeping the tables of several engines in step: `rope run --queue-balance` runs one engine per
// worker thread, and a key one of them learns must be seen by all within milliseconds.
//
// Each engine's TableSync collects its tables' local changes and sends them as one batch per turn
// of the event loop (setImmediate: after the packets of the current socket read, so a burst of
// learned peers is one message, and never later than the next turn). The main thread's TableHub
// applies every batch to its own replica — which is what `--state` saves — and forwards it to
// every other engine, except those the sender reaches directly (its mesh peers, table-mesh.ts).
// Applying a change does not report it again, so nothing echoes.
//
// Conflicts are settled by arrival order at each engine: two engines touching the same key within
// a millisecond may keep different expiries for it, which only shifts when the key is forgotten.
import type { TableChange } from './shared-table.js';
import type { TableSet } from './table-set.js';

export type BatchSender = (batch: TableChange[]) => void;

export class TableSync {
  private pending: TableChange[] = [];
  private scheduled = false;
  private readonly peers: BatchSender[] = [];
  sent = 0;
  received = 0;

  constructor(
    private readonly tables: TableSet,
    private readonly send: BatchSender,
    private readonly now: () => number,
  ) {
    tables.setListener((c) => this.queue(c));
  }

  /** Another engine this one sends its batches to directly, besides the hub. */
  addPeer(send: BatchSender): void {
    this.peers.push(send);
  }

  private queue(change: TableChange): void {
    this.pending.push(change);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends what is pending now (also called before a worker stops). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.sent += batch.length;
    for (const peer of this.peers) peer(batch);
    this.send(batch);
  }

  /** Applies a batch another engine sent. */
  receive(batch: readonly TableChange[]): void {
    const now = this.now();
    for (const c of batch) this.tables.apply(c, now);
    this.received += batch.length;
  }

  stop(): void {
    this.flush();
    this.tables.setListener(null);
  }
}

/** The main thread's side: a replica of every table, and the relay between engines. */
export class TableHub {
  private readonly peers = new Map<number, BatchSender>();
  /** Engines that exchange batches among themselves directly (table-mesh.ts). */
  private readonly meshed = new Set<number>();

  constructor(
    /** The replica: what `--state` saves and the control socket lists. */
    readonly replica: TableSet,
    private readonly now: () => number,
  ) {}

  /**
   * An engine (worker) joins under `id`; its batches arrive through `fromEngine`. A `meshed`
   * engine gets nothing from the hub that another meshed engine sent: they sent it each other.
   */
  attach(id: number, toEngine: BatchSender, meshed = false): void {
    this.peers.set(id, toEngine);
    if (meshed) this.meshed.add(id);
  }

  detach(id: number): void {
    this.peers.delete(id);
    this.meshed.delete(id);
  }

  /** A batch from engine `from`: into the replica and on to every engine that lacks it. */
  fromEngine(from: number, batch: TableChange[]): void {
    const now = this.now();
    for (const c of batch) this.replica.apply(c, now);
    const direct = this.meshed.has(from);
    for (const [id, send] of this.peers)
      if (id !== from && !(direct && this.meshed.has(id))) send(batch);
  }

  /** Changes made on the main thread itself (a loaded state file, the control socket): to all. */
  broadcast(batch: TableChange[]): void {
    for (const send of this.peers.values()) send(batch);
  }
}
