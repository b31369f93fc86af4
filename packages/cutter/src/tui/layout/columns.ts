// The table's columns: what each shows, how narrow it may get, and which go first when the
// terminal is narrow. Optional columns with nothing to show (no NAT, all marks 0, accounting off)
// are left out. Widths come from the rows on screen and only grow during a session (per filter),
// so columns do not jump as the view scrolls.
import { IPPROTO_TCP } from '@p2pwall/core';
import type { Tone } from '@p2pwall/tui';
import { formatEndpoint, hasPorts, type Connection } from '../../find/connection.js';
import { formatBytes, formatCount, formatDuration, formatMs } from '../format.js';
import type { Row } from '../state/rows.js';

export type ColumnId =
  | 'proto'
  | 'state'
  | 'initiator'
  | 'responder'
  | 'nat'
  | 'mark'
  | 'age'
  | 'timeout'
  | 'bytes'
  | 'packets'
  | 'result';

export interface ColumnSpec {
  id: ColumnId;
  title: string;
  /** Lower numbers are placed first and dropped last. */
  priority: number;
  /** Always shown (cut short instead of dropped). */
  keep?: boolean;
  /**
   * Columns that may be cut short (endpoints, the result) give a minimum and the width they are
   * comfortable at; the others are shown whole or not at all — "ESTA~" or "SNAT 1~:61000" helps
   * nobody.
   */
  shrink?: { min: number; comfortable: number };
  /** Keep the comfortable width even while empty (results arrive later; the layout should not jump). */
  reserve?: boolean;
  align: 'left' | 'right';
  /** Where a long value is cut: endpoints keep their port, text keeps its start. */
  cut: 'end' | 'middle';
  /** Present only when some row has something to show in it. */
  optional: boolean;
}

function endpointColumn(id: 'initiator' | 'responder', title: string): ColumnSpec {
  return {
    id,
    title,
    priority: 0,
    keep: true,
    // "255.255.255.255:65535" is 21 wide
    shrink: { min: 15, comfortable: 21 },
    align: 'left',
    cut: 'middle',
    optional: false,
  };
}

/**
 * In display order. Placed in priority order — endpoints, state, result, age, protocol, NAT (the
 * detail line shows the cursor row's NAT in full anyway), bytes, mark, timeout, packets — and
 * dropped in the reverse order when the terminal is narrow; endpoints and result always stay.
 */
export const COLUMNS: readonly ColumnSpec[] = [
  { id: 'proto', title: 'PROTO', priority: 4, align: 'left', cut: 'end', optional: false },
  { id: 'state', title: 'STATE', priority: 1, align: 'left', cut: 'end', optional: false },
  endpointColumn('initiator', 'INITIATOR'),
  endpointColumn('responder', 'RESPONDER'),
  { id: 'nat', title: 'NAT', priority: 5, align: 'left', cut: 'middle', optional: true },
  { id: 'mark', title: 'MARK', priority: 7, align: 'right', cut: 'end', optional: true },
  { id: 'age', title: 'AGE', priority: 3, align: 'right', cut: 'end', optional: false },
  { id: 'timeout', title: 'TIMEOUT', priority: 8, align: 'right', cut: 'end', optional: true },
  { id: 'bytes', title: 'BYTES', priority: 6, align: 'right', cut: 'end', optional: true },
  { id: 'packets', title: 'PKTS', priority: 9, align: 'right', cut: 'end', optional: true },
  // "cut in 12.3 ms" is 14 wide
  {
    id: 'result',
    title: 'RESULT',
    priority: 2,
    keep: true,
    shrink: { min: 10, comfortable: 16 },
    reserve: true,
    align: 'left',
    cut: 'end',
    optional: false,
  },
];

/** Width of the cursor/selection marker column plus its gap: ">* ". */
export const MARKER_WIDTH = 3;
/** Space between columns. */
export const GAP = 1;

export interface Cell {
  text: string;
  tone?: Tone;
}

