// The temporary rules of one run: installed together, changed while the run lasts, removed
// afterwards — also on SIGINT/SIGTERM/uncaught errors. Every table/chain name and comment carries
// the owner and pid, and records the owner's identity (owner-identity.ts), so leftovers of a
// killed run can be found and removed (cleanupStale) without ever taking a live run's rules.
import {
  detectBackend,
  type BackendKind,
  type InitialFlows,
  type RulesBackend,
  type TemporaryRulesSpec,
} from './backend.js';
import { FirewallError } from './errors.js';
import { onProcessEnd } from './exit-hooks.js';
import type { FlowMatch } from './flow-match.js';
import {
  deleteIptablesChainsSync,
  IptablesBackend,
  listIptablesChains,
  listIptablesChainsAsync,
} from './iptables.js';
import {
  deleteNftTableSync,
  listNftTables,
  listNftTablesAsync,
  NftBackend,
  nftTableIdentity,
} from './nft.js';
import { ownerState, ownIdentity, type OwnerIdentity } from './owner-identity.js';

export interface TemporaryFirewallOptions extends Omit<TemporaryRulesSpec, 'pid'> {
  pid?: number;
  /** Force a backend; by default nft when usable, else iptables. */
  backend?: BackendKind;
}

export class TemporaryFirewall {
  private unhook: (() => void) | null = null;

  private constructor(readonly backend: RulesBackend) {}

  get kind(): BackendKind {
    return this.backend.kind;
  }

  /** Installs the base rules (NFLOG and notrack chains) and the exit hooks that remove them. */
  static async install(
    options: TemporaryFirewallOptions,
    initial: InitialFlows = {},
  ): Promise<TemporaryFirewall> {
    const kind = options.backend ?? detectBackend();
    if (!kind) throw new FirewallError({ kind: 'no-backend' });
    const pid = options.pid ?? process.pid;
    const identity = pid === process.pid ? ownIdentity() : null;
    const spec: TemporaryRulesSpec = { ...options, pid, ...(identity ? { identity } : {}) };
    const backend = kind === 'nft' ? new NftBackend(spec) : new IptablesBackend(spec);
    const fw = new TemporaryFirewall(backend);
    fw.unhook = onProcessEnd(() => backend.removeSync());
    try {
      await backend.install(initial);
    } catch (e) {
      await fw.remove().catch(() => {});
      throw e;
    }
    return fw;
  }

  addLog(flows: FlowMatch[]): Promise<void> {
    return this.backend.addLog(flows);
  }
  addDrop(flows: FlowMatch[], timeoutSec?: number): Promise<void> {
    return this.backend.addDrop(flows, timeoutSec);
  }
  removeDrop(flows: FlowMatch[]): Promise<void> {
    return this.backend.removeDrop(flows);
  }

  /** Removes every rule of this run. Safe to call twice. */
  async remove(): Promise<void> {
    try {
      await this.backend.remove();
    } finally {
      this.unhook?.();
      this.unhook = null;
    }
  }
}

/** Runs a deletion; false when what it deletes went away meanwhile (its owner removed it). */
function deleted(remove: () => void): boolean {
  try {
    remove();
    return true;
  } catch (e) {
    if (/No such file|does not exist/i.test((e as Error).message)) return false;
    throw e;
  }
}

export interface StaleRules {
  backend: BackendKind;
  /** nft table or iptables chain prefix. */
  name: string;
  pid: number;
}

/**
 * Finds (and unless `dryRun`, removes) rules of `owner` whose process is gone — no such process,
 * or another one that reuses its pid (ownerState). With `all`, also those of live processes
 * (another run in progress!) — for emergencies only.
 */
export function cleanupStale(
  owner: string,
  opts: { all?: boolean; dryRun?: boolean } = {},
): StaleRules[] {
  return removeStale(owner, listNftTables(owner), listIptablesChains(owner), opts);
}

/**
 * cleanupStale, with the three listings (nft, iptables-save, ip6tables-save) run at once and
 * without blocking: a command can do its own first work meanwhile.
 */
export async function cleanupStaleAsync(
  owner: string,
  opts: { all?: boolean; dryRun?: boolean } = {},
): Promise<StaleRules[]> {
  const [tables, chains] = await Promise.all([
    listNftTablesAsync(owner),
    listIptablesChainsAsync(owner),
  ]);
  return removeStale(owner, tables, chains, opts);
}

function removeStale(
  owner: string,
  /** identity: undefined when the listing did not read the table's comment. */
  tables: readonly { table: string; pid: number; identity?: OwnerIdentity | null }[],
  chains: readonly { prefix: string; pid: number; identity: OwnerIdentity | null }[],
  opts: { all?: boolean; dryRun?: boolean },
): StaleRules[] {
  const out: StaleRules[] = [];
  for (const t of tables) {
    // the identity is read even when no process has the pid here: it tells the pid namespace
    const identity = t.identity === undefined ? nftTableIdentity(t.table) : t.identity;
    if (!opts.all && ownerState(t.pid, owner, identity) === 'alive') continue;
    if (!opts.dryRun && !deleted(() => deleteNftTableSync(t.table))) continue;
    out.push({ backend: 'nft', name: t.table, pid: t.pid });
  }
  for (const c of chains) {
    if (!opts.all && ownerState(c.pid, owner, c.identity) === 'alive') continue;
    if (!opts.dryRun) deleteIptablesChainsSync(owner, c.pid);
    out.push({ backend: 'iptables', name: c.prefix, pid: c.pid });
  }
  return out;
}
