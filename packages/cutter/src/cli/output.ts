// What cutter prints: one line per connection in text, or one JSON object per line with --json.
import { statusFlags } from '@p2pwall/core/netlink';
import { describeConnection, type Connection } from '../find/connection.js';
import type { CutResult } from '../cut/result.js';

/**
 * The version of cutter's --json lines: raised when a field changes meaning or goes away, not when
 * one is added. docs/json.md describes every field.
 */
export const JSON_SCHEMA = 1;

/** One --json line: the schema version and the time it was written, then the record. */
export function jsonLine(record: Record<string, unknown>, now = new Date()): string {
  return JSON.stringify({ schema: JSON_SCHEMA, time: now.toISOString(), ...record });
}

/** A --json line that is not about one connection: `event` first, as rope run's lines. */
export function jsonEventLine(
  event: string,
  record: Record<string, unknown>,
  now = new Date(),
): string {
  return JSON.stringify({ event, schema: JSON_SCHEMA, time: now.toISOString(), ...record });
}

type Json = Record<string, unknown>;

// The objects below are built by assigning their fields in the documented order (docs/json.md),
// not by spreading conditional objects into one another: a thousand result lines, as a cut of a
// thousand connections prints them at its end, took ~44 ms to build that way, 25–30 ms now (a
// fresh process). output-json.test.ts holds the bytes to the spread-built shape.

function tupleJson(x: Connection['entry']['orig']): Json {
  const o: Json = { src: x.src, dst: x.dst };
  if (x.srcPort !== undefined) o.sport = x.srcPort;
  if (x.dstPort !== undefined) o.dport = x.dstPort;
  return o;
}

/** Adds the fields of connection `c` to `o`, in order; returns `o`. */
function putConnection(o: Json, c: Connection): Json {
  const e = c.entry;
  o.proto = c.proto;
  o.family = c.family;
  if (c.state) o.state = c.state;
  o.original = tupleJson(e.orig);
  o.reply = tupleJson(e.reply);
  o.nat = c.nat;
  o.mark = c.mark;
  o.zone = c.zone;
  if (c.id !== undefined) o.id = c.id;
  if (e.timeout !== undefined) o.timeout = e.timeout;
  o.status = statusFlags(e.status ?? 0);
  o.local = c.local ?? null;
  if (e.countersOrig && e.countersReply)
    o.counters = {
      original: { packets: Number(e.countersOrig.packets), bytes: Number(e.countersOrig.bytes) },
      reply: { packets: Number(e.countersReply.packets), bytes: Number(e.countersReply.bytes) },
    };
  return o;
}

/** Adds the result fields of `r` (after its connection's) to `o`, in order; returns `o`. */
function putResult(o: Json, r: CutResult): Json {
  o.result = r.result;
  o.reason = r.reason;
  o.ms = Math.round(r.ms * 100) / 100;
  if (r.method) o.method = r.method;
  if (r.conntrackDeleted !== undefined) o.conntrackDeleted = r.conntrackDeleted;
  if (r.initiator) o.initiator = r.initiator;
  if (r.responder) o.responder = r.responder;
  if (r.blockedUntil) o.blockedUntil = new Date(r.blockedUntil).toISOString();
  return o;
}

/** The JSON shape of one connection (the --json line without the result fields). */
export function connectionJson(c: Connection): Json {
  return putConnection({}, c);
}

export function resultJson(r: CutResult): Json {
  return putResult(putConnection({}, r.connection), r);
}

export function resultLine(r: CutResult): string {
  const what = describeConnection(r.connection);
  if (r.result === 'cut')
    return `cut      ${what}  in ${r.ms.toFixed(1)} ms${r.reason ? ` (${r.reason})` : ''}`;
  return `${r.result.padEnd(8)} ${what}: ${r.reason}`;
}

/** How many results of each outcome. */
export function outcomeCounts(results: readonly CutResult[]): Record<CutResult['result'], number> {
  const counts = { cut: 0, failed: 0, skipped: 0, closing: 0 };
  for (const r of results) counts[r.result]++;
  return counts;
}

/** Whether a result gets its own line: the closing ones only when asked (--show-closing). */
export function isListed(r: CutResult, showClosing: boolean): boolean {
  return showClosing || r.result !== 'closing';
}

export function summaryLine(results: readonly CutResult[]): string {
  const n = outcomeCounts(results);
  const closing = n.closing > 0 ? `, ${n.closing} already closing, left alone` : '';
  return `${n.cut} cut, ${n.failed} failed, ${n.skipped} skipped${closing}`;
}

/** The --json summary line (event "summary"): written once, after every result line. */
export function summaryJsonLine(results: readonly CutResult[], now = new Date()): string {
  return jsonEventLine('summary', outcomeCounts(results), now);
}
