// Temporary rules for machines without nft: chains of our own in the raw table of iptables and
// ip6tables, reached by one commented jump each from PREROUTING and OUTPUT, loaded with
// `iptables-restore --noflush` (one atomic batch per change). One rule per flow direction.
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { NFPROTO_IPV4, NFPROTO_IPV6 } from '../netlink/nftables/constants.js';
import { listNftChainsOf } from '../netlink/nftables/listing.js';
import { findTool, runTool, runToolSync } from './command.js';
import type { InitialFlows, RulesBackend, TemporaryRulesSpec } from './backend.js';
import { flowFamily, ownerTag, protoName, type FlowMatch } from './flow-match.js';
import { identityText, parseIdentity, type OwnerIdentity } from './owner-identity.js';
import {
  absentRawBaseChains,
  removeEmptyRawBaseChains,
  type RawBaseChain,
} from './raw-base-chains.js';

/** The owner part of a chain name (iptables chain names hold at most 28 characters). */
function chainOwner(owner: string): string {
  return owner
    .replace(/[^A-Za-z0-9]/g, '_')
    .toUpperCase()
    .slice(0, 14);
}

/** Chain name prefix for an owner and pid. */
export function iptablesChainPrefix(owner: string, pid: number): string {
  return `${chainOwner(owner)}_${pid}`;
}

function match(f: FlowMatch): string {
  const p = protoName(f.proto);
  const ports =
    f.proto === 6 || f.proto === 17 || f.proto === 132 || f.proto === 33
      ? ` --sport ${f.srcPort} --dport ${f.dstPort}`
      : '';
  return `-p ${p} -s ${f.src} -d ${f.dst}${ports}`;
}

export class IptablesBackend implements RulesBackend {
  readonly kind = 'iptables' as const;
  readonly name: string;
  private readonly tag: string;
  private installed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Base chains of the raw tables that iptables-nft creates for our jumps (absent before). */
  private createdBaseChains: RawBaseChain[] = [];

  /** `installed` true: manage rules another process left (used by stale cleanup). */
  constructor(
    private readonly spec: TemporaryRulesSpec,
    installed = false,
  ) {
    this.installed = installed;
    this.name = iptablesChainPrefix(spec.owner, spec.pid);
    this.tag = JSON.stringify(ownerTag(spec.owner, spec.pid));
  }

  private get chains(): { log: string; drop: string; out: string } {
    return { log: `${this.name}_LOG`, drop: `${this.name}_DROP`, out: `${this.name}_OUT` };
  }

  private tool(v: 4 | 6, restore: boolean): string {
    const name = `${v === 6 ? 'ip6tables' : 'iptables'}${restore ? '-restore' : ''}`;
    return findTool(name) ?? name;
  }

  private restore(v: 4 | 6, lines: string[], what: string): Promise<string> {
    return runTool(
      [this.tool(v, true), '--noflush'],
      what,
      ['*raw', ...lines, 'COMMIT', ''].join('\n'),
    );
  }

  async install(initial: InitialFlows = {}): Promise<void> {
    // iptables-nft creates `table ip raw` / `ip6 raw` and their PREROUTING/OUTPUT chains for our
    // jumps if they are not there: note which were absent, to take them away again if left empty
    this.createdBaseChains = absentRawBaseChains();
    this.installed = true;
    const c = this.chains;
    const lines = [
      `:${c.log} - [0:0]`,
      `:${c.drop} - [0:0]`,
      `:${c.out} - [0:0]`,
      `-I PREROUTING 1 -m comment --comment ${this.tag} -j ${c.drop}`,
      `-I PREROUTING 1 -m comment --comment ${this.tag} -j ${c.log}`,
      `-I OUTPUT 1 -m comment --comment ${this.tag} -j ${c.out}`,
      ...(this.spec.notrackMark !== undefined
        ? [
            `-A ${c.out} -m mark --mark ${this.spec.notrackMark >>> 0} -m comment --comment ${this.tag} -j CT --notrack`,
            `-A ${c.out} -m mark --mark ${this.spec.notrackMark >>> 0} -j RETURN`,
          ]
        : []),
      // a rule without a target changes nothing: it records whose chains these are (stale cleanup)
      ...(this.spec.identity
        ? [
            `-A ${c.out} -m comment --comment ${JSON.stringify(`${ownerTag(this.spec.owner, this.spec.pid)} owner ${identityText(this.spec.identity)}`)}`,
          ]
        : []),
    ];
    await this.restore(4, lines, `installing iptables chains ${this.name}_*`);
    await this.restore(6, lines, `installing ip6tables chains ${this.name}_*`);
    if (initial.log?.length) await this.addLog(initial.log);
    if (initial.drop?.length) await this.addDrop(initial.drop, initial.dropTimeoutSec);
    for (const g of initial.dropGroups ?? [])
      if (g.flows.length) await this.addDrop(g.flows, g.timeoutSec);
  }

