// The configuration file of `rope run --config FILE` and `rope rules --config FILE`: the options
// of the command line as one JSON object, so that a service needs no long command line. Each key
// is a long option's name and takes what the option takes; script groups are a list. The schema,
// with an example, is in docs/deploy.md and rope-run(8).
//
// Every key is checked here with the option's own parser, so an error names the key (one line,
// `FILE: KEY: what is wrong`), and the file becomes command-line arguments that parse without
// error: the commands then read them exactly as if they had been typed, before the real command
// line, whose options win where both give one.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseLockAllow } from '../live/enforce-rules.js';
import { parseCidrList } from '../live/inside.js';
import { CliError, UsageError } from './command.js';
import {
  count,
  flag,
  mark,
  MARK_EXPECTS,
  oneOf,
  path,
  queues,
  typeError,
  type ConfigKey,
  type Json,
} from './config-key.js';
import { parseListenAddress, parseSeconds } from './live-options.js';
import { groups } from './run-config-groups.js';
import { parseShareOption } from './share-option.js';

/** The file as arguments for each command. */
export interface ConfigArgs {
  run: string[];
  rules: string[];
}

/** The "rules" object: the options of `rope rules` that rope run does not share. */
const RULES_KEYS: Record<string, ConfigKey> = {
  format: {
    expects: '"nft" or "iptables"',
    run(v, key) {
      if (v !== 'nft' && v !== 'iptables') typeError(key, this.expects, v);
      return [`--${v}`];
    },
  },
  hooks: oneOf('--hooks', ['forward', 'local', 'both']),
  family: oneOf('--family', ['ipv4', 'ipv6', 'both']),
  bypass: {
    expects: 'true or false',
    run(v, key) {
      if (typeof v !== 'boolean') typeError(key, this.expects, v);
      return v ? [] : ['--no-bypass'];
    },
  },
  'lock-allow': {
    expects: 'a string like "udp:53,tcp:53" (tcp:PORT or udp:PORT, comma-separated, or "none")',
    run(v, key) {
      if (typeof v !== 'string' || !parseLockAllow(v)) typeError(key, this.expects, v);
      return ['--lock-allow', v];
    },
  },
  enforce: {
    expects: 'true or false',
    run(v, key) {
      if (typeof v !== 'boolean') typeError(key, this.expects, v);
      return v ? [] : ['--no-enforce'];
    },
  },
  name: {
    expects: 'a name (a letter, then up to 20 letters, digits, "_" or "-")',
    run(v, key) {
      if (typeof v !== 'string' || !/^[A-Za-z][\w-]{0,20}$/.test(v))
        typeError(key, this.expects, v);
      return ['--name', v];
    },
  },
};

const rules: ConfigKey = {
  expects:
    'an object {"format": …, "hooks": …, "family": …, "bypass": …, "name": …, "lock-allow": …, "enforce": …}',
  run(v, key) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) typeError(key, this.expects, v);
    for (const [k, value] of Object.entries(v)) {
      const spec = RULES_KEYS[k];
      if (!spec)
        throw new UsageError(
          `${key}.${k}: unknown key (rules has ${Object.keys(RULES_KEYS).join(', ')})`,
        );
      spec.run(value, `${key}.${k}`, '');
    }
    return [];
  },
  rules: (v) =>
    Object.entries(v as Record<string, Json>).flatMap(([k, value]) =>
      RULES_KEYS[k].run(value, k, ''),
    ),
};

