// iptables-nft creates the tables `ip raw` / `ip6 raw` and their base chains PREROUTING and OUTPUT
// the first time a rule goes there, and leaves them when the rule goes: empty chains in every
// packet's path, and clutter in `nft list ruleset`. The iptables backend notes which were absent
// before it added its jumps, and afterwards deletes those that are empty again. Chains that existed
// before, or that hold anybody's rules, stay. (With iptables-legacy nft sees none of them: then
// nothing is noted and nothing deleted.)
import { findTool, runToolSync } from './command.js';

export interface RawBaseChain {
  family: 'ip' | 'ip6';
  chain: 'PREROUTING' | 'OUTPUT';
  /** The whole `raw` table of the family was absent too. */
  tableAbsent: boolean;
}

/** `nft -t list table FAMILY raw`, or null when there is no such table (or no nft). */
function listRawTable(nft: string, family: 'ip' | 'ip6'): string | null {
  try {
    return runToolSync(
      [nft, '-t', 'list', 'table', family, 'raw'],
      `listing nft table ${family} raw`,
    );
  } catch {
    return null;
  }
}

/** The chains of a `nft list table` text, each with the number of rules in it. */
export function chainsOf(listing: string): Map<string, number> {
  const chains = new Map<string, number>();
  let current: string | null = null;
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    const head = /^chain (\S+) \{$/.exec(line);
    if (head) {
      current = head[1];
      chains.set(current, 0);
    } else if (line === '}') current = null;
    // inside a chain, a line that is not its `type … hook …` head is a rule
    else if (current && line && !/^type \S+ hook /.test(line))
      chains.set(current, chains.get(current)! + 1);
  }
  return chains;
}

/** The raw base chains that do not exist now (as nft sees them). */
export function absentRawBaseChains(): RawBaseChain[] {
  const nft = findTool('nft');
  if (!nft) return [];
  const absent: RawBaseChain[] = [];
  for (const family of ['ip', 'ip6'] as const) {
    const listing = listRawTable(nft, family);
    const chains = listing === null ? new Map<string, number>() : chainsOf(listing);
    for (const chain of ['PREROUTING', 'OUTPUT'] as const)
      if (!chains.has(chain)) absent.push({ family, chain, tableAbsent: listing === null });
  }
  return absent;
}

/** Deletes those of `created` that hold no rule now, and a raw table we created left empty. */
export function removeEmptyRawBaseChains(created: readonly RawBaseChain[]): void {
  const nft = findTool('nft');
  if (!nft || created.length === 0) return;
  for (const family of ['ip', 'ip6'] as const) {
    const mine = created.filter((c) => c.family === family);
    if (mine.length === 0) continue;
    try {
      const listing = listRawTable(nft, family);
      if (listing === null) continue;
      const chains = chainsOf(listing);
      // nft deletes a chain with its rules: look first, and spare any chain with a rule in it
      for (const c of mine)
        if (chains.get(c.chain) === 0) {
          runToolSync(
            [nft, 'delete', 'chain', family, 'raw', c.chain],
            `removing ${family} raw ${c.chain}`,
          );
          chains.delete(c.chain);
        }
      if (mine[0].tableAbsent && chains.size === 0 && !/^\s*set /m.test(listing))
        runToolSync([nft, 'delete', 'table', family, 'raw'], `removing nft table ${family} raw`);
    } catch {
      /* somebody else changed it meanwhile: leave it */
    }
  }
}
