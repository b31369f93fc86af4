// atoi ord chr ipv4_ntoa ip_ntoa mac_ntoa and the be/le integer readers.
import { formatIpv4, formatIpv6 } from '@p2pwall/core';
import { INT32_MAX, INT32_MIN } from '../../lexer/literals.js';
import type { Machine } from '../../runtime/machine.js';
import type { Site } from '../../runtime/site.js';
import type { Value } from '../../runtime/values.js';
import type { VerbImpl } from '../operand.js';
import { FAILED, unary, type Result } from './common.js';

/** C atoi, except that overflow saturates instead of being undefined. */
export function atoi(s: string): number {
  let i = 0;
  const n = s.length;
  while (
    i < n &&
    (s.charCodeAt(i) === 0x20 || (s.charCodeAt(i) >= 0x09 && s.charCodeAt(i) <= 0x0d))
  )
    i++;
  let neg = false;
  if (i < n && (s[i] === '+' || s[i] === '-')) neg = s[i++] === '-';
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    if (v > 0x80000000) v = 0x80000000; // keeps the sum exact; saturated below
  }
  const r = neg ? -v : v;
  return (r > INT32_MAX ? INT32_MAX : r < INT32_MIN ? INT32_MIN : r) | 0;
}

function sized(m: Machine, site: Site, s: string, need: number, exact: boolean): boolean {
  if (exact ? s.length === need : s.length >= need) return true;
  m.fail(
    'ERange',
    `\`${site.label}\` needs ${exact ? '' : 'at least '}${need} bytes, got ${s.length}`,
    site,
  );
  return false;
}

function bytesOf(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

function reader(bits: 16 | 32, little: boolean, signed: boolean) {
  const need = bits / 8;
  return unary('str', (m: Machine, site: Site, x: Value): Result => {
    const s = x as string;
    if (!sized(m, site, s, need, false)) return FAILED;
    // read in place: a helper closure here costs more than the rest of the verb
    if (bits === 16) {
      const v = little
        ? (s.charCodeAt(1) << 8) | s.charCodeAt(0)
        : (s.charCodeAt(0) << 8) | s.charCodeAt(1);
      return signed ? (v << 16) >> 16 : v;
    }
    return little
      ? (s.charCodeAt(3) << 24) | (s.charCodeAt(2) << 16) | (s.charCodeAt(1) << 8) | s.charCodeAt(0)
      : (s.charCodeAt(0) << 24) |
          (s.charCodeAt(1) << 16) |
          (s.charCodeAt(2) << 8) |
          s.charCodeAt(3);
  });
}

export const conversionVerbs: Record<string, VerbImpl> = {
  atoi: unary('str', (_m, _s, x) => atoi(x as string)),
  ord: unary('str', (_m, _s, x) => ((x as string).length === 0 ? -1 : (x as string).charCodeAt(0))),
  chr: unary('int', (m, site, x) => {
    const n = x as number;
    if (n < 0 || n > 255) {
      m.fail('ERange', `chr needs a byte value 0-255, got ${n}`, site);
      return FAILED;
    }
    return String.fromCharCode(n);
  }),
  ipv4_ntoa: unary('str', (m, site, x) =>
    sized(m, site, x as string, 4, true) ? formatIpv4(bytesOf(x as string)) : FAILED,
  ),
  ip_ntoa: unary('str', (m, site, x) => {
    const s = x as string;
    if (s.length === 4) return formatIpv4(bytesOf(s));
    if (s.length === 16) return formatIpv6(bytesOf(s));
    m.fail('ERange', `ip_ntoa needs 4 or 16 bytes, got ${s.length}`, site);
    return FAILED;
  }),
  mac_ntoa: unary('str', (m, site, x) => {
    const s = x as string;
    if (!sized(m, site, s, 6, true)) return FAILED;
    let out = '';
    for (let i = 0; i < 6; i++)
      out += (i ? ':' : '') + s.charCodeAt(i).toString(16).padStart(2, '0');
    return out;
  }),
  be16_to_int: reader(16, false, true),
  be16_to_uint: reader(16, false, false),
  be32_to_int: reader(32, false, true),
  be32_to_uint: reader(32, false, false),
  le16_to_int: reader(16, true, true),
  le16_to_uint: reader(16, true, false),
  le32_to_int: reader(32, true, true),
  le32_to_uint: reader(32, true, false),
};
