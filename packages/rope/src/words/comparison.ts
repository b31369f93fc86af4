// eq ne eqi nei gt lt ge le: 1 or 0. Integers compare numerically, strings bytewise (latin1
// code units order as bytes do); comparing an integer with a string is an EType error.
import { equalsIgnoreCase } from '../runtime/bytes.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import type { Value } from '../runtime/values.js';
import { sameKinds } from './checks.js';
import { binary, FAILED, type Result } from './impl-helpers.js';
import { wordsOf, type WordSpec } from './word.js';

function compare(name: string, f: (a: number | string, b: number | string) => boolean) {
  return (m: Machine, site: Site, a: Value, b: Value): Result => {
    if (typeof a !== typeof b) {
      m.fail(
        'EType',
        `\`${name}\` compares two integers or two strings, got ${typeof a === 'number' ? 'an integer' : 'a string'} and ${typeof b === 'number' ? 'an integer' : 'a string'}`,
        site,
      );
      return FAILED;
    }
    return f(a as number | string, b as number | string) ? 1 : 0;
  };
}

/** ( a b -- n ) on two integers or two strings. */
function comparison(
  name: string,
  summary: string,
  f: (a: number | string, b: number | string) => boolean,
): WordSpec {
  return {
    name,
    effect: '( a b -- n )',
    in: ['value', 'value'],
    out: ['int'],
    pure: true,
    summary,
    check: sameKinds,
    impl: binary('value', 'value', compare(name, f)),
  };
}

/** ( s1 s2 -- n ) on strings, ignoring ASCII case. */
function caseless(name: string, summary: string, equal: 0 | 1): WordSpec {
  const differ = equal === 1 ? 0 : 1;
  return {
    name,
    effect: '( s1 s2 -- n )',
    in: ['str', 'str'],
    out: ['int'],
    pure: true,
    summary,
    check: sameKinds,
    impl: binary('str', 'str', (_m, _s, a, b) =>
      equalsIgnoreCase(a as string, b as string) ? equal : differ,
    ),
  };
}

const both = (what: string) => `1 if ${what} (two integers or two strings), else 0`;
const ordered = (op: string) => `1 if a ${op} b (integers, or strings bytewise), else 0`;

export const comparisonWords = wordsOf('comparison', [
  comparison('eq', both('equal'), (a, b) => a === b),
  comparison('ne', both('not equal'), (a, b) => a !== b),
  caseless('eqi', '1 if the strings are equal ignoring ASCII case', 1),
  caseless('nei', '1 if the strings differ ignoring ASCII case', 0),
  comparison('gt', ordered('>'), (a, b) => a > b),
  comparison('lt', ordered('<'), (a, b) => a < b),
  comparison('ge', ordered('≥'), (a, b) => a >= b),
  comparison('le', ordered('≤'), (a, b) => a <= b),
]);
