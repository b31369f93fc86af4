// Temporary rules in a dedicated nftables table, `table inet <owner>_<pid>`: deleting the table
// removes everything at once, which makes cleanup trivial and atomic. Flows live in sets of
// concatenated 5-tuples, so a thousand flows cost one hash lookup per packet, not a thousand rules.
import { NetlinkError } from '../netlink/errors.js';
import { NftTransactions } from '../netlink/nftables/transaction.js';
import { findTool, runTool, runToolSync } from './command.js';
import type { InitialFlows, RulesBackend, TemporaryRulesSpec } from './backend.js';
import { flowFamily, ownerTag, type FlowMatch } from './flow-match.js';
import { listInetTables } from './nft-tables-listing.js';
import { buildElementChange, buildTableRemoval, buildTemporaryTable } from './nft-transaction.js';
import { identityText, parseIdentity, type OwnerIdentity } from './owner-identity.js';

export const NFT_RAW_PRIORITY = -300;

/** `<owner>_`: what every table name of `owner` starts with. */
function tablePrefix(owner: string): string {
  return `${owner.replace(/[^A-Za-z0-9]/g, '_')}_`;
}

export function nftTableName(owner: string, pid: number): string {
  return `${tablePrefix(owner)}${pid}`;
}

function element(f: FlowMatch): string {
  return `${f.proto} . ${f.src} . ${f.srcPort} . ${f.dst} . ${f.dstPort}`;
}

function elements(flows: FlowMatch[], v: 4 | 6, timeoutSec?: number): string {
  const t = timeoutSec ? ` timeout ${Math.max(1, Math.ceil(timeoutSec))}s` : '';
  return flows
    .filter((f) => flowFamily(f) === v)
    .map((f) => element(f) + t)
    .join(', ');
}

function withElements(flows: FlowMatch[] | undefined, v: 4 | 6, timeoutSec?: number): string {
  const e = flows ? elements(flows, v, timeoutSec) : '';
  return e ? ` elements = { ${e} };` : '';
}

/** The initial elements of a drop set: `drop`, then each of `dropGroups`, with their timeouts. */
function dropElements(initial: InitialFlows, v: 4 | 6): string {
  const groups = [
    { flows: initial.drop ?? [], timeoutSec: initial.dropTimeoutSec },
    ...(initial.dropGroups ?? []),
  ];
  const e = groups
    .map((g) => elements(g.flows, v, g.timeoutSec))
    .filter((x) => x)
    .join(', ');
  return e ? ` elements = { ${e} };` : '';
}

/** The table's comment: whose rules they are, and the owner's identity (see owner-identity.ts). */
function tableComment(spec: TemporaryRulesSpec): string {
  const identity = spec.identity ? `; owner ${identityText(spec.identity)}` : '';
  return `${ownerTag(spec.owner, spec.pid)}: temporary rules, removed when it exits (or by --cleanup)${identity}`;
}

/**
 * Whether the table is made and changed over nf_tables netlink (the default) or by `nft -f`
 * (P2PWALL_NFT_NETLINK=0: a way back, and the comparison the tests make).
 */
function overNetlink(): boolean {
  return process.env.P2PWALL_NFT_NETLINK !== '0';
}