  private async rules(
    verb: '-A' | '-D',
    chain: 'log' | 'drop' | 'out',
    flows: FlowMatch[],
    target: string,
  ): Promise<void> {
    for (const v of [4, 6] as const) {
      const mine = flows.filter((f) => flowFamily(f) === v);
      if (mine.length === 0) continue;
      const lines = mine.map(
        (f) =>
          `${verb} ${this.chains[chain]} ${match(f)} -m comment --comment ${this.tag} ${target}`,
      );
      await this.restore(
        v,
        lines,
        `${verb === '-A' ? 'adding' : 'removing'} ${chain} rules in ${this.name}_*`,
      );
    }
  }

  addLog(flows: FlowMatch[]): Promise<void> {
    if (this.spec.logGroup === undefined) return Promise.resolve();
    return this.rules(
      '-A',
      'log',
      flows,
      `-j NFLOG --nflog-group ${this.spec.logGroup} --nflog-size ${this.spec.snaplen ?? 80} --nflog-threshold 1`,
    );
  }

  async addDrop(flows: FlowMatch[], timeoutSec?: number): Promise<void> {
    await this.rules('-A', 'drop', flows, '-j DROP');
    await this.rules('-A', 'out', flows, '-j DROP');
    if (timeoutSec) {
      // iptables has no per-rule timeout: remove them ourselves (and at exit in any case)
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.removeDrop(flows).catch(() => {});
      }, timeoutSec * 1000);
      t.unref();
      this.timers.add(t);
    }
  }

  async removeDrop(flows: FlowMatch[]): Promise<void> {
    await this.rules('-D', 'drop', flows, '-j DROP');
    await this.rules('-D', 'out', flows, '-j DROP');
  }

  private removalCommands(v: 4 | 6): string[][] {
    const c = this.chains;
    const ipt = this.tool(v, false);
    const tag = ownerTag(this.spec.owner, this.spec.pid);
    const unjump = (hook: string, chain: string) => [
      ipt,
      '-t',
      'raw',
      '-D',
      hook,
      '-m',
      'comment',
      '--comment',
      tag,
      '-j',
      chain,
    ];
    return [
      unjump('PREROUTING', c.log),
      unjump('PREROUTING', c.drop),
      unjump('OUTPUT', c.out),
      ...[c.log, c.drop, c.out].flatMap((ch) => [
        [ipt, '-t', 'raw', '-F', ch],
        [ipt, '-t', 'raw', '-X', ch],
      ]),
    ];
  }

  async remove(): Promise<void> {
    this.removeSync();
  }

  removeSync(): void {
    if (!this.installed) return;
    this.installed = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const v of [4, 6] as const) {
      for (const argv of this.removalCommands(v)) {
        try {
          runToolSync(argv, 'removing a temporary iptables rule');
        } catch {
          /* already gone */
        }
      }
    }
    removeEmptyRawBaseChains(this.createdBaseChains);
    this.createdBaseChains = [];
  }
}

