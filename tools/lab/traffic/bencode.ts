// Just enough bencoding (BEP 3) to read a .torrent made by mktorrent: decode values, and find the
// exact bytes of the `info` dictionary, whose SHA-1 is the torrent's info hash (what the tracker
// whitelist and magnet links name).
import { createHash } from 'node:crypto';

export type BValue = number | Uint8Array | BValue[] | Map<string, BValue>;

export class BencodeError extends Error {
  override name = 'BencodeError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`bencode: ${message} at byte ${offset}`);
  }
}

const D = 0x64; // 'd'
const L = 0x6c; // 'l'
const I = 0x69; // 'i'
const E = 0x65; // 'e'
const COLON = 0x3a;

interface Span {
  start: number;
  end: number;
}

/**
 * Decodes the value at `buf[pos]`. `spans` collects where each top-level dictionary key's value
 * lies (only at depth 1), which is how the info dictionary's bytes are found.
 */
function decodeAt(
  buf: Uint8Array,
  pos: number,
  depth: number,
  spans: Map<string, Span> | null,
): [BValue, number] {
  if (pos >= buf.length) throw new BencodeError('unexpected end', pos);
  const c = buf[pos];
  if (c === I) {
    const end = buf.indexOf(E, pos + 1);
    if (end < 0) throw new BencodeError('unterminated integer', pos);
    const text = Buffer.from(buf.subarray(pos + 1, end)).toString('latin1');
    if (!/^(0|-?[1-9]\d*)$/.test(text)) throw new BencodeError(`bad integer '${text}'`, pos);
    return [Number(text), end + 1];
  }
  if (c === L) {
    const list: BValue[] = [];
    let p = pos + 1;
    while (buf[p] !== E) {
      if (p >= buf.length) throw new BencodeError('unterminated list', pos);
      const [v, next] = decodeAt(buf, p, depth + 1, null);
      list.push(v);
      p = next;
    }
    return [list, p + 1];
  }
  if (c === D) {
    const dict = new Map<string, BValue>();
    let p = pos + 1;
    while (buf[p] !== E) {
      if (p >= buf.length) throw new BencodeError('unterminated dictionary', pos);
      const [k, afterKey] = decodeAt(buf, p, depth + 1, null);
      if (!(k instanceof Uint8Array)) throw new BencodeError('dictionary key is not a string', p);
      const [v, next] = decodeAt(buf, afterKey, depth + 1, null);
      const key = Buffer.from(k).toString('latin1');
      dict.set(key, v);
      if (depth === 0 && spans) spans.set(key, { start: afterKey, end: next });
      p = next;
    }
    return [dict, p + 1];
  }
  if (c >= 0x30 && c <= 0x39) {
    const colon = buf.indexOf(COLON, pos);
    if (colon < 0) throw new BencodeError('string without length', pos);
    const len = Number(Buffer.from(buf.subarray(pos, colon)).toString('latin1'));
    if (!Number.isSafeInteger(len) || colon + 1 + len > buf.length)
      throw new BencodeError(`string length ${len} past the end`, pos);
    return [buf.subarray(colon + 1, colon + 1 + len), colon + 1 + len];
  }
  throw new BencodeError(`unexpected byte 0x${c.toString(16)}`, pos);
}

export function decode(buf: Uint8Array): BValue {
  const [v, end] = decodeAt(buf, 0, 0, null);
  if (end !== buf.length) throw new BencodeError('trailing bytes', end);
  return v;
}

/** SHA-1 (hex) of the info dictionary of a .torrent file's bytes. */
export function infoHash(torrent: Uint8Array): string {
  const spans = new Map<string, Span>();
  const [top, end] = decodeAt(torrent, 0, 0, spans);
  if (end !== torrent.length) throw new BencodeError('trailing bytes', end);
  const span = spans.get('info');
  if (!(top instanceof Map) || !span || !(top.get('info') instanceof Map))
    throw new BencodeError('no info dictionary', 0);
  return createHash('sha1').update(torrent.subarray(span.start, span.end)).digest('hex');
}