/** Every key of the file, named as the long option it stands for. */
export const CONFIG_KEYS: Record<string, ConfigKey> = {
  queue: queues('--queue', 'any'),
  'queue-balance': queues('--queue-balance', 'range'),
  groups,
  default: oneOf('--default', ['accept', 'drop']),
  window: count('--window', 1, 1_000_000),
  'done-mark': {
    expects: MARK_EXPECTS,
    run(v, key) {
      if (mark(v, key) === 0) throw new UsageError(`${key}: 0 is "no mark"; give a non-zero mark`);
      return ['--done-mark', String(v)];
    },
    rules: (v) => ['--mark', `0x${mark(v, 'done-mark').toString(16)}`],
  },
  'fail-open': flag('--fail-open'),
  'queue-maxlen': count('--queue-maxlen', 1, 1 << 20),
  'copy-range': count('--copy-range', 64, 0xffff),
  'max-flows': count('--max-flows', 1, 1 << 24),
  'stats-interval': {
    expects: 'a number of seconds > 0',
    run(v, key) {
      if (typeof v !== 'number') typeError(key, this.expects, v);
      parseSeconds(String(v), key);
      return ['--stats-interval', String(v)];
    },
  },
  'stats-json': flag('--stats-json'),
  log: flag('--log'),
  metrics: {
    expects: 'a string "HOST:PORT"',
    run(v, key) {
      if (typeof v !== 'string') typeError(key, this.expects, v);
      parseListenAddress(v, key);
      return ['--metrics', v];
    },
  },
  inside: {
    expects: 'a string "CIDR[,CIDR…]" or a list of CIDRs ["192.0.2.0/24", …]',
    run(v, key) {
      const text = Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(',') : v;
      if (typeof text !== 'string' || !parseCidrList(text)) typeError(key, this.expects, v);
      return ['--inside', text];
    },
  },
  state: path('--state', 'a file name'),
  'flush-on-stop': flag('--flush-on-stop'),
  control: {
    expects: 'true (the default socket path) or a socket path',
    run(v, key) {
      if (v === true) return ['--control'];
      if (v === false) return [];
      if (typeof v !== 'string' || v === '') typeError(key, this.expects, v);
      return ['--control', v];
    },
  },
  share: {
    expects: 'a string "redis://HOST:PORT[/DB]" or "unix:PATH[?db=DB]"',
    run(v, key) {
      if (typeof v !== 'string') typeError(key, this.expects, v);
      parseShareOption(v, key);
      return ['--share', v];
    },
  },
  rules,
  // rope run's acts (act-options.ts)
  'block-seconds': count('--block-seconds', 1, 365 * 86400),
  'dns-train': {
    expects: 'a file name (found beside the configuration when relative)',
    run(v, key, file) {
      if (typeof v !== 'string' || v === '') typeError(key, this.expects, v);
      return ['--dns-train', isAbsolute(v) ? v : resolve(dirname(file), v)];
    },
    rules: () => ['--dns-train'],
  },
  exec: {
    expects: 'a command line (a string)',
    run(v, key) {
      if (typeof v !== 'string') typeError(key, this.expects, v);
      return ['--exec', v];
    },
  },
};

/** Line and column of a character offset, for JSON syntax errors. */
function position(source: string, offset: number): string {
  const before = source.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** Parses and checks the file; throws CliError with one line naming the key. */
export function parseRunConfig(source: string, file: string): ConfigArgs {
  let config: Json;
  try {
    config = JSON.parse(source);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    throw new CliError(
      `${file}: not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}${at ? ` (${position(source, Number(at[1]))})` : ''}`,
    );
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new CliError(`${file}: expected a JSON object {"queue": …, "groups": […], …}`);
  const entries = Object.entries(config);
  const out: ConfigArgs = { run: [], rules: [] };
  try {
    for (const [key, value] of entries) {
      const spec = CONFIG_KEYS[key];
      if (!spec)
        throw new UsageError(
          `unknown key '${key}' (the keys are ${Object.keys(CONFIG_KEYS).join(', ')})`,
        );
      out.run.push(...spec.run(value, key, file));
    }
    const has = (k: string) => Object.hasOwn(config as object, k);
    if (has('queue') && has('queue-balance'))
      throw new UsageError('give one of queue and queue-balance');
    if (!has('queue') && !has('queue-balance'))
      throw new UsageError('queue: missing (the queue to bind: "queue": 0, or "queue-balance")');
    if (!has('groups')) throw new UsageError('groups: missing (at least one {"script": …})');
    for (const [key, value] of entries) {
      // rope rules finds the queues and marks where rope run does
      if (key === 'rules') continue;
      out.rules.push(...(CONFIG_KEYS[key].rules?.(value, key) ?? []));
    }
    if (has('rules')) out.rules.push(...rules.rules!((config as Record<string, Json>).rules, ''));
  } catch (e) {
    if (e instanceof UsageError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
  return out;
}

/** Reads FILE (see parseRunConfig). */
export function readRunConfig(file: string): ConfigArgs {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CliError(
      `cannot read the configuration ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message}`,
    );
  }
  return parseRunConfig(source, file);
}
