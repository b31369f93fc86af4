// The tables of one `rope run`, on the main thread: the replica of every engine's tables (the
// scripts' and the enforcement's two), the hub that relays changes between queue engines, the
// enforcer and its kernel sets, and `--state` (loaded at start, saved every minute and at stop).
import { compile } from '../compile/compile.js';
import type { TableChange } from '../tables/shared-table.js';
import {
  loadState,
  saveState,
  stateProblemMessage,
  type StateProblem,
} from '../tables/state-file.js';
import { TableHub } from '../tables/table-sync.js';
import { TableSet, tableConflictMessage, type TableConflict } from '../tables/table-set.js';
import { enforceSets } from './enforce-rules.js';
import { Enforcer } from './enforcer.js';
import { SHARE_ENGINE } from './fleet-share.js';
import type { Cidr } from './inside.js';
import { openKernelSets, type KernelSets } from './kernel-sets.js';
import type { GroupSpec } from './queue-host.js';

/** How often --state is written while running (and once more at stop). */
export const STATE_INTERVAL_MS = 60_000;

export interface EnforceConfig {
  /** --inside: the networks of the clients a lock locks; empty: the initiator. */
  inside: Cidr[];
  /** --flush-on-stop: empty the kernel sets at stop (else their entries time out there). */
  flushOnStop: boolean;
  /** The --name of `rope rules --install` whose sets to fill (default rope). */
  rulesName: string;
  /** --state FILE, or null. */
  state: string | null;
}

export interface RunTablesIo {
  warn(message: string): void;
  note(message: string): void;
}

export class RunTables {
  private timer: NodeJS.Timeout | null = null;
  private expiry: NodeJS.Timeout | null = null;

  private constructor(
    readonly replica: TableSet,
    readonly hub: TableHub,
    readonly enforcer: Enforcer,
    private readonly sets: KernelSets | null,
    private readonly config: EnforceConfig,
    private readonly io: RunTablesIo,
  ) {}

  /**
   * Declares the scripts' tables in the replica, opens the kernel sets when anything may fill
   * them (a timed action, a kernel table, the control socket), loads --state.
   */
  static async open(
    groups: readonly GroupSpec[],
    config: EnforceConfig,
    wantSets: boolean,
    io: RunTablesIo,
  ): Promise<RunTables> {
    const now = () => Date.now() / 1000;
    const replica = new TableSet();
    const kernelTables = new Set<string>();
    for (const g of groups) {
      const { script } = compile(g.source, g.file, { pushes: g.pushes.length });
      for (const t of script?.tables ?? []) {
        const r = replica.declare(t, g.file);
        if ('kind' in r) io.warn(tableConflictMessage(r as TableConflict));
        if (t.kernel) kernelTables.add(t.name);
      }
    }
    let sets: KernelSets | null = null;
    if (wantSets || kernelTables.size > 0) {
      const r = await openKernelSets(config.rulesName, enforceSets([4, 6]), io.warn);
      if ('none' in r) io.note(r.none);
      else sets = r;
    }
    const hub = new TableHub(replica, now);
    const enforcer = new Enforcer({
      tables: replica,
      broadcast: (b) => hub.broadcast(b),
      kernelTables,
      sets,
      inside: config.inside,
    });
    const t = new RunTables(replica, hub, enforcer, sets, config, io);
    if (config.state) {
      const r = loadState(config.state, replica, now());
      if ('kind' in r) io.warn(stateProblemMessage(r as StateProblem));
      else if (r.applied > 0) io.note(`state file ${config.state}: ${r.applied} entries restored`);
    }
    return t;
  }

  /** Where the kernel sets are (`ipset rope-*`), or null when there are none. */
  get setsWhere(): string | null {
    return this.sets?.where ?? null;
  }

  /**
   * Engine `id` joins: `toEngine` sends it batches; the function returned takes the batches it
   * sends (into the replica, to the other engines, into the kernel sets). A `meshed` engine
   * exchanges batches with the other meshed engines directly (table-mesh.ts).
   */
  attach(
    id: number,
    toEngine: (batch: TableChange[]) => void,
    meshed = false,
  ): (batch: TableChange[]) => void {
    this.hub.attach(id, toEngine, meshed);
    return (batch) => {
      const fresh = this.enforcer.newInBatch(batch);
      this.hub.fromEngine(id, batch);
      this.enforcer.fromEngines(batch, fresh, id === SHARE_ENGINE ? 'share' : 'table');
    };
  }

  /** Every engine is attached: they get what --state restored; the kernel sets too. Timers start. */
  started(): void {
    const now = Date.now() / 1000;
    const restored: TableChange[] = [];
    for (const t of this.replica.all())
      for (const [key, e] of t.entries(now))
        restored.push({ table: t.name, key, expires: e.expires, value: e.value, note: e.note });
    if (restored.length > 0) this.hub.broadcast(restored);
    this.enforcer.resync();
    if (this.config.state) {
      this.timer = setInterval(() => this.save(), STATE_INTERVAL_MS);
      this.timer.unref();
    }
    this.expiry = setInterval(() => this.enforcer.expire(), 5_000);
    this.expiry.unref();
  }

  /** Writes --state now (a failure is one warning; the next try is a minute later). */
  save(): void {
    if (!this.config.state) return;
    try {
      saveState(this.config.state, this.replica, Date.now() / 1000);
    } catch (e) {
      this.io.warn(
        `cannot write the state file ${this.config.state}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /** At stop: the last --state, and the kernel sets flushed (--flush-on-stop) or left to time out. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.expiry) clearInterval(this.expiry);
    this.save();
    try {
      await this.enforcer.stop(this.config.flushOnStop);
    } catch (e) {
      this.io.warn(`kernel sets: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.sets?.close();
  }
}
