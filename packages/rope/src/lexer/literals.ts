// Decoding of literal tokens into values: integers (int32), strings with C escapes, dotted and
// colon-hex byte literals. Each returns a value or a precise error (message and, for escapes,
// the character range of the offending escape within the token).

import { DEFAULT_CAPS } from '../runtime/caps.js';

export const INT32_MIN = -0x80000000;
export const INT32_MAX = 0x7fffffff;
/** Dotted and colon-hex literals hold at most this many parts. */
export const MAX_BYTE_PARTS = 255;
/** String literals hold at most this many bytes: the string cap, the longest a script may build. */
export const MAX_STRING_LITERAL = DEFAULT_CAPS.maxString;

export type Decoded<T> =
  { ok: true; value: T } | { ok: false; message: string; from?: number; to?: number };

/**
 * Decimal literals must fit int32. Hex and octal literals are bit patterns: up to 0xFFFFFFFF,
 * taken as the 32-bit two's-complement value (0xFFFFFFFF is -1), as a C int would hold them.
 */
export function decodeInteger(text: string): Decoded<number> {
  const neg = text.startsWith('-');
  const body = neg ? text.slice(1) : text;
  let magnitude: number;
  let pattern = false;
  if (/^0[xX]/.test(body)) {
    magnitude = parseInt(body.slice(2), 16);
    pattern = true;
  } else if (body.length > 1 && body.startsWith('0')) {
    if (!/^[0-7]+$/.test(body))
      return {
        ok: false,
        message: `\`${text}\` is not an octal number (a leading 0 means octal; digits 0-7)`,
      };
    magnitude = parseInt(body, 8);
    pattern = true;
  } else {
    magnitude = parseInt(body, 10);
  }
  if (pattern) {
    if (magnitude > 0xffffffff)
      return { ok: false, message: `integer literal \`${text}\` does not fit in 32 bits` };
    const v = magnitude | 0;
    return { ok: true, value: neg ? -v | 0 : v };
  }
  const v = neg ? -magnitude : magnitude;
  if (v < INT32_MIN || v > INT32_MAX) {
    return {
      ok: false,
      message: `integer literal \`${text}\` is out of range (${INT32_MIN} to ${INT32_MAX})`,
    };
  }
  return { ok: true, value: v | 0 }; // | 0: `-0` is the integer 0
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  '"': '"',
  "'": "'",
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  e: '\x1b',
};

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/**
 * Decodes a quoted string token (quotes included). `from`/`to` of an error are character
 * offsets within the token. Characters above U+00FF in the source are encoded as UTF-8, so a
 * script may write non-ASCII text and match its UTF-8 bytes.
 */
export function decodeString(token: string): Decoded<string> {
  let out = '';
  const end = token.length - 1;
  for (let i = 1; i < end; i++) {
    if (out.length > MAX_STRING_LITERAL) {
      return {
        ok: false,
        message: `string literal longer than ${MAX_STRING_LITERAL} bytes, the string cap (the longest string a script may hold)`,
      };
    }
    const c = token[i];
    if (c !== '\\') {
      const cp = token.codePointAt(i)!;
      if (cp < 0x80) {
        out += c;
        continue;
      }
      const ch = String.fromCodePoint(cp);
      out += Buffer.from(ch, 'utf8').toString('latin1');
      i += ch.length - 1;
      continue;
    }
    const e = token[i + 1];
    if (e === undefined || i + 1 >= end)
      return { ok: false, message: 'a string cannot end with a lone `\\`', from: i, to: i };
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i++;
      continue;
    }
    // `\xHH`, and the historical form `\0xHH`
    const hex =
      e === 'x' || e === 'X'
        ? i + 2
        : e === '0' && (token[i + 2] === 'x' || token[i + 2] === 'X')
          ? i + 3
          : -1;
    if (hex > 0) {
      if (!isHex(token[hex]) || !isHex(token[hex + 1]) || hex + 1 >= end) {
        const form = hex === i + 2 ? '\\x' : '\\0x';
        return {
          ok: false,
          message: `\`${form}\` must be followed by exactly two hex digits (\`${form}41\`)`,
          from: i,
          to: Math.min(hex + 1, end - 1),
        };
      }
      out += String.fromCharCode(parseInt(token.slice(hex, hex + 2), 16));
      i = hex + 1;
      continue;
    }
    if (e >= '0' && e <= '7') {
      let j = i + 1;
      while (j < end && j < i + 4 && token[j] >= '0' && token[j] <= '7') j++;
      const v = parseInt(token.slice(i + 1, j), 8);
      if (v > 255)
        return {
          ok: false,
          message: `octal escape \`${token.slice(i, j)}\` is above \\377 (255)`,
          from: i,
          to: j - 1,
        };
      out += String.fromCharCode(v);
      i = j - 1;
      continue;
    }
    if (e === '8' || e === '9') {
      return {
        ok: false,
        message: `\`\\${e}\` is not an octal escape (digits 0-7)`,
        from: i,
        to: i + 1,
      };
    }
    return {
      ok: false,
      message: `unknown escape \`\\${e}\` (known: \\n \\r \\t \\\\ \\" \\0 \\NNN octal, \\xHH and \\0xHH hex)`,
      from: i,
      to: i + 1,
    };
  }
  if (out.length > MAX_STRING_LITERAL) {
    return {
      ok: false,
      message: `string literal longer than ${MAX_STRING_LITERAL} bytes, the string cap (the longest string a script may hold)`,
    };
  }
  return { ok: true, value: out };
}

/** `192.168.0.10` → 4 bytes. */
export function decodeDotted(text: string): Decoded<string> {
  const parts = text.split('.');
  if (parts.length > MAX_BYTE_PARTS)
    return {
      ok: false,
      message: `dotted byte literal has ${parts.length} parts; at most ${MAX_BYTE_PARTS}`,
    };
  let out = '';
  for (const p of parts) {
    const v = parseInt(p, 10);
    if (v > 255)
      return {
        ok: false,
        message: `\`${p}\` in dotted byte literal \`${abbreviate(text)}\` is above 255`,
      };
    out += String.fromCharCode(v);
  }
  return { ok: true, value: out };
}

/** `00:0F:1F:5C:30:21` → 6 bytes. */
export function decodeColonHex(text: string): Decoded<string> {
  const parts = text.split(':');
  if (parts.length > MAX_BYTE_PARTS)
    return {
      ok: false,
      message: `colon-hex byte literal has ${parts.length} parts; at most ${MAX_BYTE_PARTS}`,
    };
  let out = '';
  for (const p of parts) out += String.fromCharCode(parseInt(p, 16));
  return { ok: true, value: out };
}

function abbreviate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
