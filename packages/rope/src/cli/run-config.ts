// The configuration file of `rope run --config FILE` and `rope rules --config FILE`: the options
// of the command line as one JSON object, so that a service needs no long command line. Each key
// is a long option's name and takes what the option takes; script groups are a list. The schema,
// with an example, is in docs/deploy.md and rope-run(8).
//
// Every key is checked here with the option's own parser, so an error names the key (one line,
// `FILE: KEY: what is wrong`), and the file becomes command-line arguments that parse without
// error: the commands then read them exactly as if they had been typed, before the real command
// line, whose options win where both give one.
import { parseLockAllow } from '../live/enforce-rules.js';
import { parseCidrList } from '../live/inside.js';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseAction } from '../live/actions.js';
import { CliError, UsageError, type ArgToken } from './command.js';
import {
  parseCount,
  parseListenAddress,
  parseMark,
  parseQueueRange,
  parseSeconds,
  resolveScript,
} from './live-options.js';
import { pushesFrom } from './push-options.js';
import { parseShareOption } from './share-option.js';

/** The file as arguments for each command. */
export interface ConfigArgs {
  run: string[];
  rules: string[];
}

type Json = unknown;

/** One key of the file: it checks its value and gives the command-line arguments it stands for. */
interface ConfigKey {
  /** What the value must be, for the message when it is something else. */
  expects: string;
  run(value: Json, key: string, file: string): string[];
  /** The arguments of `rope rules` it implies (the queues and the marks rope sets). */
  rules?(value: Json, key: string): string[];
}

const isInt = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v);
const text = (v: Json) => (typeof v === 'string' ? v : JSON.stringify(v));

function typeError(key: string, expects: string, value: Json): never {
  throw new UsageError(`${key}: expected ${expects}, got ${text(value)}`);
}

function count(flag: string, min: number, max: number): ConfigKey {
  const expects = `a whole number (${min}..${max})`;
  return {
    expects,
    run(v, key) {
      if (!isInt(v)) typeError(key, expects, v);
      parseCount(String(v), key, min, max);
      return [flag, String(v)];
    },
  };
}

function flag(name: string): ConfigKey {
  return {
    expects: 'true or false',
    run(v, key) {
      if (typeof v !== 'boolean') typeError(key, this.expects, v);
      return v ? [name] : [];
    },
  };
}

function oneOf(name: string, words: string[]): ConfigKey {
  const expects = words.map((w) => `"${w}"`).join(' or ');
  return {
    expects,
    run(v, key) {
      if (typeof v !== 'string' || !words.includes(v)) typeError(key, expects, v);
      return [name, v];
    },
  };
}

/** A queue number, or "N:M". */
function queues(name: string, range: 'any' | 'range'): ConfigKey {
  const expects = range === 'range' ? 'a range "A:B"' : 'a queue number or a range "N:M"';
  return {
    expects,
    run(v, key) {
      if (!isInt(v) && typeof v !== 'string') typeError(key, expects, v);
      const [a, b] = parseQueueRange(String(v), key);
      if (range === 'range' && a === b)
        throw new UsageError(`${key}: needs a range A:B with A < B (use "queue" for one queue)`);
      if (b - a >= 64) throw new UsageError(`${key}: at most 64 queues`);
      return [name, String(v)];
    },
    // rope rules takes one queue with --queue; several, as `rope run --queue N:M` binds them,
    // are spread over with --queue-balance either way
    rules(v) {
      const [a, b] = parseQueueRange(String(v), name);
      return a === b ? ['--queue', String(a)] : ['--queue-balance', `${a}:${b}`];
    },
  };
}

const MARK_EXPECTS = 'a mark (a number, or a string "0x…")';

function mark(value: Json, key: string): number {
  if (!isInt(value) && typeof value !== 'string') typeError(key, MARK_EXPECTS, value);
  return parseMark(String(value), key);
}

const GROUP_KEYS = ['script', 'push', 'on-match'];
const PUSH_KINDS = ['int', 'str', 'ip'];

/** The marks `rope rules` must know of: those of the mark actions and the done mark. */
function groupMarks(groups: Json): number[] {
  const marks: number[] = [];
  for (const g of groups as Record<string, Json>[]) {
    const a = typeof g['on-match'] === 'string' ? parseAction(g['on-match']) : null;
    if (a?.kind === 'mark') marks.push(a.mark);
  }
  return marks;
}

const groups: ConfigKey = {
  expects: 'a list of script groups [{"script": …, "push": […], "on-match": …}, …]',
  run(v, key, file) {
    if (!Array.isArray(v) || v.length === 0) typeError(key, this.expects, v);
    const args: string[] = [];
    v.forEach((g: Json, i) => {
      const at = `${key}[${i}]`;
      if (typeof g !== 'object' || g === null || Array.isArray(g))
        typeError(at, 'an object {"script": …, "push": […], "on-match": …}', g);
      const group = g as Record<string, Json>;
      for (const k of Object.keys(group))
        if (!GROUP_KEYS.includes(k))
          throw new UsageError(`${at}: unknown key '${k}' (a group has ${GROUP_KEYS.join(', ')})`);
      const script = group.script;
      if (typeof script !== 'string' || script === '')
        typeError(
          `${at}.script`,
          'a built-in script name, a .rope file or an l7-filter .pat file',
          script,
        );
      // a file is found beside the configuration, as an include would be
      const named = resolveScript(script, `${at}.script: ${script}`);
      const path = named !== script || isAbsolute(script) ? named : resolve(dirname(file), script);
      args.push('--script', path);
      const pushes = group.push ?? [];
      if (!Array.isArray(pushes)) typeError(`${at}.push`, 'a list like [{"int": 5000000}]', pushes);
      pushes.forEach((p: Json, j) => {
        const pat = `${at}.push[${j}]`;
        const kind = p && typeof p === 'object' ? Object.keys(p) : [];
        if (kind.length !== 1 || !PUSH_KINDS.includes(kind[0]))
          typeError(pat, 'one of {"int": N}, {"str": "S"}, {"ip": "A"}', p);
        const value = (p as Record<string, Json>)[kind[0]];
        if (typeof value !== 'string' && !isInt(value))
          typeError(`${pat}.${kind[0]}`, 'a string or a whole number', value);
        const token: ArgToken = { kind: 'option', name: `push-${kind[0]}`, value: String(value) };
        try {
          pushesFrom([token]);
        } catch (e) {
          if (e instanceof UsageError) throw new UsageError(`${pat}: ${e.message}`);
          throw e;
        }
        args.push(`--push-${kind[0]}`, String(value));
      });
      const onMatch = group['on-match'];
      if (onMatch !== undefined) {
        if (typeof onMatch !== 'string' || !parseAction(onMatch))
          typeError(
            `${at}.on-match`,
            '"accept", "drop", "cut", "mark:V" (V a non-zero mark), "lock:SECONDS" or "block-peer:SECONDS"',
            onMatch,
          );
        args.push('--on-match', onMatch);
      }
    });
    return args;
  },
  rules: (v) => groupMarks(v).flatMap((m) => ['--mark', `0x${m.toString(16)}`]),
};

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

/** A key holding a path: a relative one is taken beside the configuration file. */
function path(option: string, what: string): ConfigKey {
  return {
    expects: `a string (${what})`,
    run(v, key, file) {
      if (typeof v !== 'string' || v === '') typeError(key, this.expects, v);
      return [option, isAbsolute(v) ? v : resolve(dirname(file), v)];
    },
  };
}

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
