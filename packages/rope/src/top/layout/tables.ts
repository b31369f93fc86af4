// The three sections as lines of text, fitted to the screen: each a heading and exactly `height`
// rows (padded with blank lines, or ending in "... N more"), so the layout never jumps.
import { formatEndpointText } from '../../control/address.js';
import { alignTable, formatCount, formatDuration, NO_EXPIRY } from '../../control/format.js';
import { entries, secondsLeftNow, type TopState } from '../state/reducer.js';

export interface SectionLine {
  text: string;
  /** Under the cursor. */
  cursor?: boolean;
  /** Dimmed: "none" lines, stale data. */
  muted?: boolean;
}

export interface SectionLines {
  heading: string;
  rows: SectionLine[];
}

/** A rate for a narrow column: 0, 0.5, 12.0, 1.2k. */
export function formatRate(n: number): string {
  if (n === 0) return '0';
  if (n < 100) return n.toFixed(1);
  return formatCount(n);
}

function fit(table: string[][], right: number[], height: number, empty: string): SectionLines {
  const [heading, ...rows] = alignTable(table, right);
  if (rows.length === 0) return { heading, rows: pad([{ text: empty, muted: true }], height) };
  if (rows.length <= height)
    return {
      heading,
      rows: pad(
        rows.map((text) => ({ text })),
        height,
      ),
    };
  const shown = rows.slice(0, height - 1).map((text) => ({ text }));
  return {
    heading,
    rows: [...shown, { text: `... ${rows.length - shown.length} more`, muted: true }],
  };
}

function pad(rows: SectionLine[], height: number): SectionLine[] {
  return [
    ...rows,
    ...Array.from({ length: Math.max(0, height - rows.length) }, () => ({ text: '' })),
  ];
}

/** Packets and flows per second per label, and their totals; busiest first. */
export function labelLines(s: TopState, height: number): SectionLines {
  const rates = s.rates?.labels;
  const labels = [...(s.stats?.labels ?? [])];
  const rate = new Map(rates?.map((r) => [r.label, r]));
  labels.sort(
    (a, b) =>
      (rate.get(b.label)?.packetsPerSecond ?? 0) - (rate.get(a.label)?.packetsPerSecond ?? 0) ||
      b.flows - a.flows ||
      (a.label < b.label ? -1 : 1),
  );
  const r = (label: string, k: 'packetsPerSecond' | 'flowsPerSecond') => {
    const x = rate.get(label);
    return x ? formatRate(x[k]) : '-';
  };
  return fit(
    [
      ['LABEL', 'PKT/S', 'FLOW/S', 'FLOWS', 'PACKETS'],
      ...labels.map((l) => [
        l.label,
        r(l.label, 'packetsPerSecond'),
        r(l.label, 'flowsPerSecond'),
        formatCount(l.flows),
        formatCount(l.packets),
      ]),
    ],
    [1, 2, 3, 4],
    height,
    s.stats ? 'no flow labelled yet' : '',
  );
}

/** The inside hosts with the most P2P flows. */
export function hostLines(s: TopState, height: number): SectionLines {
  const hosts = [...(s.stats?.hosts ?? [])].sort((a, b) => b.p2pFlows - a.p2pFlows);
  return fit(
    [
      ['INSIDE HOST', 'P2P FLOWS', 'LABELS'],
      ...hosts.map((h) => [h.address, formatCount(h.p2pFlows), h.labels.join(',')]),
    ],
    [1],
    height,
    !s.stats
      ? ''
      : s.stats.hosts
        ? 'no host with P2P flows yet'
        : 'this rope run does not count hosts',
  );
}

/** Locked clients and blocked peers with their countdown; the cursor's row in view. */
export function entryLines(s: TopState, height: number, cursorGlyph: string): SectionLines {
  const list = entries(s);
  const table = alignTable([
    ['KIND', 'ADDRESS', 'LABEL', 'LEFT'],
    ...list.map((e) => {
      const left = secondsLeftNow(s, e);
      return [
        e.kind === 'lock' ? 'locked' : 'blocked',
        formatEndpointText(e),
        e.label,
        left === null ? NO_EXPIRY : formatDuration(left),
      ];
    }),
  ]);
  const [heading, ...rows] = table;
  if (rows.length === 0)
    return {
      heading: `  ${heading}`,
      rows: pad(
        [{ text: s.list ? '  no locked clients, no blocked peers' : '', muted: true }],
        height,
      ),
    };
  const offset = Math.max(0, Math.min(s.cursor - height + 1, rows.length - height));
  const shown = rows.slice(offset, offset + height).map((text, i) => {
    const cursor = offset + i === s.cursor && s.mode !== 'help';
    return { text: `${cursor ? cursorGlyph : ' '} ${text}`, cursor };
  });
  return { heading: `  ${heading}`, rows: pad(shown, height) };
}
