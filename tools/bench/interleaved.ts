// Commands measured side by side: each round runs every command once, in turn, so that a change
// in the machine's load (other work on a shared machine) weighs on all of them alike. Wall time
// and peak resident memory of each run come from GNU time when it is there (else wall only).
import { join } from 'node:path';
import { onPath } from '../../test/support/environment.js';
import type { BenchContext } from './frame.js';
import { median, peakRssWrapper, readPeakRss, timedRun } from './measure.js';

export interface Measured {
  /** Median wall time in seconds. */
  seconds: number;
  /** Largest peak RSS over the runs, in bytes; null without GNU time. */
  peakRss: number | null;
}

/**
 * Runs each command `runs` times (after one warm-up round), interleaved; null for a command that
 * is missing or fails (logged).
 */
export function interleaved(
  ctx: BenchContext,
  commands: readonly (readonly string[])[],
  runs: number,
): (Measured | null)[] {
  const out = join(ctx.tmpDir, 'interleaved-time.out');
  const wrapper = peakRssWrapper(out);
  const withTime = wrapper.length > 0;
  const times = commands.map((): number[] => []);
  const rss = commands.map(() => 0);
  const ok = commands.map((argv) => {
    if (onPath(argv[0])) return true;
    ctx.log(`${argv[0]} not found: its row is left out`);
    return false;
  });
  for (let round = 0; round <= runs; round++) {
    commands.forEach((argv, i) => {
      if (!ok[i]) return;
      const s = timedRun(ctx, argv, wrapper);
      if (s === null) {
        ok[i] = false;
        return;
      }
      if (round === 0) return; // warm-up: page cache
      times[i].push(s);
      rss[i] = Math.max(rss[i], readPeakRss(out) ?? 0);
    });
  }
  return commands.map((_c, i) =>
    ok[i] ? { seconds: median(times[i]), peakRss: withTime ? rss[i] : null } : null,
  );
}