type OwnerChains = { prefix: string; pid: number; identity: OwnerIdentity | null }[];

const SAVE_TOOLS = ['iptables-save', 'ip6tables-save'];

/**
 * Chain prefixes `<OWNER>_<pid>` present in the raw tables now, with their pids and the owner
 * identity their rules record (null when they record none).
 */
export function listIptablesChains(owner: string): OwnerChains {
  const outs: string[] = [];
  for (const tool of SAVE_TOOLS) {
    const path = findTool(tool);
    if (!path) continue;
    try {
      outs.push(runToolSync([path, '-t', 'raw'], `${tool} -t raw`));
    } catch {
      continue;
    }
  }
  return ownerChains(outs, owner);
}

/**
 * listIptablesChains without blocking. Where both save tools are iptables-nft, the chains live in
 * nf_tables: one netlink dump of the raw tables' chains tells whether any of `owner` exist, and
 * the tools (a process each) run only when some do, to read the identities their rules record.
 * Elsewhere (iptables-legacy) both tools run at once, while the caller goes on.
 */
export async function listIptablesChainsAsync(owner: string): Promise<OwnerChains> {
  const paths = SAVE_TOOLS.map((tool) => findTool(tool));
  if (paths.every((p) => p === null || isNftVariant(p))) {
    try {
      const chains = await listNftChainsOf([NFPROTO_IPV4, NFPROTO_IPV6], 'raw');
      if (!chains.some((c) => ownerChainOf(c.name, owner) !== null)) return [];
    } catch {
      /* nf_tables did not answer: the tools tell */
    }
  }
  const outs = await Promise.all(
    SAVE_TOOLS.map((tool, i) => {
      const path = paths[i];
      return path ? runTool([path, '-t', 'raw'], `${tool} -t raw`).catch(() => '') : '';
    }),
  );
  return ownerChains(outs, owner);
}

/**
 * The prefix (`<OWNER>_<pid>`) and pid of `name` when it is one of the chains a run of `owner`
 * makes (`…_LOG`, `…_DROP`, `…_OUT`), else null.
 */
function ownerChainOf(name: string, owner: string): { prefix: string; pid: number } | null {
  const m = /^(\S+)_(\d+)_(LOG|DROP|OUT)$/.exec(name);
  return m && m[1] === chainOwner(owner) ? { prefix: `${m[1]}_${m[2]}`, pid: Number(m[2]) } : null;
}

/** iptables-nft (xtables-nft-multi) rather than iptables-legacy, by what the tool's path is. */
function isNftVariant(path: string): boolean {
  try {
    return /nft/.test(basename(realpathSync(path)));
  } catch {
    return false;
  }
}

/** The chains of `owner` in the outputs of `iptables-save -t raw` and `ip6tables-save -t raw`. */
function ownerChains(outs: readonly string[], owner: string): OwnerChains {
  const found = new Map<string, number>();
  const identities = new Map<string, OwnerIdentity>();
  const head = `${chainOwner(owner)}_`;
  for (const out of outs) {
    for (const line of out.split('\n')) {
      // a chain line: `:<name> <policy> [packets:bytes]`
      const chain = line.startsWith(':') ? ownerChainOf(line.slice(1).split(' ')[0]!, owner) : null;
      if (chain) found.set(chain.prefix, chain.pid);
      const rule = /^-A (\S+)_(\d+)_OUT .*--comment "([^"]*)"/.exec(line);
      const identity = rule && `${rule[1]}_` === head ? parseIdentity(rule[3]) : null;
      if (identity) identities.set(`${rule![1]}_${rule![2]}`, identity);
    }
  }
  return [...found].map(([prefix, pid]) => ({
    prefix,
    pid,
    identity: identities.get(prefix) ?? null,
  }));
}

/** Removes the chains of `prefix` (and the jumps to them) from iptables and ip6tables. */
export function deleteIptablesChainsSync(owner: string, pid: number): void {
  new IptablesBackend({ owner, pid }, true).removeSync();
}
