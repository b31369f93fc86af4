// add sub mult div mod abs neg lshift rshift — int32 arithmetic that wraps like C's int.
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import type { Value } from '../runtime/values.js';
import { binary, FAILED, fold, unary, type Result } from './impl-helpers.js';
import { wordsOf, type WordSpec } from './word.js';

const id = (_m: Machine, _s: Site, x: Value): Result => x;

function divide(m: Machine, site: Site, a: Value, b: Value, rem: boolean): Result {
  if (b === 0) {
    m.fail('EDivideByZero', `${rem ? 'modulo' : 'division'} by zero`, site);
    return FAILED;
  }
  // truncation toward zero, remainder with the dividend's sign (C99)
  return rem ? ((a as number) % (b as number)) | 0 : ((a as number) / (b as number)) | 0;
}

function shiftCount(m: Machine, site: Site, n: number): boolean {
  if (n < 0) {
    m.fail('ERange', `shift count ${n} is negative`, site);
    return false;
  }
  return true;
}

/** ( a b -- r ) on integers; `name( … )` folds all its arguments. */
const folding: Pick<WordSpec, 'in' | 'out' | 'anchor' | 'variadic' | 'pure'> = {
  in: ['int', 'int'],
  out: ['int'],
  anchor: 'variadic',
  variadic: { of: 'int', min: 1 },
  pure: true,
};
const binaryInt: Pick<WordSpec, 'in' | 'out' | 'pure'> = {
  in: ['int', 'int'],
  out: ['int'],
  pure: true,
};
const unaryInt: Pick<WordSpec, 'in' | 'out' | 'pure'> = { in: ['int'], out: ['int'], pure: true };

export const integerWords = wordsOf('integers', [
  {
    name: 'add',
    effect: '( a b -- a+b )',
    ...folding,
    summary: 'sum; `add( … )` sums all arguments',
    impl: fold('int', id, (_m, _s, a, b) => ((a as number) + (b as number)) | 0, 0),
  },
  {
    name: 'sub',
    effect: '( a b -- a-b )',
    ...folding,
    summary: 'difference; `sub( a … )` is a minus all the rest',
    impl: fold('int', id, (_m, _s, a, b) => ((a as number) - (b as number)) | 0, null),
  },
  {
    name: 'mult',
    effect: '( a b -- a*b )',
    ...folding,
    summary: 'product; `mult( … )` multiplies all arguments',
    impl: fold('int', id, (_m, _s, a, b) => Math.imul(a as number, b as number), 1),
  },
  {
    name: 'div',
    effect: '( a b -- a/b )',
    ...binaryInt,
    summary: 'quotient, rounded toward zero; EDivideByZero when b is 0',
    impl: binary('int', 'int', (m, s, a, b) => divide(m, s, a, b, false)),
  },
  {
    name: 'mod',
    effect: '( a b -- a%b )',
    ...binaryInt,
    summary: 'remainder, with the sign of a (as C); EDivideByZero when b is 0',
    impl: binary('int', 'int', (m, s, a, b) => divide(m, s, a, b, true)),
  },
  {
    name: 'abs',
    effect: '( a -- |a| )',
    ...unaryInt,
    summary: 'absolute value',
    impl: unary('int', (_m, _s, x) => Math.abs(x as number) | 0),
  },
  {
    name: 'neg',
    effect: '( a -- -a )',
    ...unaryInt,
    summary: 'negation',
    impl: unary('int', (_m, _s, x) => -(x as number) | 0),
  },
  {
    name: 'lshift',
    effect: '( a n -- a<<n )',
    ...binaryInt,
    summary: 'shift left (n ≥ 32 gives 0)',
    impl: binary('int', 'int', (m, s, a, b) => {
      const n = b as number;
      if (!shiftCount(m, s, n)) return FAILED;
      return n >= 32 ? 0 : (a as number) << n;
    }),
  },
  {
    name: 'rshift',
    effect: '( a n -- a>>n )',
    ...binaryInt,
    summary: 'arithmetic shift right (the sign bit fills)',
    impl: binary('int', 'int', (m, s, a, b) => {
      const n = b as number;
      if (!shiftCount(m, s, n)) return FAILED;
      return (a as number) >> Math.min(n, 31);
    }),
  },
]);