function natText(c: Connection): string {
  const parts: string[] = [];
  if (c.nat.snat)
    parts.push(`SNAT ${formatEndpoint(c.initiator.seenAs.address, c.initiator.seenAs.port)}`);
  if (c.nat.dnat) parts.push(`DNAT ${formatEndpoint(c.responder.address, c.responder.port)}`);
  return parts.join(' ');
}

function endpointText(address: string, port: number, proto: number): string {
  // ICMP and other portless protocols show the bare address
  return hasPorts(proto) ? formatEndpoint(address, port) : address;
}

/** A note for rows not yet cut: why a cut may not work as on a forwarded TCP flow. */
function noteOf(c: Connection): Cell | null {
  if (c.uncuttable) return { text: `cannot cut: ${c.uncuttable}`, tone: 'warn' };
  if (c.protoNum !== IPPROTO_TCP) return { text: `${c.proto}: no reset possible`, tone: 'muted' };
  if (c.local) return { text: `ends on this host (${c.local})`, tone: 'muted' };
  return null;
}

export function resultCell(r: Row, spinner: string): Cell {
  const res = r.result;
  if (!res) return noteOf(r.connection) ?? { text: '' };
  switch (res.kind) {
    case 'cutting':
      return { text: `${spinner} cutting`, tone: 'busy' };
    case 'cut':
      return { text: `cut in ${formatMs(res.ms)}`, tone: 'ok' };
    case 'failed':
      return { text: `FAILED: ${res.reason}`, tone: 'bad' };
    case 'skipped':
      return { text: `skipped: ${res.reason}`, tone: 'warn' };
    case 'closing':
      // the reason says it: "already closing (TIME_WAIT)"
      return { text: res.reason, tone: 'muted' };
  }
}

/** The text of one cell. `now` drives the age and the countdown of the timeout. */
export function cellOf(id: ColumnId, r: Row, now: number, spinner: string): Cell {
  const c = r.connection;
  const e = c.entry;
  switch (id) {
    case 'proto':
      return { text: c.family === 6 ? `${c.proto}6` : c.proto };
    case 'state':
      if (r.gone) return { text: 'gone', tone: 'muted' };
      return {
        text: c.state ?? (c.protoNum === IPPROTO_TCP ? '?' : '-'),
        tone: c.state && c.state !== 'ESTABLISHED' ? 'muted' : undefined,
      };
    case 'initiator':
      return { text: endpointText(c.initiator.address, c.initiator.port, c.protoNum) };
    case 'responder':
      return {
        text: endpointText(c.responder.seenAs.address, c.responder.seenAs.port, c.protoNum),
      };
    case 'nat':
      return { text: natText(c), tone: 'muted' };
    case 'mark':
      return { text: c.mark ? `0x${c.mark.toString(16)}` : '' };
    case 'age':
      // without conntrack timestamps the start of a connection older than the view is unknown
      return {
        text: `${r.sinceExact ? '' : '>'}${formatDuration(now - r.since, false)}`,
        tone: r.sinceExact ? undefined : 'muted',
      };
    case 'timeout':
      if (e.timeout === undefined || r.gone) return { text: '' };
      return { text: formatDuration(Math.max(0, e.timeout * 1000 - (now - r.reportedAt)), false) };
    case 'bytes':
      return e.countersOrig && e.countersReply
        ? { text: formatBytes(Number(e.countersOrig.bytes + e.countersReply.bytes)) }
        : { text: '' };
    case 'packets':
      return e.countersOrig && e.countersReply
        ? { text: formatCount(Number(e.countersOrig.packets + e.countersReply.packets)) }
        : { text: '' };
    case 'result':
      return resultCell(r, spinner);
  }
}

export interface FittedColumn {
  spec: ColumnSpec;
  width: number;
}

export type ColumnWidths = ReadonlyMap<ColumnId, number>;

/**
 * The width each column wants for `rows`: its widest value (at least its title and `floor`).
 * Optional columns with nothing to show are absent. The view measures the rows on screen and
 * keeps the widest seen as the floor, so scrolling does not make columns jump and a table of
 * 100 000 rows is not measured row by row.
 */
