// The options of `rope run` for its acts beyond a verdict: --block-seconds (how long a cut UDP
// tuple stays blocked), --dns-train FILE (DNS training patterns) and --exec CMD (a command per
// lock, block and cut). Checked before anything is bound; errors name the option, or the file,
// line and column.
import { readFileSync } from 'node:fs';
import { parseDnsPatterns, formatDnsPatternError } from '../live/dns/dns-patterns.js';
import { splitCommandWords } from '../live/exec/command-words.js';
import { DEFAULT_BLOCK_SECONDS } from '../live/block-seconds.js';
import { CliError, UsageError } from './command.js';
import { parseCount } from './live-options.js';

export const ACT_OPTIONS = {
  'block-seconds': { type: 'string' },
  'dns-train': { type: 'string' },
  exec: { type: 'string' },
} as const;

export interface ActOptions {
  blockSeconds: number;
  dnsTrain: { file: string; text: string } | null;
  exec: string[] | null;
}

export const ACT_HELP = `  --block-seconds S    how long --on-match cut blocks a UDP flow's peer
                       address and port (default ${DEFAULT_BLOCK_SECONDS})
  --dns-train FILE     DNS training: FILE holds regular expressions, one a line
                       (# comments); DNS answers whose asked or CNAME names match
                       block their A/AAAA addresses as peers for max(TTL, 300 s)
                       (queue the answers with 'rope rules --dns-train')
  --exec CMD           run CMD for every new lock, block and cut, one at a time
                       per kind; the event is in P2PWALL_EVENT, P2PWALL_LABEL,
                       P2PWALL_CLIENT, P2PWALL_PEER, P2PWALL_SECONDS, P2PWALL_TIME
                       and on stdin as JSON. CMD is split into words as a shell
                       would, without a shell: write sh -c '...' for one
`;

export function parseActOptions(values: {
  'block-seconds'?: string | boolean | (string | boolean)[];
  'dns-train'?: string | boolean | (string | boolean)[];
  exec?: string | boolean | (string | boolean)[];
}): ActOptions {
  const blockSeconds =
    values['block-seconds'] === undefined
      ? DEFAULT_BLOCK_SECONDS
      : parseCount(String(values['block-seconds']), '--block-seconds', 1, 365 * 86400);
  let exec: string[] | null = null;
  if (values.exec !== undefined) {
    const words = splitCommandWords(String(values.exec));
    if (!Array.isArray(words))
      throw new UsageError(`--exec: column ${words.column}: ${words.message}`);
    exec = words;
  }
  let dnsTrain: ActOptions['dnsTrain'] = null;
  if (values['dns-train'] !== undefined) {
    const file = String(values['dns-train']);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new CliError(
        `--dns-train: cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message}`,
      );
    }
    const { patterns, errors } = parseDnsPatterns(text, file);
    if (errors.length > 0) throw new CliError(errors.map(formatDnsPatternError).join('\n'));
    if (patterns.length === 0)
      throw new CliError(`--dns-train: ${file} holds no pattern (one regular expression a line)`);
    dnsTrain = { file, text };
  }
  return { blockSeconds, dnsTrain, exec };
}