/** The ruleset script `install` loads (exported for tests and for `--print-rules` style output). */
export function nftScript(spec: TemporaryRulesSpec, initial: InitialFlows = {}): string {
  const table = nftTableName(spec.owner, spec.pid);
  const tag = JSON.stringify(ownerTag(spec.owner, spec.pid));
  const key4 = 'inet_proto . ipv4_addr . inet_service . ipv4_addr . inet_service';
  const key6 = 'inet_proto . ipv6_addr . inet_service . ipv6_addr . inet_service';
  const m4 = 'meta l4proto . ip saddr . th sport . ip daddr . th dport';
  const m6 = 'meta l4proto . ip6 saddr . th sport . ip6 daddr . th dport';
  const log =
    spec.logGroup !== undefined
      ? `log group ${spec.logGroup} snaplen ${spec.snaplen ?? 80} queue-threshold 1`
      : null;
  const notOurs = spec.notrackMark !== undefined ? `meta mark != ${spec.notrackMark >>> 0} ` : '';
  return [
    `table inet ${table} {`,
    `  comment ${JSON.stringify(tableComment(spec))}`,
    `  set log4 { type ${key4};${withElements(initial.log, 4)} }`,
    `  set log6 { type ${key6};${withElements(initial.log, 6)} }`,
    `  set drop4 { type ${key4}; flags timeout;${dropElements(initial, 4)} }`,
    `  set drop6 { type ${key6}; flags timeout;${dropElements(initial, 6)} }`,
    `  chain prerouting {`,
    `    type filter hook prerouting priority ${NFT_RAW_PRIORITY}; policy accept;`,
    ...(log
      ? [`    ${m4} @log4 ${log} comment ${tag}`, `    ${m6} @log6 ${log} comment ${tag}`]
      : []),
    `    ${m4} @drop4 drop comment ${tag}`,
    `    ${m6} @drop6 drop comment ${tag}`,
    `  }`,
    `  chain output {`,
    `    type filter hook output priority ${NFT_RAW_PRIORITY}; policy accept;`,
    ...(spec.notrackMark !== undefined
      ? [`    meta mark ${spec.notrackMark >>> 0} notrack comment ${tag}`]
      : []),
    `    ${notOurs}${m4} @drop4 drop comment ${tag}`,
    `    ${notOurs}${m6} @drop6 drop comment ${tag}`,
    `  }`,
    `}`,
    '',
  ].join('\n');
}

export class NftBackend implements RulesBackend {
  readonly kind = 'nft' as const;
  readonly name: string;
  private readonly nft: string;
  private installed = false;
  private netlink: NftTransactions | null = null;

  constructor(private readonly spec: TemporaryRulesSpec) {
    this.name = nftTableName(spec.owner, spec.pid);
    this.nft = findTool('nft') ?? 'nft';
  }

  async install(initial: InitialFlows = {}): Promise<void> {
    // mark it installed first: a signal arriving while nft runs must still remove the table
    this.installed = true;
    if (overNetlink()) {
      const b = this.transactions().builder();
      buildTemporaryTable(
        b,
        this.spec,
        initial,
        this.name,
        tableComment(this.spec),
        NFT_RAW_PRIORITY,
      );
      await this.transactions().commit(b.finish(), `installing nft table ${this.name}`);
      return;
    }
    await runTool(
      [this.nft, '-f', '-'],
      `installing nft table ${this.name}`,
      nftScript(this.spec, initial),
    );
  }

  private async elementCommand(
    verb: 'add' | 'delete',
    set: 'log' | 'drop',
    flows: FlowMatch[],
    timeoutSec?: number,
  ): Promise<void> {
    if (overNetlink()) {
      const b = this.transactions().builder();
      buildElementChange(b, this.name, set, verb, flows, timeoutSec);
      if (b.messages > 0)
        await this.transactions().commit(
          b.finish(),
          `${verb === 'add' ? 'adding' : 'removing'} ${set} flows in nft table ${this.name}`,
        );
      return;
    }
    const lines: string[] = [];
    for (const v of [4, 6] as const) {
      const e = elements(flows, v, verb === 'add' ? timeoutSec : undefined);
      if (e) lines.push(`${verb} element inet ${this.name} ${set}${v} { ${e} }`);
    }
    if (lines.length > 0)
      await runTool(
        [this.nft, '-f', '-'],
        `${verb === 'add' ? 'adding' : 'removing'} ${set} flows in nft table ${this.name}`,
        lines.join('\n') + '\n',
      );
  }

  addLog(flows: FlowMatch[]): Promise<void> {
    return this.elementCommand('add', 'log', flows);
  }
  addDrop(flows: FlowMatch[], timeoutSec?: number): Promise<void> {
    return this.elementCommand('add', 'drop', flows, timeoutSec);
  }
  removeDrop(flows: FlowMatch[]): Promise<void> {
    return this.elementCommand('delete', 'drop', flows);
  }

