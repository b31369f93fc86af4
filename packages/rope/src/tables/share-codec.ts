// How rope run --share writes table entries into Redis and announces changes to other engines.
//
// State: one Redis string per live key, `p2pwall:<table>:<hex of the key bytes>`, holding
// `{"v":value,"n":note,"o":origin}` and expiring (PEXPIRE) when the entry does, so Redis itself
// forgets what every engine would forget and an engine that (re)connects reads the fleet's
// current tables with one SCAN. Hex because keys are arbitrary bytes and table names never hold
// `:`. Changes: one pub/sub message per change on `p2pwall:changes:<db>` (pub/sub is not scoped by
// database, so the database number keeps two fleets on one server apart), carrying the remaining
// lifetime in milliseconds rather than an absolute expiry, so that clocks that differ between
// gateways do not shift lifetimes. A message lost while a subscriber is away costs nothing: the
// keys are the truth and are read again on reconnect (see redis-share.ts).
import type { TableChange } from './shared-table.js';

export const SHARE_PREFIX = 'p2pwall:';

export function shareChannel(db: number): string {
  return `${SHARE_PREFIX}changes:${db}`;
}

/** The SCAN pattern of every shared key. */
export const SHARE_KEY_PATTERN = `${SHARE_PREFIX}t:*`;

export function shareKey(table: string, key: string): string {
  return `${SHARE_PREFIX}t:${table}:${Buffer.from(key, 'latin1').toString('hex')}`;
}

/** The table and key a Redis key names, or null for a key that is not one of ours. */
export function parseShareKey(redisKey: string): { table: string; key: string } | null {
  const head = `${SHARE_PREFIX}t:`;
  if (!redisKey.startsWith(head)) return null;
  const rest = redisKey.slice(head.length);
  const colon = rest.lastIndexOf(':');
  if (colon <= 0) return null;
  const hex = rest.slice(colon + 1);
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return null;
  return { table: rest.slice(0, colon), key: Buffer.from(hex, 'hex').toString('latin1') };
}

/** The value stored under a shared key. */
export interface StoredEntry {
  value: number;
  note: string;
  origin: string;
}

export function encodeStored(e: StoredEntry): string {
  return JSON.stringify({ v: e.value, n: e.note, o: e.origin });
}

export function decodeStored(text: string): StoredEntry | null {
  try {
    const j = JSON.parse(text) as { v?: unknown; n?: unknown; o?: unknown };
    if (typeof j.v !== 'number' || typeof j.n !== 'string' || typeof j.o !== 'string') return null;
    return { value: j.v, note: j.n, origin: j.o };
  } catch {
    return null;
  }
}

/** One change as published: `ms` is the remaining lifetime, 0 for a delete. */
export interface ShareMessage {
  origin: string;
  table: string;
  /** The key's bytes, hex. */
  key: string;
  ms: number;
  value: number;
  note: string;
}

/** The remaining lifetime of `c` at `now` (seconds), in whole milliseconds; 0: deleted/expired. */
export function remainingMs(c: TableChange, now: number): number {
  if (c.expires === 0) return 0;
  return Math.max(0, Math.round((c.expires - now) * 1000));
}

export function encodeMessage(c: TableChange, origin: string, now: number): string {
  const m: ShareMessage = {
    origin,
    table: c.table,
    key: Buffer.from(c.key, 'latin1').toString('hex'),
    ms: remainingMs(c, now),
    value: c.value,
    note: c.note,
  };
  return JSON.stringify(m);
}

export function decodeMessage(text: string): ShareMessage | null {
  try {
    const m = JSON.parse(text) as Partial<ShareMessage>;
    if (
      typeof m.origin !== 'string' ||
      typeof m.table !== 'string' ||
      typeof m.key !== 'string' ||
      typeof m.ms !== 'number' ||
      typeof m.value !== 'number' ||
      typeof m.note !== 'string' ||
      m.key.length % 2 !== 0 ||
      !/^[0-9a-f]*$/.test(m.key)
    )
      return null;
    return m as ShareMessage;
  } catch {
    return null;
  }
}

/** The change a message describes, as seen at `now` (seconds). */
export function messageChange(m: ShareMessage, now: number): TableChange {
  return {
    table: m.table,
    key: Buffer.from(m.key, 'hex').toString('latin1'),
    expires: m.ms > 0 ? now + m.ms / 1000 : 0,
    value: m.value,
    note: m.note,
  };
}
