// CTA_COUNTERS_ORIG / _REPLY (packets and bytes, u64 big-endian; only with
// net.netfilter.nf_conntrack_acct=1) and CTA_TIMESTAMP (start/stop, u64 big-endian ns since the
// epoch; only with net.netfilter.nf_conntrack_timestamp=1).
import { AttrTable } from '../attr.js';
import type { NlWriter } from '../writer.js';
import {
  CTA_COUNTERS32_BYTES,
  CTA_COUNTERS32_PACKETS,
  CTA_COUNTERS_BYTES,
  CTA_COUNTERS_MAX,
  CTA_COUNTERS_PACKETS,
  CTA_TIMESTAMP_MAX,
  CTA_TIMESTAMP_START,
  CTA_TIMESTAMP_STOP,
} from './constants.js';

export interface Counters {
  packets: bigint;
  bytes: bigint;
}

export interface Timestamp {
  /** Nanoseconds since the epoch. */
  start: bigint;
  /** Set once the entry died (destroy events). */
  stop?: bigint;
}

const countersTable = new AttrTable(CTA_COUNTERS_MAX);
const timestampTable = new AttrTable(CTA_TIMESTAMP_MAX);

export function decodeCounters(b: Uint8Array, start: number, end: number): Counters {
  const t = countersTable.parseOrThrow(b, start, end);
  // the 32-bit pair is what very old kernels sent
  const packets = t.has(CTA_COUNTERS_PACKETS)
    ? t.be64(CTA_COUNTERS_PACKETS)
    : BigInt(t.be32(CTA_COUNTERS32_PACKETS));
  const bytes = t.has(CTA_COUNTERS_BYTES)
    ? t.be64(CTA_COUNTERS_BYTES)
    : BigInt(t.be32(CTA_COUNTERS32_BYTES));
  return { packets, bytes };
}

export function encodeCounters(w: NlWriter, type: number, c: Counters): void {
  const nest = w.nestStart(type);
  w.be64(CTA_COUNTERS_PACKETS, c.packets);
  w.be64(CTA_COUNTERS_BYTES, c.bytes);
  w.nestEnd(nest);
}

export function decodeTimestamp(b: Uint8Array, start: number, end: number): Timestamp {
  const t = timestampTable.parseOrThrow(b, start, end);
  const ts: Timestamp = { start: t.be64(CTA_TIMESTAMP_START) };
  if (t.has(CTA_TIMESTAMP_STOP)) ts.stop = t.be64(CTA_TIMESTAMP_STOP);
  return ts;
}

export function encodeTimestamp(w: NlWriter, type: number, ts: Timestamp): void {
  const nest = w.nestStart(type);
  w.be64(CTA_TIMESTAMP_START, ts.start);
  if (ts.stop !== undefined) w.be64(CTA_TIMESTAMP_STOP, ts.stop);
  w.nestEnd(nest);
}
