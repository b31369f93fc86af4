// `rope rules --install` and `--remove`: the rules of rules.ts loaded into the kernel and taken out
// again, as a service manager runs them around `rope run` (ExecStartPre / ExecStopPost).
//
// Both are idempotent and touch only what an --install put there, found by a tag:
//   nft       the table carries `comment "managed by rope rules --install"`; installing replaces
//             the table in one transaction (`table …; delete table …; table … {…}`), removing
//             deletes it. A table of that name without the tag is someone else's: an error.
//   iptables  every rule carries `-m comment --comment p2pwall-rope-rules:NAME`; the chains are
//             NAME-restore, NAME-queue, NAME-save (mangle) and NAME-save-in (filter). Removing
//             deletes the tagged rules of the built-in chains and then our chains, in one
//             iptables-restore --noflush transaction per family; installing removes, then loads
//             the plan in a second one. A chain of ours holding or reached by an untagged rule
//             (`rope rules | sh` loaded it by hand, say) is an error naming that rule. With
//             enforcement, the ipsets NAME-locked4 … are created (`ipset restore -exist`) before
//             the rules that use them, and destroyed after the rules are gone.
import { spawn } from 'node:child_process';
import { enforceChains, enforceSets, ipsetName } from './enforce-rules.js';
import {
  familyNumbers,
  iptablesPlan,
  iptablesTools,
  nftFamily,
  nftRules,
  type IptablesLine,
  type RulesOptions,
} from './rules.js';

export const NFT_TAG = 'managed by rope rules --install';

export function iptablesTag(name: string): string {
  return `p2pwall-rope-rules:${name}`;
}

/** A firewall tool failed, or the rules in place are not ours: one line for the user. */
export class RulesInstallError extends Error {
  override name = 'RulesInstallError';
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a firewall tool (replaceable in tests). */
export type RunTool = (argv: string[], input?: string) => Promise<ToolResult>;

export const runTool: RunTool = (argv, input) =>
  new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new RulesInstallError(
          e.code === 'ENOENT' ? `${argv[0]} is not installed` : `${argv[0]}: ${e.message}`,
        ),
      ),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => {}); // a tool that exits early closes its stdin
    child.stdin.end(input ?? '');
  });

function failed(what: string, r: ToolResult): RulesInstallError {
  const why =
    r.stderr
      .trim()
      .split('\n')
      .find((l) => l.trim() !== '') ?? `exit ${r.code}`;
  return new RulesInstallError(`${what} failed: ${why}`);
}

// ---- nft

type TableState = 'absent' | 'ours' | 'foreign';

async function nftTable(o: RulesOptions, run: RunTool): Promise<TableState> {
  const r = await run(['nft', 'list', 'table', nftFamily(o), o.name]);
  if (r.code !== 0) {
    if (/No such file or directory/.test(r.stderr)) return 'absent';
    throw failed(`nft list table ${nftFamily(o)} ${o.name}`, r);
  }
  return r.stdout.includes(`comment ${JSON.stringify(NFT_TAG)}`) ? 'ours' : 'foreign';
}

function foreignTable(o: RulesOptions): RulesInstallError {
  const table = `${nftFamily(o)} ${o.name}`;
  return new RulesInstallError(
    `nft table ${table} exists and was not loaded by rope rules --install: delete it (nft delete table ${table}) or choose another --name`,
  );
}

/** The script that replaces our table in one transaction (creating it first makes the delete safe). */
export function nftInstallScript(o: RulesOptions): string {
  const table = `${nftFamily(o)} ${o.name}`;
  return `table ${table}\ndelete table ${table}\n${nftRules(o, NFT_TAG)}`;
}