  /** The netlink socket of this table's transactions, opened on first use. */
  private transactions(): NftTransactions {
    this.netlink ??= NftTransactions.open();
    return this.netlink;
  }

  async remove(): Promise<void> {
    if (!this.installed) return;
    this.installed = false;
    if (overNetlink()) {
      try {
        const b = this.transactions().builder();
        buildTableRemoval(b, this.name);
        await this.transactions().commit(b.finish(), `removing nft table ${this.name}`);
      } catch (e) {
        if (!(e instanceof NetlinkError && e.code === 'ENOENT')) throw e;
      } finally {
        this.netlink?.close();
        this.netlink = null;
      }
      return;
    }
    try {
      await runTool(
        [this.nft, 'delete', 'table', 'inet', this.name],
        `removing nft table ${this.name}`,
      );
    } catch (e) {
      if (!/No such file|does not exist/i.test((e as Error).message)) throw e;
    }
  }

  removeSync(): void {
    if (!this.installed) return;
    this.installed = false;
    // exit and signal handlers cannot wait for a netlink answer: nft removes it synchronously
    this.netlink?.close();
    this.netlink = null;
    try {
      runToolSync(
        [this.nft, 'delete', 'table', 'inet', this.name],
        `removing nft table ${this.name}`,
      );
    } catch {
      /* gone already, or nothing we can do while exiting */
    }
  }
}

/** Tables `<owner>_<pid>` present now, with their pids. */
export function listNftTables(owner: string): { table: string; pid: number }[] {
  const nft = findTool('nft');
  if (!nft) return [];
  return ownerTables(runToolSync([nft, 'list', 'tables', 'inet'], 'listing nft tables'), owner);
}

/**
 * listNftTables without blocking, asked of the kernel over netlink (no nft process): the tables
 * of `owner` with the identity their comments record (null when a comment records none).
 */
export async function listNftTablesAsync(
  owner: string,
): Promise<{ table: string; pid: number; identity: OwnerIdentity | null }[]> {
  // the tables go with `nft delete table`: without nft, none can be removed
  if (!findTool('nft')) return [];
  const found: { table: string; pid: number; identity: OwnerIdentity | null }[] = [];
  for (const t of await listInetTables()) {
    const pid = ownerTablePid(t.name, owner);
    if (pid === null) continue;
    const identity = t.comment === undefined ? null : parseIdentity(t.comment);
    found.push({ table: t.name, pid, identity });
  }
  return found;
}

/** The pid in the name of one of `owner`'s tables (`<owner>_<pid>`), or null for another table. */
function ownerTablePid(name: string, owner: string): number | null {
  const prefix = tablePrefix(owner);
  const pid = name.slice(prefix.length);
  return name.startsWith(prefix) && /^\d+$/.test(pid) ? Number(pid) : null;
}

/** The tables of `owner` in the output of `nft list tables inet`. */
function ownerTables(out: string, owner: string): { table: string; pid: number }[] {
  const found: { table: string; pid: number }[] = [];
  for (const line of out.split('\n')) {
    const m = /^table inet (\S+)$/.exec(line.trim());
    const pid = m ? ownerTablePid(m[1], owner) : null;
    if (pid !== null) found.push({ table: m![1], pid });
  }
  return found;
}

/** The owner identity recorded in a table's comment (null: none, or the table is gone). */
export function nftTableIdentity(table: string): OwnerIdentity | null {
  const nft = findTool('nft');
  if (!nft) return null;
  try {
    // -t: without set elements, which may be thousands
    const out = runToolSync(
      [nft, '-t', 'list', 'table', 'inet', table],
      `listing nft table ${table}`,
    );
    const comment = /^\s*comment "([^"]*)"/m.exec(out);
    return comment ? parseIdentity(comment[1]) : null;
  } catch {
    return null;
  }
}

export function deleteNftTableSync(table: string): void {
  runToolSync(
    [findTool('nft') ?? 'nft', 'delete', 'table', 'inet', table],
    `removing nft table ${table}`,
  );
}
