// Counters of `rope run`: plain values (they cross worker-thread boundaries), summed over the
// queues of every thread, printed as a table or one JSON line.
import type { NfQueueStats, NfqProcStats } from '@p2pwall/core/netlink';
import {
  addCounts,
  formatEnforcement,
  zeroEnforceCounts,
  type EnforceCounts,
} from './enforce-counts.js';

/** One script group. */
export interface GroupSnapshot {
  script: string;
  action: string;
  /** Packets the script ran on (the first N payload packets per direction of each flow). */
  runs: number;
  /** Flows it labelled. */
  matches: number;
  /** Flows it gave up on with `never` before their window ended (it ran on none of their later packets). */
  gaveUp: number;
  /** Runs that ended with FAIL or HOTDROP. */
  errors: number;
  /** Packets and bytes of flows this group decided (the matching packet and the later ones queued). */
  packets: number;
  bytes: number;
  /** Packets dropped by this group's action. */
  drops: number;
}

export interface LiveTotals {
  packets: number;
  bytes: number;
  /** Flows seen (new in the flow table). */
  flows: number;
  /** Flows in the table now. */
  activeFlows: number;
  accepted: number;
  dropped: number;
  /** Accepted packets given a mark. */
  marked: number;
  /** Packets that were not IP (accepted or dropped by --default). */
  notIp: number;
  /** Packets a script dropped with HOTDROP. */
  hotdrops: number;
}

export interface QueueSnapshot {
  queue: number;
  packets: number;
  verdicts: number;
  batchMessages: number;
  singleMessages: number;
  datagrams: number;
  /** Times the socket's receive buffer was seen overflowing (the kernel could not deliver packets). */
  overruns: number;
  handlerErrors: number;
  verdictErrors: number;
  /**
   * From /proc/net/netfilter/nfnetlink_queue: dropped because the queue was full / the socket
   * overflowed (with --fail-open the kernel passes those packets instead, and counts nothing).
   */
  queueDropped: number;
  userDropped: number;
  /** Packets waiting for a verdict when the counters were read. */
  waiting: number;
}

export interface LiveSnapshot {
  /** Seconds since rope run started. */
  uptime: number;
  totals: LiveTotals;
  groups: GroupSnapshot[];
  queues: QueueSnapshot[];
  /** Locks, blocks, cuts, --exec and --dns-train (enforce-counts.ts). */
  enforcement: EnforceCounts;
}

export function queueSnapshot(s: NfQueueStats, proc: NfqProcStats | null): QueueSnapshot {
  return {
    queue: s.queue,
    packets: s.packets,
    verdicts: s.verdicts,
    batchMessages: s.batchMessages,
    singleMessages: s.singleMessages,
    datagrams: s.datagrams,
    overruns: s.overruns,
    handlerErrors: s.handlerErrors,
    verdictErrors: s.verdictErrors,
    queueDropped: proc?.queueDropped ?? 0,
    userDropped: proc?.userDropped ?? 0,
    waiting: proc?.waiting ?? 0,
  };
}

function sumInto<T extends object>(into: T, add: T): void {
  for (const k of Object.keys(add) as (keyof T)[]) {
    if (typeof add[k] === 'number') (into[k] as number) += add[k] as number;
  }
}

/** Sums the snapshots of several threads (same groups in the same order in each). */
export function mergeSnapshots(parts: readonly LiveSnapshot[], uptime: number): LiveSnapshot {
  const out: LiveSnapshot = {
    uptime,
    totals: {
      packets: 0,
      bytes: 0,
      flows: 0,
      activeFlows: 0,
      accepted: 0,
      dropped: 0,
      marked: 0,
      notIp: 0,
      hotdrops: 0,
    },
    groups: [],
    queues: [],
    enforcement: zeroEnforceCounts(),
  };
  for (const p of parts) {
    sumInto(out.totals, p.totals);
    addCounts(out.enforcement, p.enforcement);
    p.groups.forEach((g, i) => {
      if (out.groups[i] === undefined) out.groups[i] = { ...g };
      else sumInto(out.groups[i], g);
    });
    out.queues.push(...p.queues);
  }
  out.queues.sort((a, b) => a.queue - b.queue);
  return out;
}

function size(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

function table(rows: (string | number)[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) =>
          c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]),
        )
        .join('  '),
    )
    .join('\n');
}

/** The counters as text for a terminal or a log. */
export function formatSnapshot(s: LiveSnapshot): string {
  const t = s.totals;
  const lines = [
    `rope run: ${s.uptime.toFixed(1)} s, ${t.packets} packets (${size(t.bytes)}), ${t.flows} flows (${t.activeFlows} active); ` +
      `accepted ${t.accepted} (marked ${t.marked}), dropped ${t.dropped}${t.hotdrops ? ` (hotdrop ${t.hotdrops})` : ''}${t.notIp ? `, not IP ${t.notIp}` : ''}`,
    table([
      ['script', 'action', 'runs', 'matches', 'gave up', 'packets', 'bytes', 'drops', 'errors'],
      ...s.groups.map((g) => [
        g.script,
        g.action,
        g.runs,
        g.matches,
        g.gaveUp,
        g.packets,
        size(g.bytes),
        g.drops,
        g.errors,
      ]),
    ]),
    table([
      [
        'queue',
        'packets',
        'verdicts',
        'batches',
        'overruns',
        'queue full',
        'socket full',
        'waiting',
      ],
      ...s.queues.map((q) => [
        q.queue,
        q.packets,
        q.verdicts,
        q.batchMessages,
        q.overruns,
        q.queueDropped,
        q.userDropped,
        q.waiting,
      ]),
    ]),
  ];
  const enforcement = formatEnforcement(s.enforcement);
  if (enforcement !== null) lines.splice(1, 0, enforcement);
  return lines.join('\n') + '\n';
}

/**
 * The version of the JSON lines of `rope run --stats-json` (stats and match): raised when a field
 * changes meaning or goes away, not when one is added. docs/json.md describes every field.
 */
export const JSON_SCHEMA = 1;

/** One JSON line: the counters, with the time they were read. */
export function snapshotJson(s: LiveSnapshot, now = new Date()): string {
  return (
    JSON.stringify({
      event: 'stats',
      schema: JSON_SCHEMA,
      time: now.toISOString(),
      uptime: s.uptime,
      totals: s.totals,
      groups: s.groups,
      queues: s.queues,
      enforcement: s.enforcement,
    }) + '\n'
  );
}