async function nftInstall(o: RulesOptions, run: RunTool): Promise<string> {
  const state = await nftTable(o, run);
  if (state === 'foreign') throw foreignTable(o);
  const r = await run(['nft', '-f', '-'], nftInstallScript(o));
  if (r.code !== 0) {
    if (/Could not process rule: No such file or directory[^]*\bqueue num /.test(r.stderr))
      throw new RulesInstallError(
        'nft -f failed: this kernel lacks nft\'s queue statement (CONFIG_NFT_QUEUE): use the iptables format (--iptables, or "format": "iptables" in the configuration)',
      );
    throw failed('nft -f', r);
  }
  return `${state === 'ours' ? 'replaced' : 'installed'} nft table ${nftFamily(o)} ${o.name}`;
}

async function nftRemove(o: RulesOptions, run: RunTool): Promise<string> {
  const table = `${nftFamily(o)} ${o.name}`;
  const state = await nftTable(o, run);
  if (state === 'absent') return `nothing to remove: no nft table ${table}`;
  if (state === 'foreign') throw foreignTable(o);
  const r = await run(['nft', 'delete', 'table', nftFamily(o), o.name]);
  if (r.code !== 0) throw failed(`nft delete table ${table}`, r);
  return `removed nft table ${table}`;
}

// ---- iptables

/** The chains an --install creates, by table. */
export function ourChains(name: string): Record<'mangle' | 'filter', string[]> {
  return {
    mangle: [`${name}-restore`, `${name}-queue`, `${name}-save`],
    filter: [`${name}-save-in`, ...enforceChains(name)],
  };
}

interface SavedTable {
  chains: Set<string>;
  /** `-A CHAIN SPEC` lines, as iptables-save prints them. */
  rules: { chain: string; spec: string; line: string }[];
}

/** iptables-save output, by table. */
export function parseIptablesSave(text: string): Map<string, SavedTable> {
  const tables = new Map<string, SavedTable>();
  let current: SavedTable | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      current = { chains: new Set(), rules: [] };
      tables.set(line.slice(1).trim(), current);
    } else if (!current) continue;
    else if (line.startsWith(':')) current.chains.add(line.slice(1).split(' ')[0]);
    else if (line.startsWith('-A ')) {
      const m = /^-A (\S+)\s*(.*)$/.exec(line);
      if (m) current.rules.push({ chain: m[1], spec: m[2], line });
    }
  }
  return tables;
}

/**
 * The iptables-restore input that takes out what an --install of `name` put into the tables
 * `saved` shows ('' when there is nothing); throws when a chain of ours is not wholly ours.
 */
