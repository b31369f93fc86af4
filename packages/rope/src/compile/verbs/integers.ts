// add sub mult div mod abs neg lshift rshift — int32 arithmetic that wraps like C's int.
import type { Machine } from '../../runtime/machine.js';
import type { Site } from '../../runtime/site.js';
import type { Value } from '../../runtime/values.js';
import type { VerbImpl } from '../operand.js';
import { binary, FAILED, fold, unary, type Result } from './common.js';

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

export const integerVerbs: Record<string, VerbImpl> = {
  add: fold('int', id, (_m, _s, a, b) => ((a as number) + (b as number)) | 0, 0),
  sub: fold('int', id, (_m, _s, a, b) => ((a as number) - (b as number)) | 0, null),
  mult: fold('int', id, (_m, _s, a, b) => Math.imul(a as number, b as number), 1),
  div: binary('int', 'int', (m, s, a, b) => divide(m, s, a, b, false)),
  mod: binary('int', 'int', (m, s, a, b) => divide(m, s, a, b, true)),
  abs: unary('int', (_m, _s, x) => Math.abs(x as number) | 0),
  neg: unary('int', (_m, _s, x) => -(x as number) | 0),
  lshift: binary('int', 'int', (m, s, a, b) => {
    const n = b as number;
    if (!shiftCount(m, s, n)) return FAILED;
    return n >= 32 ? 0 : (a as number) << n;
  }),
  rshift: binary('int', 'int', (m, s, a, b) => {
    const n = b as number;
    if (!shiftCount(m, s, n)) return FAILED;
    return (a as number) >> Math.min(n, 31);
  }),
};
