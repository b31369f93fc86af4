// atoi ord chr ipv4_ntoa ip_ntoa mac_ntoa and the be/le integer readers.
import { formatIpv4, formatIpv6 } from '@p2pwall/core';
import { INT32_MAX, INT32_MIN } from '../lexer/literals.js';
import type { Machine } from '../runtime/machine.js';
import type { Site } from '../runtime/site.js';
import type { Value } from '../runtime/values.js';
import { FAILED, pushResult, unary, type Result } from './impl-helpers.js';
import { DATA_REGISTER, PACKET_REGISTER } from './packet-registers.js';
import { NO_PROBLEMS, wordsOf, type WordImpl, type WordSpec } from './word.js';
import type { SpecialCtx } from '../compile/operand.js';
import type { Op } from '../runtime/block.js';
import type { Status } from '../runtime/verdict.js';

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

function intReader(bits: 16 | 32, little: boolean, signed: boolean) {
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

/** be16_to_int … le32_to_uint: the first 2 or 4 bytes as an integer. */
function intReaders(): WordSpec[] {
  const out: WordSpec[] = [];
  for (const [order, bits] of [
    ['be', 16],
    ['be', 32],
    ['le', 16],
    ['le', 32],
  ] as const) {
    const endian = order === 'be' ? 'big-endian' : 'little-endian';
    const little = order === 'le';
    out.push(
      {
        name: `${order}${bits}_to_int`,
        effect: '( s -- n )',
        in: ['str'],
        out: ['int'],
        pure: true,
        summary: `the first ${bits / 8} bytes as a signed ${endian} integer`,
        impl: intReader(bits, little, true),
      },
      {
        name: `${order}${bits}_to_uint`,
        effect: '( s -- n )',
        in: ['str'],
        out: ['int'],
        pure: true,
        summary: `the first ${bits / 8} bytes as an unsigned ${endian} integer${bits === 32 ? ' (above 2^31-1 it wraps to the negative int32)' : ''}`,
        impl: intReader(bits, little, false),
      },
    );
  }
  return out;
}

/** `ord`; on `$data` and `$packet` the first byte is read where it lies (packet-registers.ts). */
function ordImpl(): WordImpl {
  const base = unary('str', (_m, _s, x) =>
    (x as string).length === 0 ? -1 : (x as string).charCodeAt(0),
  );
  return {
    op: base.op,
    special(ctx: SpecialCtx): Op | null {
      const o = ctx.operands[0];
      const site = ctx.site;
      if (o.k === 'reg' && o.ref === DATA_REGISTER)
        return function ordData(m: Machine): Status {
          const p = m.pkt;
          return pushResult(m, site, p.payloadLength > 0 ? m.buf[p.payloadOffset] : -1);
        };
      if (o.k === 'reg' && o.ref === PACKET_REGISTER)
        return function ordPacket(m: Machine): Status {
          return pushResult(m, site, m.end > m.ip ? m.buf[m.ip] : -1);
        };
      return base.special!(ctx);
    },
  };
}

export const conversionWords = wordsOf('conversion', [
  {
    name: 'atoi',
    effect: '( s -- n )',
    in: ['str'],
    out: ['int'],
    pure: true,
    summary:
      'optional blanks, sign and decimal digits to an integer (0 if none; saturates at the int32 range)',
    impl: unary('str', (_m, _s, x) => atoi(x as string)),
  },
  {
    name: 'ord',
    effect: '( s -- n )',
    in: ['str'],
    out: ['int'],
    pure: true,
    summary: 'the first byte (-1 for an empty string)',
    impl: ordImpl(),
  },
  {
    name: 'chr',
    effect: '( n -- s )',
    in: ['int'],
    out: ['str'],
    pure: true,
    summary: 'the 1-byte string of n (0–255)',
    check([n]) {
      if (typeof n.c === 'number' && (n.c < 0 || n.c > 255))
        return [{ code: 'range', message: `\`chr\` needs a byte value 0-255, got ${n.c}` }];
      return NO_PROBLEMS;
    },
    impl: unary('int', (m, site, x) => {
      const n = x as number;
      if (n < 0 || n > 255) {
        m.fail('ERange', `chr needs a byte value 0-255, got ${n}`, site);
        return FAILED;
      }
      return String.fromCharCode(n);
    }),
  },
  {
    name: 'ipv4_ntoa',
    effect: '( s4 -- s )',
    in: ['str'],
    out: ['str'],
    pure: true,
    summary: '4 bytes to dotted text',
    impl: unary('str', (m, site, x) =>
      sized(m, site, x as string, 4, true) ? formatIpv4(bytesOf(x as string)) : FAILED,
    ),
  },
  {
    name: 'ip_ntoa',
    effect: '( s -- s )',
    in: ['str'],
    out: ['str'],
    pure: true,
    addition: true,
    summary: '4 or 16 bytes to IPv4 or IPv6 text',
    impl: unary('str', (m, site, x) => {
      const s = x as string;
      if (s.length === 4) return formatIpv4(bytesOf(s));
      if (s.length === 16) return formatIpv6(bytesOf(s));
      m.fail('ERange', `ip_ntoa needs 4 or 16 bytes, got ${s.length}`, site);
      return FAILED;
    }),
  },
  {
    name: 'mac_ntoa',
    effect: '( s6 -- s )',
    in: ['str'],
    out: ['str'],
    pure: true,
    summary: '6 bytes to `00:0f:1f:5c:30:21` text',
    impl: unary('str', (m, site, x) => {
      const s = x as string;
      if (!sized(m, site, s, 6, true)) return FAILED;
      let out = '';
      for (let i = 0; i < 6; i++)
        out += (i ? ':' : '') + s.charCodeAt(i).toString(16).padStart(2, '0');
      return out;
    }),
  },
  ...intReaders(),
]);
