// Expiry times as people type them: `300`, `90s`, `5m`, `2h`, `1d` (rope ctl --for, rope top's
// block prompt). Whole numbers only; 1 second up to MAX_SECONDS.
import { MAX_SECONDS } from './operations.js';

const UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds, or null when `text` is not a duration in range. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,10})([smhd]?)$/.exec(text.trim());
  if (!m) return null;
  const seconds = Number(m[1]) * UNITS[m[2]];
  return seconds >= 1 && seconds <= MAX_SECONDS ? seconds : null;
}

export const DURATION_HELP = 'a time from 1s to 10 years (seconds, or a number with s, m, h or d)';