export function measureColumns(
  rows: readonly Row[],
  now: number,
  floor?: ColumnWidths,
): Map<ColumnId, number> {
  const ideal = new Map<ColumnId, number>();
  for (const spec of COLUMNS) {
    let w = spec.title.length;
    let any = floor?.has(spec.id) ?? false;
    if (floor?.has(spec.id)) w = Math.max(w, floor.get(spec.id)!);
    for (const r of rows) {
      // "cutting" and its spinner are as wide as the widest spinner frame
      const t = cellOf(spec.id, r, now, '-').text;
      if (t.length > 0) any = true;
      if (t.length > w) w = t.length;
    }
    if (spec.optional && !any) continue;
    ideal.set(spec.id, spec.reserve && spec.shrink ? Math.max(w, spec.shrink.comfortable) : w);
  }
  return ideal;
}

/** Columns and widths for every row in `rows` (see layoutColumns). */
export function fitColumns(rows: readonly Row[], width: number, now: number): FittedColumn[] {
  return layoutColumns(measureColumns(rows, now), width);
}

/**
 * Chooses columns and widths for `width` terminal columns from what each wants (`ideal`);
 * endpoints and result may be cut short. Columns are taken in priority order as long as they fit
 * at a comfortable width; spare room then lets the endpoints grow to their full width, and the
 * result column takes what is left.
 */
export function layoutColumns(ideal: ColumnWidths, width: number): FittedColumn[] {
  const idealOf = (c: ColumnSpec) => ideal.get(c.id)!;
  const minOf = (c: ColumnSpec) => (c.shrink ? Math.min(c.shrink.min, idealOf(c)) : idealOf(c));
  const comfortableOf = (c: ColumnSpec) =>
    c.shrink ? Math.min(c.shrink.comfortable, idealOf(c)) : idealOf(c);
  const room = width - MARKER_WIDTH;
  const need = (list: readonly ColumnSpec[], f: (c: ColumnSpec) => number) =>
    list.reduce((n, c) => n + f(c), 0) + GAP * Math.max(0, list.length - 1);
  // Take columns in priority order while each fits at a comfortable width next to those already
  // taken, leaving the minimum for the columns that must still come; a wide one that does not fit
  // leaves room for narrower ones after it.
  const order = COLUMNS.filter((x) => ideal.has(x.id)).sort((a, b) => a.priority - b.priority);
  const chosen: ColumnSpec[] = [];
  for (const [i, c] of order.entries()) {
    const mustCome = order.slice(i + 1).filter((x) => x.keep);
    const width =
      chosen.reduce((n, x) => n + comfortableOf(x), 0) +
      comfortableOf(c) +
      mustCome.reduce((n, x) => n + minOf(x), 0);
    const gaps = GAP * (chosen.length + mustCome.length);
    if (c.keep || width + gaps <= room) chosen.push(c);
  }
  let cols = COLUMNS.filter((c) => chosen.includes(c));
  // too narrow even for that: drop more, down to the endpoints and result cut short
  while (need(cols, minOf) > room) {
    const droppable = cols.filter((c) => !c.keep);
    if (droppable.length === 0) break;
    const worst = droppable.reduce((a, b) => (b.priority > a.priority ? b : a));
    cols = cols.filter((c) => c !== worst);
  }

  const widths = new Map(cols.map((c) => [c.id, minOf(c)]));
  let spare = room - need(cols, minOf);
  const grow = (target: (c: ColumnSpec) => number) => {
    for (const c of [...cols].sort((a, b) => a.priority - b.priority)) {
      if (spare <= 0) return;
      const more = Math.min(spare, Math.max(0, target(c) - widths.get(c.id)!));
      widths.set(c.id, widths.get(c.id)! + more);
      spare -= more;
    }
  };
  grow(comfortableOf);
  grow(idealOf);
  // the result column (always last) takes the remaining width, so long reasons show more
  if (spare > 0 && widths.has('result')) widths.set('result', widths.get('result')! + spare);
  return cols.map((spec) => ({ spec, width: Math.max(0, widths.get(spec.id)!) }));
}
