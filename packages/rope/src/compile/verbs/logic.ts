// and or xor not: bitwise on integers, byte-wise on equal-length strings (subnet masks).
import type { Machine } from '../../runtime/machine.js';
import type { Site } from '../../runtime/site.js';
import type { Value } from '../../runtime/values.js';
import type { VerbImpl } from '../operand.js';
import { binary, FAILED, fold, isTrue, unary, type Result } from './common.js';

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

export const logicVerbs: Record<string, VerbImpl> = {
  and: fold(
    'value',
    self,
    bitwise('and', (x, y) => x & y),
    null,
  ),
  or: fold(
    'value',
    self,
    bitwise('or', (x, y) => x | y),
    null,
  ),
  xor: binary(
    'value',
    'value',
    bitwise('xor', (x, y) => x ^ y),
  ),
  not: unary('any', (_m, _s, x) => (isTrue(x) ? 0 : 1)),
};
