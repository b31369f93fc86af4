// Short, fixed-vocabulary text for table cells: durations, byte counts, and values cut to a width
// in the way that keeps them recognisable (an address keeps its port, a reason its start).

/** "850ms" below a second (or "0s" with `subsecond` false), then "42s", "5m02s", "3h07m", "4d23h". */
export function formatDuration(ms: number, subsecond = true): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (ms < 1000) return subsecond ? `${Math.floor(ms)}ms` : '0s';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** Milliseconds of a cut: "0.84 ms", "12.3 ms", "1204 ms". */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

const UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** Binary-prefixed, at most 5 characters: "512B", "1.5K", "34M", "1023M", "5.1G". */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${v}B`;
  return v < 10
    ? `${(Math.floor(v * 10) / 10).toFixed(1)}${UNITS[u]}`
    : `${Math.floor(v)}${UNITS[u]}`;
}

/** A count in at most 5 characters: "999", "12.3k", "4.5M". */
export function formatCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Cuts `s` to `width` at the end: "failed: no rep~". */
export function truncateEnd(s: string, width: number, ellipsis: string): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  if (width <= ellipsis.length) return s.slice(0, width);
  return s.slice(0, width - ellipsis.length) + ellipsis;
}

/** Cuts `s` to `width` in the middle, keeping its tail (an endpoint keeps its port). */
export function truncateMiddle(s: string, width: number, ellipsis: string): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  if (width <= ellipsis.length + 1) return s.slice(s.length - width);
  const keep = width - ellipsis.length;
  // at least 7 kept at the end: "]:40000" — the port is what tells connections apart
  const tail = Math.min(keep, Math.max(Math.ceil(keep / 2), 7));
  return s.slice(0, keep - tail) + ellipsis + s.slice(s.length - tail);
}

/** Pads or cuts `s` to exactly `width` columns. */
export function fit(
  s: string,
  width: number,
  align: 'left' | 'right',
  cut: 'end' | 'middle',
  ellipsis: string,
): string {
  const t = cut === 'middle' ? truncateMiddle(s, width, ellipsis) : truncateEnd(s, width, ellipsis);
  return align === 'right' ? t.padStart(width) : t.padEnd(width);
}
