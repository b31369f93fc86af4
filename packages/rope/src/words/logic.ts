// and or xor not: bitwise on integers, byte-wise on equal-length strings (subnet masks).
import { derefType, type Abs } from '../check/abstract.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import type { Value } from '../runtime/values.js';
import type { Span } from '../source.js';
import { sameKinds } from './checks.js';
import { binary, FAILED, fold, isTrue, unary, type Result } from './impl-helpers.js';
import { wordsOf } from './word.js';

function bitwise(op: 'and' | 'or' | 'xor', f: (x: number, y: number) => number) {
  return (m: Machine, site: Site, a: Value, b: Value): Result => {
    if (typeof a === 'number' && typeof b === 'number') return f(a, b) | 0;
    if (typeof a === 'string' && typeof b === 'string') {
      if (a.length !== b.length) {
        m.fail(
          'EType',
          `\`${op}\` on strings of different lengths (${a.length} and ${b.length} bytes)`,
          site,
        );
        return FAILED;
      }
      let out = '';
      for (let i = 0; i < a.length; i++)
        out += String.fromCharCode(f(a.charCodeAt(i), b.charCodeAt(i)) & 0xff);
      return out;
    }
    m.fail(
      'EType',
      `\`${op}\` needs two integers or two strings, got ${typeof a === 'number' ? 'an integer' : 'a string'} and ${typeof b === 'number' ? 'an integer' : 'a string'}`,
      site,
    );
    return FAILED;
  };
}

const self = (_m: Machine, _s: Site, x: Value): Result => x;

/** The result is an integer or a string as the operands are, when they agree. */
function bitwiseResult(ops: readonly Abs[], span: Span): Abs[] {
  const kinds = new Set(ops.map((o) => derefType(o)));
  const only = kinds.size === 1 ? [...kinds][0] : 'value';
  return [{ t: only === 'int' || only === 'str' ? only : 'value', from: span }];
}

export const logicWords = wordsOf('logic', [
  {
    name: 'and',
    effect: '( a b -- r )',
    in: ['value', 'value'],
    out: ['value'],
    anchor: 'variadic',
    variadic: { of: 'value', min: 1 },
    pure: true,
    summary: 'bitwise and of integers, or byte-wise of equal-length strings',
    check: sameKinds,
    results: bitwiseResult,
    impl: fold(
      'value',
      self,
      bitwise('and', (x, y) => x & y),
      null,
    ),
  },
  {
    name: 'or',
    effect: '( a b -- r )',
    in: ['value', 'value'],
    out: ['value'],
    anchor: 'variadic',
    variadic: { of: 'value', min: 1 },
    pure: true,
    summary: 'bitwise or of integers, or byte-wise of equal-length strings',
    check: sameKinds,
    results: bitwiseResult,
    impl: fold(
      'value',
      self,
      bitwise('or', (x, y) => x | y),
      null,
    ),
  },
  {
    name: 'xor',
    effect: '( a b -- r )',
    in: ['value', 'value'],
    out: ['value'],
    pure: true,
    summary: 'bitwise exclusive or of integers, or byte-wise of equal-length strings',
    check: sameKinds,
    results: bitwiseResult,
    impl: binary(
      'value',
      'value',
      bitwise('xor', (x, y) => x ^ y),
    ),
  },
  {
    name: 'not',
    effect: '( b -- n )',
    in: ['any'],
    out: ['int'],
    pure: true,
    summary: '1 for a false value (0 or ""), 0 for a true one',
    impl: unary('any', (_m, _s, x) => (isTrue(x) ? 0 : 1)),
  },
]);
