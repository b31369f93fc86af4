// The temporary rules of one run: installed together, changed while the run lasts, removed
// afterwards — also on SIGINT/SIGTERM/uncaught errors. Every table/chain name and comment carries
// the owner and pid, so leftovers of a killed run can be found and removed (cleanupStale).
import { readFileSync } from 'node:fs';
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
import { deleteIptablesChainsSync, IptablesBackend, listIptablesChains } from './iptables.js';
import { deleteNftTableSync, listNftTables, NftBackend } from './nft.js';

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
    const spec: TemporaryRulesSpec = { ...options, pid: options.pid ?? process.pid };
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

function ownerAlive(pid: number, owner: string): boolean {
  if (pid === process.pid) return true;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // a reused pid running something else does not count as the owner
    return cmd.includes(owner.split('-').pop() ?? owner) || cmd.includes('node');
  } catch {
    return false;
  }
}

export interface StaleRules {
  backend: BackendKind;
  /** nft table or iptables chain prefix. */
  name: string;
  pid: number;
}

/**
 * Finds (and unless `dryRun`, removes) rules of `owner` whose process is gone. With `all`, also
 * those of live processes (another run in progress!) — for emergencies only.
 */
export function cleanupStale(
  owner: string,
  opts: { all?: boolean; dryRun?: boolean } = {},
): StaleRules[] {
  const out: StaleRules[] = [];
  for (const t of listNftTables(owner)) {
    if (!opts.all && ownerAlive(t.pid, owner)) continue;
    if (!opts.dryRun) deleteNftTableSync(t.table);
    out.push({ backend: 'nft', name: t.table, pid: t.pid });
  }
  for (const c of listIptablesChains(owner)) {
    if (!opts.all && ownerAlive(c.pid, owner)) continue;
    if (!opts.dryRun) deleteIptablesChainsSync(owner, c.pid);
    out.push({ backend: 'iptables', name: c.prefix, pid: c.pid });
  }
  return out;
}
