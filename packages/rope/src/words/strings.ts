// strcat strlen left right substr tolower toupper strip_nul find findi header match matchi;
// `left` and `substr` of `$data` and `$packet` read the bytes they take in place (in-place.ts).
import type { Abs } from '../check/abstract.js';
import { constStr, type SpecialCtx } from '../compile/operand.js';
import type { Op } from '../runtime/block.js';
import { indexOfIgnoreCase, toLowerAscii, toUpperAscii } from '../runtime/bytes.js';
import { headerValue } from '../runtime/header-field.js';
import type { Machine } from '../runtime/machine.js';
import { cachedRegex, compileRegex } from '../runtime/regex.js';
import { DATA_REGISTER, PACKET_REGISTER } from './packet-registers.js';
import { leftInPlace, substrInPlace } from './in-place.js';
import type { Site } from '../runtime/site.js';
import type { Value } from '../runtime/values.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';
import { binary, deref, FAILED, fold, pushResult, unary, type Result } from './impl-helpers.js';
import { randomness } from '../runtime/randomness.js';
import { NO_PROBLEMS, wordsOf, type WordImpl, type WordProblem } from './word.js';

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function concat(m: Machine, site: Site, a: Value, b: Value): Result {
  const sa = a as string;
  const sb = b as string;
  if (sa.length + sb.length > m.caps.maxString) {
    m.hot(
      'ELimit',
      `strcat would build a string of ${sa.length + sb.length} bytes; the limit is ${m.caps.maxString}`,
      site,
    );
    return FAILED;
  }
  return sa + sb;
}

/** A constant pattern the regex engine refuses is a compile-time error, pointing at it. */
function regexCheck(ignoreCase: boolean) {
  return (ops: readonly Abs[]): readonly WordProblem[] => {
    const p = ops[1];
    if (typeof p.c !== 'string') return NO_PROBLEMS;
    const re = compileRegex(p.c, ignoreCase);
    return typeof re === 'string' ? [{ code: 'bad-regex', message: re, at: p.from }] : NO_PROBLEMS;
  };
}

function matcher(ignoreCase: boolean): WordImpl {
  const base = binary('str', 'str', (m, site, s, p) => {
    const re = cachedRegex(p as string, ignoreCase);
    if (typeof re === 'string') {
      m.fail('ERegex', re, site);
      return FAILED;
    }
    return re.test(s as string) ? 1 : 0;
  });
  return {
    op: base.op,
    special(ctx: SpecialCtx): Op | null {
      const pattern = constStr(ctx.operands[1]);
      if (pattern === undefined) return base.special!(ctx);
      const re = compileRegex(pattern, ignoreCase);
      if (typeof re === 'string') return null; // the checker reported it; keep the run-time error path
      const site = ctx.site;
      const a = ctx.operands[0];
      if (a.k === 'reg') {
        const ref = a.ref;
        // `$data` and `$packet`: matched where the bytes lie until a run has made their string
        // (packet-registers.ts; the same walk over the same DFA, regex/matcher.ts)
        if (re.matchesBytes && ref === DATA_REGISTER)
          return function matchData(m: Machine): Status {
            if (m.dataStr !== null) return pushResult(m, site, re.test(m.dataStr) ? 1 : 0);
            const from = m.pkt.payloadOffset;
            return pushResult(
              m,
              site,
              re.testBytes(m.buf, from, from + m.pkt.payloadLength) ? 1 : 0,
            );
          };
        if (re.matchesBytes && ref === PACKET_REGISTER)
          return function matchPacket(m: Machine): Status {
            if (m.packetStr !== null) return pushResult(m, site, re.test(m.packetStr) ? 1 : 0);
            return pushResult(m, site, re.testBytes(m.buf, m.ip, m.end) ? 1 : 0);
          };
        return function matchReg(m: Machine): Status {
          const s = ref.read(m);
          if (typeof s !== 'string') return m.typeError(site, 'a string', s);
          return pushResult(m, site, re.test(s) ? 1 : 0);
        };
      }
      if (a.k === 'const') return null;
      return function matchConst(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 2);
        const s = deref(m, m.stack[m.sp - 1]);
        if (typeof s !== 'string') return m.typeError(site, 'a string', s);
        m.stack[m.sp - 1] = re.test(s) ? 1 : 0;
        return CONTINUE;
      };
    },
  };
}

/** A verb that reads `$data`/`$packet` in place (in-place.ts) where it can, else as `base`. */
function inPlaceFirst(base: WordImpl, special: (ctx: SpecialCtx) => Op | null): WordImpl {
  return { op: base.op, special: (ctx) => special(ctx) ?? base.special!(ctx) };
}

