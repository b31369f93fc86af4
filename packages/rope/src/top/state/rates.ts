// Per-second rates from two successive `stats` snapshots. The interval is the engine's own uptime
// difference, not the time between our polls, so a slow poll does not inflate a rate. A snapshot
// whose uptime went backwards comes from a restarted rope run: no rates until the next one.
import type { ControlStats } from '../../control/target.js';

export interface LabelRate {
  label: string;
  packetsPerSecond: number;
  flowsPerSecond: number;
  /** Totals since rope run started. */
  packets: number;
  flows: number;
}

export interface Rates {
  packetsPerSecond: number;
  flowsPerSecond: number;
  labels: LabelRate[];
}

const per = (now: number, before: number, seconds: number) => Math.max(0, now - before) / seconds;

/** Rates between `prev` and `cur`; null when there is no interval to measure over. */
export function computeRates(prev: ControlStats | null, cur: ControlStats): Rates | null {
  if (!prev) return null;
  const dt = cur.uptime - prev.uptime;
  if (!(dt > 0)) return null;
  const before = new Map(prev.labels.map((l) => [l.label, l]));
  return {
    packetsPerSecond: per(cur.totals.packets, prev.totals.packets, dt),
    flowsPerSecond: per(cur.totals.flows, prev.totals.flows, dt),
    labels: cur.labels.map((l) => {
      const b = before.get(l.label);
      return {
        label: l.label,
        packetsPerSecond: per(l.packets, b?.packets ?? 0, dt),
        flowsPerSecond: per(l.flows, b?.flows ?? 0, dt),
        packets: l.packets,
        flows: l.flows,
      };
    }),
  };
}
