// The table's rows: one per conntrack entry the view knows, kept in step with the kernel's
// snapshots and events, and the order they are shown in.
//
// Order (stable while connections live, so rows do not jump as their state changes): IPv4 before
// IPv6; then the initiator's address, numerically; then the address and port the initiator
// connected to; then the initiator's port; then protocol. A new connection slots in where it
// belongs; with `cutter 192.0.2.10` that groups the host's connections by the service they reach.
import type { ConntrackEventType } from '@p2pwall/core/netlink';
import { addressOrder, type Connection } from '../../find/connection.js';
import { matchesFilter } from '../../find/filter.js';
import type { CutMethod, CutOutcome } from '../../cut/result.js';
import type { SnapshotReason } from '../ports.js';
import type { ViewFilter } from './view-filter.js';

/** What the view knows about a cut of this row. */
export type RowResult =
  | { kind: 'cutting'; run: number }
  | { kind: CutOutcome; ms: number; reason: string; method?: CutMethod };

export interface Row {
  key: string;
  connection: Connection;
  sortKey: string;
  /** When the connection began (ms since the epoch) — or, when not `sinceExact`, when this view first saw it. */
  since: number;
  /** `since` is the connection's real start (conntrack timestamps on, or it appeared while watching). */
  sinceExact: boolean;
  /** When the row was last reported (by a dump or an event): counts the timeout down, orders dumps and events. */
  reportedAt: number;
  /** The kernel removed the entry; kept on screen only to show its cut result. */
  gone: boolean;
  result?: RowResult;
}

export interface RowEvent {
  type: ConntrackEventType;
  connection: Connection;
}

function sortKeyOf(c: Connection): string {
  const port = (p: number) => String(p).padStart(5, '0');
  return [
    c.family,
    addressOrder(c.initiator.address),
    addressOrder(c.responder.seenAs.address),
    port(c.responder.seenAs.port),
    port(c.initiator.port),
    String(c.protoNum).padStart(3, '0'),
    c.key,
  ].join('|');
}

function startOf(c: Connection): number | null {
  const ts = c.entry.timestamp?.start;
  return ts !== undefined && ts > 0n ? Number(ts / 1_000_000n) : null;
}

function makeRow(c: Connection, now: number, prev: Row | undefined, appeared: boolean): Row {
  const start = startOf(c);
  const since = start ?? prev?.since ?? now;
  return {
    key: c.key,
    connection: c,
    sortKey: prev?.sortKey ?? sortKeyOf(c),
    since,
    sinceExact: start !== null || (prev ? prev.sinceExact : appeared),
    reportedAt: now,
    gone: false,
    ...(prev?.result ? { result: prev.result } : {}),
  };
}

/**
 * A dump replaces the table. The first one and a refresh replace it outright; a periodic or
 * overrun re-dump keeps rows the view heard of after the dump began (`takenAt`) as they are, and
 * rows that carry a cut result (marked gone when the dump no longer has them).
 */
export function applySnapshot(
  rows: ReadonlyMap<string, Row>,
  connections: readonly Connection[],
  now: number,
  reason: SnapshotReason,
  takenAt = now,
): Map<string, Row> {
  const out = new Map<string, Row>();
  const merge = reason === 'poll' || reason === 'overrun';
  for (const c of connections) {
    const prev = rows.get(c.key);
    out.set(
      c.key,
      merge && prev && prev.reportedAt > takenAt ? prev : makeRow(c, now, prev, false),
    );
  }
  if (merge) {
    for (const [k, r] of rows) {
      if (out.has(k)) continue;
      if (r.reportedAt > takenAt) out.set(k, r);
      else if (r.result) out.set(k, r.gone ? r : { ...r, gone: true, reportedAt: now });
    }
  }
  return out;
}

/** Applies events in kernel order. A destroyed row without a cut result leaves the table. */
export function applyEvents(
  rows: ReadonlyMap<string, Row>,
  events: readonly RowEvent[],
  now: number,
): Map<string, Row> {
  const out = new Map(rows);
  for (const ev of events) {
    const key = ev.connection.key;
    const prev = out.get(key);
    if (ev.type === 'destroy') {
      if (!prev) continue;
      if (prev.result) out.set(key, { ...prev, gone: true, reportedAt: now });
      else out.delete(key);
    } else {
      out.set(key, makeRow(ev.connection, now, prev, ev.type === 'new'));
    }
  }
  return out;
}

const bySortKey = (a: Row, b: Row) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0);

/** The rows the table shows, in display order. */
export function visibleRows(rows: ReadonlyMap<string, Row>, view: ViewFilter | null): Row[] {
  const out: Row[] = [];
  for (const r of rows.values()) if (!view || matchesFilter(r.connection, view.filter)) out.push(r);
  return out.sort(bySortKey);
}

/**
 * The shown rows after the table changed under the same filter, without sorting it all again: a
 * row's place depends only on its tuple, which an entry never changes, so rows keep their order
 * and only the rows that came (or now match) are sorted and merged in. `changed` names the keys
 * that may differ; without it the whole table is compared with what was shown.
 */
export function updateVisible(
  previous: readonly Row[],
  rows: ReadonlyMap<string, Row>,
  view: ViewFilter | null,
  changed?: ReadonlySet<string>,
): Row[] {
  const passes = (r: Row) => !view || matchesFilter(r.connection, view.filter);
  const kept: Row[] = [];
  const added: Row[] = [];
  if (changed) {
    for (const r of previous) if (!changed.has(r.key)) kept.push(r);
    for (const k of changed) {
      const r = rows.get(k);
      if (r && passes(r)) added.push(r);
    }
  } else {
    const before = new Set<string>();
    for (const r of previous) {
      before.add(r.key);
      const now = rows.get(r.key);
      if (now && (now === r || passes(now))) kept.push(now);
    }
    for (const r of rows.values()) if (!before.has(r.key) && passes(r)) added.push(r);
  }
  if (added.length === 0) return kept;
  added.sort(bySortKey);
  const out: Row[] = new Array(kept.length + added.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < kept.length && j < added.length)
    out[n++] = bySortKey(kept[i], added[j]) <= 0 ? kept[i++] : added[j++];
  while (i < kept.length) out[n++] = kept[i++];
  while (j < added.length) out[n++] = added[j++];
  return out;
}
