// dup drop swap over depth: they move items as they are (a reference stays a reference).
import type { Machine } from '../runtime/machine.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';
import { push } from './impl-helpers.js';
import { wordsOf } from './word.js';

export const stackWords = wordsOf('stack', [
  {
    name: 'dup',
    effect: '( x -- x x )',
    in: ['item'],
    out: ['item', 'item'],
    anchor: 'none',
    summary: 'copy the top item',
    results: ([x]) => [x, x],
    impl: {
      op: (site) =>
        function dup(m: Machine): Status {
          if (m.sp <= m.base) return m.underflow(site, 1);
          return push(m, site, m.stack[m.sp - 1]);
        },
    },
  },
  {
    name: 'drop',
    effect: '( x -- )',
    in: ['item'],
    out: [],
    anchor: 'none',
    summary: 'discard the top item',
    impl: {
      op: (site) =>
        function drop(m: Machine): Status {
          if (m.sp <= m.base) return m.underflow(site, 1);
          m.sp--;
          return CONTINUE;
        },
    },
  },
  {
    name: 'swap',
    effect: '( a b -- b a )',
    in: ['item', 'item'],
    out: ['item', 'item'],
    anchor: 'none',
    summary: 'exchange the two top items',
    results: ([a, b]) => [b, a],
    impl: {
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
  },
  {
    name: 'over',
    effect: '( a b -- a b a )',
    in: ['item', 'item'],
    out: ['item', 'item', 'item'],
    anchor: 'none',
    addition: true,
    summary: 'copy the second item to the top',
    results: ([a, b]) => [a, b, a],
    impl: {
      op: (site) =>
        function over(m: Machine): Status {
          if (m.sp - m.base < 2) return m.underflow(site, 2);
          return push(m, site, m.stack[m.sp - 2]);
        },
    },
  },
  {
    name: 'depth',
    effect: '( -- n )',
    in: [],
    out: ['int'],
    anchor: 'none',
    addition: true,
    summary: 'number of items on the stack (above the innermost anchor)',
    seesAnchor: true,
    readsDepth: true,
    impl: {
      op: (site) =>
        function depth(m: Machine): Status {
          return push(m, site, m.sp - m.base);
        },
    },
  },
]);
