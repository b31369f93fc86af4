// The C-locale character classes as 256-entry tables, so a class test is one load per byte.

function table(pred: (c: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = pred(c) ? 1 : 0;
  return t;
}

const upper = (c: number) => c >= 0x41 && c <= 0x5a;
const lower = (c: number) => c >= 0x61 && c <= 0x7a;
const digit = (c: number) => c >= 0x30 && c <= 0x39;
const graph = (c: number) => c >= 0x21 && c <= 0x7e;
// RFC 3986: unreserved ALPHA DIGIT - . _ ~, reserved gen-delims and sub-delims, and % of escapes
const URI_EXTRA = new Set([...`-._~:/?#[]@!$&'()*+,;=%`].map((ch) => ch.charCodeAt(0)));

export const CHAR_CLASSES: Readonly<Record<string, Uint8Array>> = {
  isupper: table(upper),
  islower: table(lower),
  isalpha: table((c) => upper(c) || lower(c)),
  isdigit: table(digit),
  isalnum: table((c) => upper(c) || lower(c) || digit(c)),
  isspace: table((c) => c === 0x20 || (c >= 0x09 && c <= 0x0d)),
  iseoln: table((c) => c === 0x0a || c === 0x0d),
  iscntrl: table((c) => c < 0x20 || c === 0x7f),
  isgraph: table(graph),
  isprint: table((c) => c >= 0x20 && c <= 0x7e),
  ispunct: table((c) => graph(c) && !upper(c) && !lower(c) && !digit(c)),
  isxdigit: table((c) => digit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)),
  isascii: table((c) => c < 0x80),
  isuri: table((c) => upper(c) || lower(c) || digit(c) || URI_EXTRA.has(c)),
};

/** 1 if s is non-empty and every byte is in the class. */
export function allInClass(t: Uint8Array, s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) if (t[s.charCodeAt(i)] === 0) return 0;
  return 1;
}
