// Regular expressions for `match`/`matchi`: JavaScript syntax over the bytes read as latin1,
// matched in time linear in the subject whatever the pattern and the packet.
//
// Packets come from strangers, and V8's backtracking engine can take quadratic time
// (`Z*Q` on 64 KiB of Z: a second) or never finish (`(A|B)*C`); its fallback-on-excessive-
// backtracks does not bound the quadratic cases. V8's own linear engine (the `l` flag behind
// --enable-experimental-regexp-engine) cannot run `i`, counts above 16 (`{20}`, used by the
// built-in scripts) nor lookarounds, and interprets about 1 µs per byte. re2js (a pure-JS RE2)
// is linear but has a different syntax and a generic DFA that, for anchored patterns, still
// scans the whole input. So rope has its own matcher, small because subjects are bytes: the
// pattern is parsed as JavaScript would (regex/syntax.ts), compiled to an NFA (regex/program.ts)
// and run as a lazily built DFA over 257 symbols (regex/matcher.ts). What such a matcher cannot
// run is refused when the script is compiled: backreferences and lookarounds, and patterns that
// unroll to more than MAX_INSTRUCTIONS states.
import { Matcher } from './regex/matcher.js';
import { buildProgram } from './regex/program.js';
import { parseRegex, RegexRefused } from './regex/syntax.js';

export { MAX_INSTRUCTIONS } from './regex/program.js';
export { MAX_STATES } from './regex/matcher.js';

/** A compiled pattern: `test` is linear in the subject's length. */
export interface Regex {
  test(subject: string): boolean;
}

/** The matcher for a pattern, or a message saying why it is refused. */
export function compileRegex(source: string, ignoreCase: boolean): Regex | string {
  try {
    // V8 decides what is valid JavaScript syntax, with its messages
    new RegExp(source, ignoreCase ? 'i' : '');
  } catch (e) {
    return (e as Error).message.replace(
      /^Invalid regular expression: /,
      'invalid regular expression: ',
    );
  }
  try {
    return new Matcher(buildProgram(parseRegex(source), ignoreCase));
  } catch (e) {
    if (e instanceof RegexRefused) return e.message;
    throw e;
  }
}

const cache = new Map<string, Regex | string>();
/** Patterns built at run time kept compiled; each holds at most about 0.5 MiB of DFA states. */
const CACHE_MAX = 64;

/** For patterns built at run time: compiled once per distinct pattern (bounded cache). */
export function cachedRegex(source: string, ignoreCase: boolean): Regex | string {
  const key = (ignoreCase ? 'i:' : ':') + source;
  let r = cache.get(key);
  if (r === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    r = compileRegex(source, ignoreCase);
    cache.set(key, r);
  }
  return r;
}
