// dup drop swap over depth: they move items as they are (a reference stays a reference).
import type { Machine } from '../../runtime/machine.js';
import { CONTINUE, type Status } from '../../runtime/verdict.js';
import type { VerbImpl } from '../operand.js';
import { push } from './common.js';

export const stackVerbs: Record<string, VerbImpl> = {
  dup: {
    op: (site) =>
      function dup(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 1);
        return push(m, site, m.stack[m.sp - 1]);
      },
  },
  drop: {
    op: (site) =>
      function drop(m: Machine): Status {
        if (m.sp <= m.base) return m.underflow(site, 1);
        m.sp--;
        return CONTINUE;
      },
  },
  swap: {
    op: (site) =>
      function swap(m: Machine): Status {
        const sp = m.sp;
        if (sp - m.base < 2) return m.underflow(site, 2);
        const s = m.stack;
        const t = s[sp - 1];
        s[sp - 1] = s[sp - 2];
        s[sp - 2] = t;
        return CONTINUE;
      },
  },
  over: {
    op: (site) =>
      function over(m: Machine): Status {
        if (m.sp - m.base < 2) return m.underflow(site, 2);
        return push(m, site, m.stack[m.sp - 2]);
      },
  },
  depth: {
    op: (site) =>
      function depth(m: Machine): Status {
        return push(m, site, m.sp - m.base);
      },
  },
};
