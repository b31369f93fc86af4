// `rope rules --install` / `--remove` when neither --nft nor --iptables was chosen: the kernel
// decides. Kernels without CONFIG_NFT_QUEUE (common on cloud and embedded builds) accept nft
// tables but refuse nft's `queue` statement, so the nft rule set is checked first — the whole
// script, through the kernel, with `nft --check` (nothing is applied) — and the iptables rules
// (with ipsets for the enforcement) are installed when it is refused or nft is missing. The line
// printed says which rule set was used and why. Removing takes out whichever of the two is ours.
import {
  installRules,
  nftInstallScript,
  removeRules,
  RulesInstallError,
  runTool,
  type RunTool,
} from './rules-install.js';
import type { RulesOptions } from './rules.js';

/** Why nft cannot carry the rules here, or null when it can. */
export async function nftRefusal(o: RulesOptions, run: RunTool = runTool): Promise<string | null> {
  let r;
  try {
    r = await run(['nft', '--check', '-f', '-'], nftInstallScript({ ...o, format: 'nft' }));
  } catch (e) {
    if (e instanceof RulesInstallError) return e.message;
    throw e;
  }
  if (r.code === 0) return null;
  if (/Could not process rule: No such file or directory[^]*\bqueue num /.test(r.stderr))
    return "this kernel's nftables lacks the queue statement (CONFIG_NFT_QUEUE)";
  const first = r.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit ${r.code}`;
  return `nft --check refused the rules: ${first.trim()}`;
}

/** Installs the nft rules where the kernel takes them, else the iptables ones. One line back. */
export async function installRulesAuto(o: RulesOptions, run: RunTool = runTool): Promise<string> {
  const refusal = await nftRefusal(o, run);
  if (refusal === null)
    return `${await installRules({ ...o, format: 'nft' }, run)} (nftables has all the rules need)`;
  return `${await installRules({ ...o, format: 'iptables' }, run)} (iptables: ${refusal})`;
}

/** Removes our nft table and our iptables chains and ipsets, whichever are there. One line back. */
export async function removeRulesAuto(o: RulesOptions, run: RunTool = runTool): Promise<string> {
  const done: string[] = [];
  const leftAlone: string[] = [];
  for (const format of ['nft', 'iptables'] as const) {
    let line: string;
    try {
      line = await removeRules({ ...o, format }, run);
    } catch (e) {
      if (!(e instanceof RulesInstallError)) throw e;
      // a missing tool holds nothing of ours
      if (/is not installed/.test(e.message)) continue;
      // rules of our name that an --install did not load are someone else's: said, not touched
      if (/not loaded by rope rules --install/.test(e.message)) {
        leftAlone.push(e.message.replace(/:[^:]*$/, ''));
        continue;
      }
      throw e;
    }
    if (!line.startsWith('nothing to remove')) done.push(line);
  }
  const what =
    done.length > 0
      ? done.join('; ')
      : `nothing to remove: no nft table or iptables chains ${o.name} loaded by rope rules --install`;
  return leftAlone.length > 0 ? `${what} (left alone: ${leftAlone.join('; ')})` : what;
}
