// yes no never assert hotdrop (§4): the control words that end the run with a verdict.
import { endsAlways, endsIfTrue, followAssert } from '../check/control-flow.js';
import { readingOf, shaped, STACK_READING } from '../compile/op-shapes.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import { printValue } from '../runtime/values.js';
import { CONTINUE, STOP_NO, STOP_YES, type Status } from '../runtime/verdict.js';
import { deref, isTrue, reader } from './impl-helpers.js';
import { wordsOf, type WordImpl, type WordSpec } from './word.js';

/**
 * yes/no/never. Written bare (n < 0): with a value above the anchor, end only if it is true; with
 * none, end. `yes()` ends; `yes( b )` ends only if b is true. `never` ends as `no` does and marks
 * the run (Machine.never) so that a classifier stops running the script on the flow.
 */
function verdictWord(stop: Status, never = false): WordImpl {
  const finish = never
    ? (m: Machine, site: Site): Status => {
        m.never = true;
        if (m.trace?.note) m.trace.note(site, 'never: no later packet of the flow can match');
        return stop;
      }
    : (): Status => stop;
  return {
    op: (site, n) => {
      const end = (m: Machine): Status => finish(m, site);
      const test = (m: Machine): Status =>
        isTrue(deref(m, m.stack[--m.sp])) ? finish(m, site) : CONTINUE;
      const shape = (form: 'end' | 'bare' | 'one') =>
        ({ kind: 'verdict', form, cond: STACK_READING, finish, site }) as const;
      if (n < 0) return shaped((m) => (m.sp > m.base ? test(m) : end(m)), shape('bare'));
      if (n === 0) return shaped(end, shape('end'));
      return shaped((m) => (m.sp <= m.base ? m.underflow(site, 1) : test(m)), shape('one'));
    },
    runN: (m, site, n) => {
      if (n > 1)
        return m.fail('EAnchor', `\`${site.label}\` takes at most one argument, got ${n}`, site);
      return n === 0 || isTrue(deref(m, m.stack[--m.sp])) ? finish(m, site) : CONTINUE;
    },
    special(ctx) {
      const o = ctx.operands[ctx.operands.length - 1];
      if (!o || o.k === 'stack') return null;
      const r = reader(o)!;
      const site = ctx.site;
      return shaped((m: Machine) => (isTrue(r(m)) ? finish(m, site) : CONTINUE), {
        kind: 'verdict',
        form: 'fetched',
        cond: readingOf(o),
        finish,
        site,
      });
    },
  };
}

function hotdropWith(m: Machine, site: Site, n: number): Status {
  if (m.sp - m.base < n) return m.underflow(site, n);
  let msg = '';
  for (let i = m.sp - n; i < m.sp; i++) msg += printValue(deref(m, m.stack[i]));
  m.sp -= n;
  return m.hot('EHotdrop', msg === '' ? 'hotdrop' : msg, site);
}

/** The record of yes, no or never: one optional operand, ends the run if it is true. */
function verdictRecord(name: string, summary: string, impl: WordImpl): WordSpec {
  return {
    name,
    effect: '( [b] -- )',
    in: [],
    out: [],
    anchor: 'variadic',
    variadic: { of: 'any', min: 0, max: 1 },
    control: true,
    summary,
    endsRun: endsIfTrue,
    optionalOperand: true,
    impl,
  };
}

export const verdictWords = wordsOf('control', [
  verdictRecord(
    'yes',
    'end with YES (with a value on the stack: only if it is true)',
    verdictWord(STOP_YES),
  ),
  verdictRecord(
    'no',
    'end with NO (with a value on the stack: only if it is true)',
    verdictWord(STOP_NO),
  ),
  verdictRecord(
    'never',
    'end with NO as `no` does, and stop running the script on this flow',
    verdictWord(STOP_NO, true),
  ),
  {
    name: 'assert',
    effect: '( b -- )',
    in: ['any'],
    out: [],
    control: true,
    summary: 'end with NO unless b is true',
    follow: followAssert,
    impl: {
      op: (site) =>
        shaped(
          function assertOp(m: Machine): Status {
            if (m.sp <= m.base) return m.underflow(site, 1);
            if (isTrue(deref(m, m.stack[--m.sp]))) return CONTINUE;
            if (m.trace?.note) m.trace.note(site, 'EAssertFailed: assertion is false');
            return STOP_NO;
          },
          { kind: 'assert', site },
        ),
    },
  },
  {
    name: 'hotdrop',
    effect: '( -- )',
    in: [],
    out: [],
    anchor: 'variadic',
    variadic: { of: 'any', min: 0 },
    control: true,
    summary: 'end with HOTDROP: the engine drops the packet',
    endsRun: endsAlways,
    impl: {
      op: (site, n) => (m) => hotdropWith(m, site, n),
      runN: hotdropWith,
    },
  },
]);
