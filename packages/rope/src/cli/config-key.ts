// One key of the configuration file of `rope run --config` (run-config.ts): what its value must
// be, the command-line arguments it stands for, and the kinds of key most options are — a count,
// a flag, one of some words, queues, a mark, a path beside the file. Each kind checks the value
// with the option's own parser, so that the arguments it gives parse without error.
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from './command.js';
import { parseCount, parseMark, parseQueueRange } from './live-options.js';

export type Json = unknown;

/** One key of the file: it checks its value and gives the command-line arguments it stands for. */
export interface ConfigKey {
  /** What the value must be, for the message when it is something else. */
  expects: string;
  run(value: Json, key: string, file: string): string[];
  /** The arguments of `rope rules` it implies (the queues and the marks rope sets). */
  rules?(value: Json, key: string): string[];
}

export const isInt = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v);
const text = (v: Json) => (typeof v === 'string' ? v : JSON.stringify(v));

export function typeError(key: string, expects: string, value: Json): never {
  throw new UsageError(`${key}: expected ${expects}, got ${text(value)}`);
}

export function count(flag: string, min: number, max: number): ConfigKey {
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

export function flag(name: string): ConfigKey {
  return {
    expects: 'true or false',
    run(v, key) {
      if (typeof v !== 'boolean') typeError(key, this.expects, v);
      return v ? [name] : [];
    },
  };
}

export function oneOf(name: string, words: string[]): ConfigKey {
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
export function queues(name: string, range: 'any' | 'range'): ConfigKey {
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

export const MARK_EXPECTS = 'a mark (a number, or a string "0x…")';

export function mark(value: Json, key: string): number {
  if (!isInt(value) && typeof value !== 'string') typeError(key, MARK_EXPECTS, value);
  return parseMark(String(value), key);
}

/** A key holding a path: a relative one is taken beside the configuration file. */
export function path(option: string, what: string): ConfigKey {
  return {
    expects: `a string (${what})`,
    run(v, key, file) {
      if (typeof v !== 'string' || v === '') typeError(key, this.expects, v);
      return [option, isAbsolute(v) ? v : resolve(dirname(file), v)];
    },
  };
}