export function iptablesRemoval(
  saved: Map<string, SavedTable>,
  name: string,
  tool: string,
): string {
  const tag = iptablesTag(name);
  const tagged = (spec: string) =>
    new RegExp(`--comment "?${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?( |$)`).test(spec);
  const out: string[] = [];
  for (const [table, chains] of Object.entries(ourChains(name))) {
    const t = saved.get(table);
    if (!t) continue;
    const present = chains.filter((c) => t.chains.has(c));
    const lines: string[] = [];
    for (const r of t.rules) {
      const ours = present.includes(r.chain);
      const jumpsToOurs = present.some((c) => new RegExp(`(^| )-[jg] ${c}( |$)`).test(r.spec));
      if (tagged(r.spec)) {
        if (!ours) lines.push(`-D ${r.chain} ${r.spec}`);
      } else if (ours || jumpsToOurs) {
        throw new RulesInstallError(
          `${tool} chain ${ours ? r.chain : present.find((c) => r.spec.includes(c))} was not loaded by rope rules --install (it has '${r.line}'): remove those rules by hand or choose another --name`,
        );
      }
    }
    for (const c of present) lines.push(`-F ${c}`, `-X ${c}`);
    if (lines.length > 0) out.push(`*${table}`, ...lines, 'COMMIT');
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** The iptables-restore input (for `--noflush`) that loads the plan of one tool, tagged. */
export function iptablesRestoreInput(
  plan: readonly IptablesLine[],
  tool: string,
  name: string,
): string {
  const out: string[] = [];
  for (const table of ['mangle', 'filter'] as const) {
    const rules = plan.filter(
      (l): l is Extract<IptablesLine, { kind: 'rule' }> =>
        l.kind === 'rule' && l.tool === tool && l.table === table,
    );
    if (rules.length === 0) continue;
    out.push(`*${table}`);
    for (const r of rules) if (r.op === '-N') out.push(`:${r.chain} - [0:0]`);
    for (const r of rules) {
      if (r.op === '-N') continue;
      const words = [r.op, r.chain, r.match, `-m comment --comment ${iptablesTag(name)}`, r.target];
      out.push(words.filter((w) => w !== '').join(' '));
    }
    out.push('COMMIT');
  }
  return out.join('\n') + '\n';
}

async function iptablesRemoveFor(o: RulesOptions, tool: string, run: RunTool): Promise<boolean> {
  const saved = await run([`${tool}-save`]);
  if (saved.code !== 0) throw failed(`${tool}-save`, saved);
  const removal = iptablesRemoval(parseIptablesSave(saved.stdout), o.name, tool);
  if (removal === '') return false;
  const r = await run([`${tool}-restore`, '-w', '--noflush'], removal);
  if (r.code !== 0) throw failed(`${tool}-restore (removing the rules)`, r);
  return true;
}

async function iptablesInstall(o: RulesOptions, run: RunTool): Promise<string> {
  const plan = iptablesPlan(o);
  let replaced = false;
  for (const tool of iptablesTools(o)) {
    replaced = (await iptablesRemoveFor(o, tool, run)) || replaced;
    for (const l of plan) {
      if (l.kind !== 'ipsets' || l.tool !== tool) continue;
      const made = await run(['ipset', 'restore', '-exist'], l.input);
      if (made.code !== 0) throw failed('ipset restore (creating the sets)', made);
    }
    const r = await run(
      [`${tool}-restore`, '-w', '--noflush'],
      iptablesRestoreInput(plan, tool, o.name),
    );
    if (r.code !== 0) throw failed(`${tool}-restore`, r);
  }
  return `${replaced ? 'replaced' : 'installed'} ${iptablesTools(o).join(' and ')} chains ${o.name}-*`;
}

/** Destroys the ipsets an --install made (after the rules that use them are gone); how many. */
async function ipsetsRemove(o: RulesOptions, run: RunTool): Promise<number> {
  let listed: ToolResult;
  try {
    listed = await run(['ipset', 'list', '-n']);
  } catch (e) {
    // no ipset program: no sets of ours either
    if (e instanceof RulesInstallError && /not installed/.test(e.message)) return 0;
    throw e;
  }
  if (listed.code !== 0) throw failed('ipset list -n', listed);
  const present = new Set(listed.stdout.split('\n').map((l) => l.trim()));
  let n = 0;
  for (const s of enforceSets(familyNumbers(o))) {
    const name = ipsetName(o.name, s);
    if (!present.has(name)) continue;
    const r = await run(['ipset', 'destroy', name]);
    if (r.code !== 0) throw failed(`ipset destroy ${name}`, r);
    n++;
  }
  return n;
}

async function iptablesRemove(o: RulesOptions, run: RunTool): Promise<string> {
  let removed = false;
  for (const tool of iptablesTools(o)) removed = (await iptablesRemoveFor(o, tool, run)) || removed;
  if (o.enforce) removed = (await ipsetsRemove(o, run)) > 0 || removed;
  return removed
    ? `removed ${iptablesTools(o).join(' and ')} chains ${o.name}-*`
    : `nothing to remove: no ${iptablesTools(o).join(' or ')} chains ${o.name}-* loaded by rope rules --install`;
}

/** Loads the rules, replacing those an earlier --install of the same name loaded. One line back. */
export function installRules(o: RulesOptions, run: RunTool = runTool): Promise<string> {
  return o.format === 'nft' ? nftInstall(o, run) : iptablesInstall(o, run);
}

/** Takes out the rules an --install of this name loaded (none: not an error). One line back. */
export function removeRules(o: RulesOptions, run: RunTool = runTool): Promise<string> {
  return o.format === 'nft' ? nftRemove(o, run) : iptablesRemove(o, run);
}
