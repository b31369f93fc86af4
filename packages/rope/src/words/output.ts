// print println dump: text for the trace channel. Without a sink they only consume operands.
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import { formatValue, printValue } from '../runtime/values.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';
import { deref } from './impl-helpers.js';
import { wordsOf, type WordImpl } from './word.js';

function printer(newline: boolean): WordImpl {
  const runN = (m: Machine, site: Site, n: number): Status => {
    if (m.sp - m.base < n) return m.underflow(site, n);
    const first = m.sp - n;
    if (m.trace !== null) {
      let text = '';
      for (let i = first; i < m.sp; i++) text += printValue(deref(m, m.stack[i]));
      m.trace.print(newline ? text + '\n' : text);
    }
    m.sp = first;
    return CONTINUE;
  };
  return { op: (site, n) => (m) => runN(m, site, n), runN };
}

/** The stack (bottom first, anchors shown as `(`), the action count and the cursor. */
function dumpText(m: Machine): string {
  const items: string[] = [];
  let a = 0;
  for (let i = 0; i < m.sp; i++) {
    while (a < m.anchorDepth && m.anchors[a] === i) {
      items.push('(');
      a++;
    }
    items.push(formatValue(m.stack[i]));
  }
  while (a < m.anchorDepth) {
    items.push('(');
    a++;
  }
  return `stack [${items.join(' ')}]  actions ${m.actions}  $offset ${m.off - m.ip}`;
}

export const outputWords = wordsOf('output', [
  {
    name: 'print',
    effect: '( v -- )',
    in: ['any'],
    out: [],
    anchor: 'variadic',
    variadic: { of: 'any', min: 0 },
    summary: 'write a value to the trace channel (anchor form: every argument)',
    impl: printer(false),
  },
  {
    name: 'println',
    effect: '( v -- )',
    in: ['any'],
    out: [],
    anchor: 'variadic',
    variadic: { of: 'any', min: 0 },
    summary: 'like print, then end the line',
    impl: printer(true),
  },
  {
    name: 'dump',
    effect: '( -- )',
    in: [],
    out: [],
    anchor: 'none',
    summary: 'write the stack, the action count and `$offset` to the trace channel',
    seesAnchor: true,
    impl: {
      op: () =>
        function dump(m: Machine): Status {
          if (m.trace !== null) m.trace.print(dumpText(m) + '\n');
          return CONTINUE;
        },
    },
  },
]);
