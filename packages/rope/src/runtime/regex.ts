// Regular expressions for `match`/`matchi`: JavaScript syntax over the bytes read as latin1,
// matched in time linear in the subject whatever the pattern and the packet.
//
// Packets come from strangers, and V8's backtracking engine can take quadratic time
// (`Z*Q` on 64 KiB of Z: a second) or never finish (`(A|B)*C`); its fallback-on-excessive-
// backtracks does not bound the quadratic cases. The alternatives, measured on Node 20:
// - V8's linear engine (the `l` flag behind --enable-experimental-regexp-engine, settable at run
//   time) refuses `i`, counts above 16 (`{20}`, `{32}` in the built-in scripts) and lookarounds,
//   and interprets at about a microsecond per byte: 50 ms for `xyz` on 64 KiB.
// - re2js (RE2 in pure JavaScript) is linear, but speaks RE2's syntax (`.`, `\s`, escapes
//   differ from JavaScript's), and its literal prefilter scans the whole subject even for a
//   `^`-anchored pattern (10 µs on a 1500-byte packet for `^(?:GET|POST) `).
// So rope has its own matcher, small because subjects are bytes: the pattern is parsed as
// JavaScript would read it (regex/syntax.ts), compiled to an NFA (regex/program.ts) and run as a
// lazily built DFA over 257 symbols (regex/matcher.ts), as fast as V8 on the built-in scripts'
// patterns over the corpus payloads. What it cannot run is refused when the script is compiled:
// backreferences, lookarounds, and patterns that unroll to more than MAX_INSTRUCTIONS states.
import { Matcher } from './regex/matcher.js';
import { buildProgram, type Program } from './regex/program.js';
import { parseRegex, RegexRefused } from './regex/syntax.js';

export { MAX_INSTRUCTIONS } from './regex/program.js';
export { MAX_STATES } from './regex/matcher.js';

/** A compiled pattern: `test` is linear in the subject's length. */
export interface Regex {
  test(subject: string): boolean;
  /** testBytes can answer for this pattern. */
  readonly matchesBytes: boolean;
  /** test() of b[start, end) read as latin1, without making the string (when matchesBytes). */
  testBytes(b: Uint8Array, start: number, end: number): boolean;
}

/**
 * Programs (or why a pattern is refused) by pattern: the checker and the compiler both compile
 * each constant pattern, and scripts share patterns (the HTTP request line of bittorrent and
 * gnutella); building them was half of compiling the built-in scripts. A Program is read-only
 * (each Matcher keeps its own DFA), so sharing one changes nothing but the time.
 */
const programs = new Map<string, Program | string>();
/** Distinct patterns kept; far above what scripts hold, a bound for processes that compile many. */
const PROGRAMS_MAX = 1024;

function programOf(source: string, ignoreCase: boolean): Program | string {
  const key = (ignoreCase ? 'i:' : ':') + source;
  let p = programs.get(key);
  if (p !== undefined) return p;
  try {
    // V8 decides what is valid JavaScript syntax, with its messages
    new RegExp(source, ignoreCase ? 'i' : '');
    p = buildProgram(parseRegex(source), ignoreCase);
  } catch (e) {
    if (e instanceof SyntaxError)
      p = e.message.replace(/^Invalid regular expression: /, 'invalid regular expression: ');
    else if (e instanceof RegexRefused) p = e.message;
    else throw e;
  }
  if (programs.size >= PROGRAMS_MAX) programs.clear();
  programs.set(key, p);
  return p;
}

/** The matcher for a pattern, or a message saying why it is refused. */
export function compileRegex(source: string, ignoreCase: boolean): Regex | string {
  const p = programOf(source, ignoreCase);
  return typeof p === 'string' ? p : new Matcher(p);
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
