// The control results as text for people: `rope ctl list` and `stats` print these, `rope top`
// uses the same durations and rates. Scripts use `--json` instead; this text may change.
import { formatEndpointText } from './address.js';
import type { ControlEntry, ControlStats, ListResult } from './target.js';
import { formatEnforcement } from '../live/enforce-counts.js';

/** A duration for a countdown: 59s, 4m05s, 2h03m, 3d04h. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${two(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${two(Math.floor(s / 3600) % 24)}h`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the LEFT column shows for an entry without expiry. */
export const NO_EXPIRY = 'until removed';

export function timeLeft(secondsLeft: number | null): string {
  return secondsLeft === null ? NO_EXPIRY : formatDuration(secondsLeft);
}

/** A count for a narrow column: 999, 1.2k, 45.1M, 3.0G. */
export function formatCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/** Columns padded to their widest cell, two spaces apart; `right` lists right-aligned columns. */
export function alignTable(
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => (right.includes(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

export function entryRow(e: ControlEntry): string[] {
  return [e.kind, formatEndpointText(e), e.label, timeLeft(e.secondsLeft)];
}

/** `rope ctl list`: the table, the banned names, and a warning line while pass-all is on. */
export function formatList(r: ListResult): string {
  const lines: string[] = [];
  if (r.passAll)
    lines.push('pass-all is ON: every packet is accepted and nothing new is locked or blocked');
  if (r.entries.length === 0) lines.push('no locked clients, no blocked peers');
  else
    lines.push(...alignTable([['KIND', 'ADDRESS', 'LABEL', 'LEFT'], ...r.entries.map(entryRow)]));
  if (r.dnsNames.length > 0) lines.push(`banned DNS names: ${r.dnsNames.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** `rope ctl stats`: totals, counters per label, the top inside hosts. */
export function formatStats(s: ControlStats): string {
  const t = s.totals;
  const lines = [
    `up ${formatDuration(s.uptime)}: ${t.packets} packets, ${t.flows} flows; accepted ${t.accepted}, dropped ${t.dropped}`,
    `${s.locked} locked, ${s.blocked} blocked, ${plural(s.dnsNames, 'banned DNS name')}; pass-all ${s.passAll ? 'ON' : 'off'}`,
  ];
  const enforcement = s.enforcement && formatEnforcement(s.enforcement);
  if (enforcement) lines.push(enforcement);
  if (s.labels.length > 0)
    lines.push(
      '',
      ...alignTable(
        [
          ['LABEL', 'FLOWS', 'PACKETS', 'BYTES'],
          ...s.labels.map((l) => [l.label, String(l.flows), String(l.packets), String(l.bytes)]),
        ],
        [1, 2, 3],
      ),
    );
  if (s.hosts && s.hosts.length > 0)
    lines.push(
      '',
      ...alignTable(
        [
          ['HOST', 'P2P FLOWS', 'LABELS'],
          ...s.hosts.map((h) => [h.address, String(h.p2pFlows), h.labels.join(',')]),
        ],
        [1],
      ),
    );
  return lines.join('\n') + '\n';
}
