// Options shared by `rope run` and `rope rules`, and the grammar of the script groups of rope run
// (and of rope classify, which takes no --on-match):
//
//   rope run QUEUE-OPTION [OPTION]... GROUP...
//   GROUP := --script NAME|FILE [--push-int N | --push-str S | --push-ip A]... [--on-match ACTION]
//
// A --script starts a group; the --push-* and --on-match options after it (up to the next
// --script) belong to it. Every other option is global and may stand anywhere. NAME may also
// name a set of built-in scripts (`p2p`): the group then stands for each of them in turn, with
// the same pushes and action.
import { existsSync, statSync } from 'node:fs';
import {
  builtinGroup,
  builtinScriptPath,
  BUILTIN_SCRIPTS,
  SCRIPT_GROUPS,
} from '../builtins/builtin-scripts.js';
import type { Value } from '../runtime/values.js';
import { parseAction, parseMarkValue, type MatchAction } from '../live/actions.js';
import { UsageError, type ArgToken } from './command.js';
import { pushesFrom } from './push-options.js';

/** `N` or `N:M` (also `N-M`) → [N, M], queue numbers 0..65535, N ≤ M. */
export function parseQueueRange(text: string, option: string): [number, number] {
  const m = /^(\d{1,5})(?:[:-](\d{1,5}))?$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `${option}: '${text}' is not a queue number N or a range N:M (queue numbers 0 to 65535)`,
    );
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a > 0xffff || b > 0xffff)
    throw new UsageError(`${option}: queue numbers go up to 65535, got '${text}'`);
  if (b < a) throw new UsageError(`${option}: the range '${text}' ends before it starts`);
  return [a, b];
}

/** A mark: decimal or 0x hex, 0..0xffffffff. */
export function parseMark(text: string, option: string): number {
  const mark = parseMarkValue(text.trim());
  if (mark === null)
    throw new UsageError(`${option}: '${text}' is not a mark (0..0xffffffff, decimal or 0x hex)`);
  return mark;
}

/** A whole number in [min, max]. */
export function parseCount(text: string, option: string, min: number, max: number): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max)
    throw new UsageError(`${option}: '${text}' is not a whole number in ${min}..${max}`);
  return Number(t);
}

/** Seconds, fractions allowed, > 0. */
export function parseSeconds(text: string, option: string): number {
  const v = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(v > 0))
    throw new UsageError(`${option}: '${text}' is not a number of seconds > 0`);
  return v;
}

/**
 * A script argument, resolved as `rope classify` does: a built-in script's name, else a file.
 * Something that looks like a path is taken as one (reading it then says what is wrong).
 */
export function resolveScript(arg: string, option = `--script ${arg}`): string {
  const builtin = builtinScriptPath(arg);
  if (builtin) return builtin;
  if (arg.includes('/') || arg.endsWith('.rope') || (existsSync(arg) && statSync(arg).isFile()))
    return arg;
  throw new UsageError(
    `${option}: no built-in script of that name (${BUILTIN_SCRIPTS.join(', ')}; sets: ${Object.keys(SCRIPT_GROUPS).join(', ')}) and no such file`,
  );
}

/** A script argument as the scripts it stands for: the members of a set, else itself. */
export function expandScriptArg(arg: string): string[] {
  return [...(builtinGroup(arg) ?? [arg])];
}

/** Where a server listens: `HOST:PORT`, `[IPV6]:PORT`, or `:PORT` (every address). */
export interface ListenAddress {
  host: string | undefined;
  port: number;
}

/** `HOST:PORT`, `[IPV6]:PORT` or `:PORT`, port 1..65535. */
export function parseListenAddress(text: string, option: string): ListenAddress {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || !(port >= 1 && port <= 65535))
    throw new UsageError(
      `${option}: '${text}' is not HOST:PORT (e.g. 127.0.0.1:9469, [::1]:9469 or :9469)`,
    );
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port };
}

export interface ScriptGroupArgs {
  /** The --script argument as given, and the file it names. */
  arg: string;
  path: string;
  pushes: Value[];
  action: MatchAction;
}

/** Splits the ordered tokens into script groups (see the grammar at the top). */
export function scriptGroups(
  tokens: readonly ArgToken[],
  defaultAction: MatchAction,
): ScriptGroupArgs[] {
  const groups: (ScriptGroupArgs & { actionSet: boolean })[] = [];
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const current = groups[groups.length - 1];
    if (t.name === 'script') {
      groups.push({
        arg: t.value ?? '',
        path: '',
        pushes: [],
        action: defaultAction,
        actionSet: false,
      });
    } else if (t.name?.startsWith('push-')) {
      if (!current)
        throw new UsageError(
          `--${t.name} before the first --script: pushes belong to the --script they follow, e.g. --script http-large --push-int 5000000`,
        );
      current.pushes.push(...pushesFrom([t]));
    } else if (t.name === 'on-match') {
      if (!current)
        throw new UsageError(
          '--on-match before the first --script: it sets the action of the --script it follows',
        );
      if (current.actionSet) throw new UsageError(`two --on-match for --script ${current.arg}`);
      const a = parseAction(t.value ?? '');
      if (!a)
        throw new UsageError(
          `--on-match: '${t.value}' is not accept, drop, mark:V (V a non-zero mark), lock:SECONDS or block-peer:SECONDS`,
        );
      current.action = a;
      current.actionSet = true;
    }
  }
  return groups.flatMap(({ actionSet: _, ...g }) =>
    expandScriptArg(g.arg).map((arg) => ({ ...g, arg, path: resolveScript(arg) })),
  );
}
