// One set element as an NFTA_LIST_ELEM nest of a NFT_MSG_{NEW,DEL,DESTROY}SETELEM request, and
// one element of a NFT_MSG_GETSETELEM dump. Encode and decode side by side.
//
//   NFTA_LIST_ELEM {
//     NFTA_SET_ELEM_TIMEOUT     be64 ms        (adds with a timeout only)
//     NFTA_SET_ELEM_KEY         { NFTA_DATA_VALUE  key bytes (see key-types.ts) }
//   }
// Dumps add NFTA_SET_ELEM_EXPIRATION (be64 ms left), NFTA_SET_ELEM_FLAGS (be32) and userdata.
import { AttrTable } from '../attr.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import type { NlWriter } from '../writer.js';
import {
  NFTA_DATA_MAX,
  NFTA_DATA_VALUE,
  NFTA_LIST_ELEM,
  NFTA_SET_ELEM_EXPIRATION,
  NFTA_SET_ELEM_FLAGS,
  NFTA_SET_ELEM_KEY,
  NFTA_SET_ELEM_MAX,
  NFTA_SET_ELEM_TIMEOUT,
} from './constants.js';
import { decodeNftKey, encodeNftKey, type NftElementKey, type NftKeyType } from './key-types.js';

/** An element to add: its key and, for sets with `flags timeout`, its own timeout. */
export interface NftElement extends NftElementKey {
  /**
   * NFTA_SET_ELEM_TIMEOUT in milliseconds (the kernel counts in jiffies, so it rounds to its
   * tick). Left out: the set's default timeout, or none. 0: never expires.
   */
  timeoutMs?: number;
}

/** An element as a dump shows it. */
export interface NftListedElement extends NftElementKey {
  /** The element's timeout (ms), when it has one. */
  timeoutMs?: number;
  /** Milliseconds until it expires (NFTA_SET_ELEM_EXPIRATION), when it has a timeout. */
  expiresMs?: number;
  /** NFTA_SET_ELEM_FLAGS (NFT_SET_ELEM_*), when not 0. */
  flags?: number;
}

/** Bytes one element nest takes: list nest, optional timeout, key nest with its value. */
export function nftElementSize(type: NftKeyType, withTimeout: boolean): number {
  return 4 + (withTimeout ? 12 : 0) + 4 + 4 + type.length;
}

/** Why `ms` cannot be a timeout, or null. */
export function checkTimeoutMs(ms: number): string | null {
  return Number.isSafeInteger(ms) && ms >= 0
    ? null
    : `timeout ${ms} ms is not a whole number of milliseconds from 0`;
}

/**
 * Appends one element nest. `scratch` (at least type.length bytes) holds the key while it is
 * checked, so a key that does not fit writes nothing. Returns null, or why the element is invalid.
 */
export function writeNftElement(
  w: NlWriter,
  type: NftKeyType,
  e: NftElement,
  withTimeout: boolean,
  scratch: Uint8Array,
): string | null {
  const fault = encodeNftKey(type, e, scratch, 0);
  if (fault) return fault;
  if (withTimeout && e.timeoutMs !== undefined) {
    const t = checkTimeoutMs(e.timeoutMs);
    if (t) return t;
  }
  const elem = w.nestStart(NFTA_LIST_ELEM);
  if (withTimeout && e.timeoutMs !== undefined) w.be64(NFTA_SET_ELEM_TIMEOUT, BigInt(e.timeoutMs));
  const key = w.nestStart(NFTA_SET_ELEM_KEY);
  w.bytes(NFTA_DATA_VALUE, scratch.subarray(0, type.length));
  w.nestEnd(key);
  w.nestEnd(elem);
  return null;
}

const elemTable = new AttrTable(NFTA_SET_ELEM_MAX);
const dataTable = new AttrTable(NFTA_DATA_MAX);

/**
 * Decodes the element nest payload `b[start, end)` of a set keyed by `type`. Returns null for an
 * element without a key (the catch-all element, NFT_SET_ELEM_CATCHALL). Throws
 * NetlinkDecodeError when the key does not have the type's length.
 */
export function decodeNftElement(
  b: Uint8Array,
  start: number,
  end: number,
  type: NftKeyType,
): NftListedElement | null {
  const t = elemTable.parseOrThrow(b, start, end);
  const flags = t.be32(NFTA_SET_ELEM_FLAGS);
  const timeout = t.has(NFTA_SET_ELEM_TIMEOUT) ? t.be64(NFTA_SET_ELEM_TIMEOUT) : undefined;
  const expiration = t.has(NFTA_SET_ELEM_EXPIRATION) ? t.be64(NFTA_SET_ELEM_EXPIRATION) : undefined;
  if (!t.nested(NFTA_SET_ELEM_KEY, dataTable)) return null;
  const len = dataTable.length(NFTA_DATA_VALUE);
  if (len !== type.length)
    throw new NetlinkDecodeError(
      malformedAt(dataTable.offset(NFTA_DATA_VALUE), {
        kind: 'bad-length',
        what: `set element key (${type.name})`,
        length: len,
        expected: String(type.length),
      }),
    );
  const out: NftListedElement = decodeNftKey(type, b, dataTable.offset(NFTA_DATA_VALUE));
  if (timeout !== undefined) out.timeoutMs = Number(timeout);
  if (expiration !== undefined) out.expiresMs = Number(expiration);
  if (flags !== 0) out.flags = flags;
  return out;
}
