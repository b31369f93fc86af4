// strcat strlen left right substr tolower toupper find findi header match matchi.
import { indexOfIgnoreCase, toLowerAscii, toUpperAscii } from '../../runtime/bytes.js';
import type { Machine } from '../../runtime/machine.js';
import { headerValue } from '../../runtime/header-field.js';
import { cachedRegex, compileRegex } from '../../runtime/regex.js';
import type { Site } from '../../runtime/site.js';
import type { Op, Value } from '../../runtime/values.js';
import { CONTINUE, type Status } from '../../runtime/verdict.js';
import { constStr, type SpecialCtx, type VerbImpl } from '../operand.js';
import { binary, deref, FAILED, fold, pushResult, unary, type Result } from './common.js';

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

function matcher(ignoreCase: boolean): VerbImpl {
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

export const stringVerbs: Record<string, VerbImpl> = {
  strcat: fold('str', (_m, _s, x) => x, concat, ''),
  strlen: unary('str', (_m, _s, x) => (x as string).length),
  left: binary('str', 'int', (_m, _s, s, n) =>
    (s as string).slice(0, clamp(n as number, 0, (s as string).length)),
  ),
  right: binary('str', 'int', (_m, _s, s, n) => {
    const str = s as string;
    return str.slice(str.length - clamp(n as number, 0, str.length));
  }),
  substr: {
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
  tolower: unary('str', (_m, _s, x) => toLowerAscii(x as string)),
  toupper: unary('str', (_m, _s, x) => toUpperAscii(x as string)),
  find: binary('str', 'str', (_m, _s, s, n) => (s as string).indexOf(n as string)),
  findi: binary('str', 'str', (_m, _s, s, n) => indexOfIgnoreCase(s as string, n as string)),
  header: binary('str', 'str', (_m, _s, s, n) => headerValue(s as string, n as string)),
  match: matcher(false),
  matchi: matcher(true),
};
