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

/** The JSON shape of one connection (the --json line without the result fields). */
export function connectionJson(c: Connection): Record<string, unknown> {
  const t = (x: Connection['entry']['orig']) => ({
    src: x.src,
    dst: x.dst,
    ...(x.srcPort !== undefined ? { sport: x.srcPort } : {}),
    ...(x.dstPort !== undefined ? { dport: x.dstPort } : {}),
  });
  const e = c.entry;
  return {
    proto: c.proto,
    family: c.family,
    ...(c.state ? { state: c.state } : {}),
    original: t(e.orig),
    reply: t(e.reply),
    nat: c.nat,
    mark: c.mark,
    zone: c.zone,
    ...(c.id !== undefined ? { id: c.id } : {}),
    ...(e.timeout !== undefined ? { timeout: e.timeout } : {}),
    status: statusFlags(e.status ?? 0),
    local: c.local ?? null,
    ...(e.countersOrig && e.countersReply
      ? {
          counters: {
            original: {
              packets: Number(e.countersOrig.packets),
              bytes: Number(e.countersOrig.bytes),
            },
            reply: {
              packets: Number(e.countersReply.packets),
              bytes: Number(e.countersReply.bytes),
            },
          },
        }
      : {}),
  };
}

export function resultJson(r: CutResult): Record<string, unknown> {
  return {
    ...connectionJson(r.connection),
    result: r.result,
    reason: r.reason,
    ms: Math.round(r.ms * 100) / 100,
    ...(r.method ? { method: r.method } : {}),
    ...(r.conntrackDeleted !== undefined ? { conntrackDeleted: r.conntrackDeleted } : {}),
    ...(r.initiator ? { initiator: r.initiator } : {}),
    ...(r.responder ? { responder: r.responder } : {}),
    ...(r.blockedUntil ? { blockedUntil: new Date(r.blockedUntil).toISOString() } : {}),
  };
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
