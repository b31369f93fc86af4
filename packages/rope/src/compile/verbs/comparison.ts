// eq ne eqi nei gt lt ge le: 1 or 0. Integers compare numerically, strings bytewise (latin1
// code units order as bytes do); comparing an integer with a string is an EType error.
import type { Machine } from '../../runtime/machine.js';
import type { Site } from '../../runtime/site.js';
import type { Value } from '../../runtime/values.js';
import { equalsIgnoreCase } from '../../runtime/bytes.js';
import type { VerbImpl } from '../operand.js';
import { binary, FAILED, type Result } from './common.js';

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

export const comparisonVerbs: Record<string, VerbImpl> = {
  eq: binary(
    'value',
    'value',
    compare('eq', (a, b) => a === b),
  ),
  ne: binary(
    'value',
    'value',
    compare('ne', (a, b) => a !== b),
  ),
  gt: binary(
    'value',
    'value',
    compare('gt', (a, b) => a > b),
  ),
  lt: binary(
    'value',
    'value',
    compare('lt', (a, b) => a < b),
  ),
  ge: binary(
    'value',
    'value',
    compare('ge', (a, b) => a >= b),
  ),
  le: binary(
    'value',
    'value',
    compare('le', (a, b) => a <= b),
  ),
  eqi: binary('str', 'str', (_m, _s, a, b) => (equalsIgnoreCase(a as string, b as string) ? 1 : 0)),
  nei: binary('str', 'str', (_m, _s, a, b) => (equalsIgnoreCase(a as string, b as string) ? 0 : 1)),
};