export const stringWords = wordsOf('strings', [
  {
    name: 'strcat',
    effect: '( s1 s2 -- s )',
    in: ['str', 'str'],
    out: ['str'],
    anchor: 'variadic',
    variadic: { of: 'str', min: 0 },
    pure: true,
    summary: 'concatenation; `strcat( … )` joins all arguments',
    impl: fold('str', (_m, _s, x) => x, concat, ''),
  },
  {
    name: 'strlen',
    effect: '( s -- n )',
    in: ['str'],
    out: ['int'],
    pure: true,
    summary: 'length in bytes',
    impl: unary('str', (_m, _s, x) => (x as string).length),
  },
  {
    name: 'randomness',
    effect: '( s -- n )',
    in: ['str'],
    out: ['int'],
    pure: true,
    addition: true,
    summary: 'how random s looks, in percent (distinct byte values against a random string’s)',
    impl: unary('str', (_m, _s, x) => randomness(x as string)),
  },
  {
    name: 'left',
    effect: '( s n -- s )',
    in: ['str', 'int'],
    out: ['str'],
    pure: true,
    summary: 'the first n bytes',
    impl: inPlaceFirst(
      binary('str', 'int', (_m, _s, s, n) =>
        (s as string).slice(0, clamp(n as number, 0, (s as string).length)),
      ),
      leftInPlace,
    ),
  },
  {
    name: 'right',
    effect: '( s n -- s )',
    in: ['str', 'int'],
    out: ['str'],
    pure: true,
    summary: 'the last n bytes',
    impl: binary('str', 'int', (_m, _s, s, n) => {
      const str = s as string;
      return str.slice(str.length - clamp(n as number, 0, str.length));
    }),
  },
  {
    name: 'substr',
    effect: '( s start len -- s )',
    in: ['str', 'int', 'int'],
    out: ['str'],
    pure: true,
    summary: 'len bytes from start, clamped to the string',
    impl: {
      special: substrInPlace,
      op: (site) =>
        function substr(m: Machine): Status {
          const sp = m.sp;
          if (sp - m.base < 3) return m.underflow(site, 3);
          const st = m.stack;
          const s = deref(m, st[sp - 3]);
          const start = deref(m, st[sp - 2]);
          const len = deref(m, st[sp - 1]);
          if (typeof s !== 'string') return m.typeError(site, 'a string', s);
          if (typeof start !== 'number') return m.typeError(site, 'an integer start', start);
          if (typeof len !== 'number') return m.typeError(site, 'an integer length', len);
          const a = clamp(start, 0, s.length);
          st[sp - 3] = s.slice(a, a + clamp(len, 0, s.length - a));
          m.sp = sp - 2;
          return CONTINUE;
        },
    },
  },
  {
    name: 'tolower',
    effect: '( s -- s )',
    in: ['str'],
    out: ['str'],
    pure: true,
    summary: 'ASCII lower case',
    impl: unary('str', (_m, _s, x) => toLowerAscii(x as string)),
  },
  {
    name: 'toupper',
    effect: '( s -- s )',
    in: ['str'],
    out: ['str'],
    pure: true,
    summary: 'ASCII upper case',
    impl: unary('str', (_m, _s, x) => toUpperAscii(x as string)),
  },
  {
    name: 'strip_nul',
    effect: '( s -- s )',
    in: ['str'],
    out: ['str'],
    pure: true,
    addition: true,
    summary: 's without its NUL bytes',
    // l7-filter removed NUL bytes from the data before matching (C strings end at a NUL)
    impl: unary('str', (_m, _s, x) => {
      const s = x as string;
      return s.indexOf('\0') < 0 ? s : s.replaceAll('\0', '');
    }),
  },
  {
    name: 'find',
    effect: '( s needle -- n )',
    in: ['str', 'str'],
    out: ['int'],
    pure: true,
    summary: 'index of the first occurrence of needle, or -1',
    impl: binary('str', 'str', (_m, _s, s, n) => (s as string).indexOf(n as string)),
  },
  {
    name: 'findi',
    effect: '( s needle -- n )',
    in: ['str', 'str'],
    out: ['int'],
    pure: true,
    addition: true,
    summary: 'like find, ignoring ASCII case',
    impl: binary('str', 'str', (_m, _s, s, n) => indexOfIgnoreCase(s as string, n as string)),
  },
  {
    name: 'header',
    effect: '( s name -- v )',
    in: ['str', 'str'],
    out: ['str'],
    pure: true,
    addition: true,
    summary:
      'value of header field `name` (case ignored) in the HTTP-style head s, or "" when absent',
    impl: binary('str', 'str', (_m, _s, s, n) => headerValue(s as string, n as string)),
  },
  {
    name: 'match',
    effect: '( s regex -- n )',
    in: ['str', 'str'],
    out: ['int'],
    pure: true,
    summary: '1 if the regular expression matches anywhere in s',
    check: regexCheck(false),
    impl: matcher(false),
  },
  {
    name: 'matchi',
    effect: '( s regex -- n )',
    in: ['str', 'str'],
    out: ['int'],
    pure: true,
    addition: true,
    summary: 'like match, ignoring case',
    check: regexCheck(true),
    impl: matcher(true),
  },
]);
