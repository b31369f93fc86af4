// Regular expressions for `match`/`matchi`: JavaScript syntax over the bytes read as latin1.
// Packets come from strangers, so a pattern must not be able to make matching take exponential
// time. V8 is told once to switch a match to its linear-time engine when it backtracks
// excessively; patterns that engine cannot run (backreferences; quantified groups that contain
// an unbounded quantifier and are too large for it) are rejected when the script is compiled.
import { setFlagsFromString } from 'node:v8';

let flagsSet = false;
function enableBacktrackFallback(): void {
  if (flagsSet) return;
  flagsSet = true;
  setFlagsFromString('--enable-experimental-regexp-engine');
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  setFlagsFromString('--regexp-backtracks-before-fallback=10000');
}

function linearCapable(source: string, flags: string): boolean {
  try {
    new RegExp(source, flags + 'l');
    return true;
  } catch {
    return false;
  }
}

/** A quantified group that itself contains an unbounded quantifier: `(a+)+`, `(?:x*y)*`. */
function nestedUnboundedQuantifier(p: string): boolean {
  const groups: boolean[] = [];
  let inner = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      for (i++; i < p.length && p[i] !== ']'; i++) if (p[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      groups.push(inner);
      inner = false;
      continue;
    }
    if (c === ')') {
      const had: boolean = inner;
      inner = groups.pop() ?? false;
      const q = p.slice(i + 1).match(/^(?:[*+]|\{\d+,\d*\})/);
      if (q && had) return true;
      inner = inner || had || q !== null;
      continue;
    }
    if (c === '*' || c === '+' || (c === '{' && /^\{\d+,\}/.test(p.slice(i)))) inner = true;
  }
  return false;
}

/** The RegExp for a pattern, or a message saying why it is refused. */
export function compileRegex(source: string, ignoreCase: boolean): RegExp | string {
  enableBacktrackFallback();
  const flags = ignoreCase ? 'i' : '';
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    return (e as Error).message.replace(
      /^Invalid regular expression: /,
      'invalid regular expression: ',
    );
  }
  if (linearCapable(source, flags)) return re;
  if (/\\[1-9]|\\k</.test(source))
    return 'backreferences are not allowed: they can make matching take exponential time on hostile packets';
  if (nestedUnboundedQuantifier(source)) {
    return 'a repeated group containing `*`, `+` or `{n,}` can make matching take exponential time on hostile packets; rewrite it without nesting';
  }
  return re;
}

const cache = new Map<string, RegExp | string>();
const CACHE_MAX = 256;

/** For patterns built at run time: compiled once per distinct pattern (bounded cache). */
export function cachedRegex(source: string, ignoreCase: boolean): RegExp | string {
  const key = (ignoreCase ? 'i:' : ':') + source;
  let r = cache.get(key);
  if (r === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    r = compileRegex(source, ignoreCase);
    cache.set(key, r);
  }
  return r;
}
