// rope run's enforcement counters: what locks, blocks, cuts, --exec and --dns-train did since the
// start, and how many clients are locked and peers blocked now. Plain values, like the packet
// counters: the queue threads count their cuts and DNS answers, the main thread its locks,
// blocks and commands; the snapshots of every thread are summed (mergeSnapshots) and the main
// thread's part is added to the sum (enforce-census.ts). docs/json.md describes every field.

/** Where a new block came from. */
export const BLOCK_SOURCES = ['match', 'table', 'dns', 'cut', 'ctl', 'share'] as const;
export type BlockSource = (typeof BLOCK_SOURCES)[number];

/** The kinds of enforcement event an --exec command runs for. */
export const EXEC_KINDS = ['lock', 'block', 'cut'] as const;

export interface LockCounts {
  /** New locks (a client that was not locked). */
  started: number;
  /** Matches (or `rope ctl lock`) that renewed a live lock. */
  renewed: number;
  /** Locks ended early by `rope ctl unlock`. */
  unlocked: number;
}

export type BlockCounts = Record<BlockSource, number> & {
  /** Blocks of a peer already blocked, which moved its expiry. */
  renewed: number;
  /** Blocks ended early by `rope ctl unblock`. */
  unblocked: number;
};

export interface CutTally {
  /** TCP flows cut with a RST forged for each end and handed to the raw socket. */
  tcpReset: number;
  /** TCP flows cut without both RSTs (a SYN or RST packet matched: nothing to forge them from). */
  tcpFailed: number;
  /** UDP flows whose peer endpoint was blocked. */
  udpBlocked: number;
  /** UDP flows whose peer endpoint could not be blocked (no conntrack ports). */
  udpFailed: number;
  /** Flows of other protocols: dropped, their conntrack entry left. */
  other: number;
  /**
   * RSTs the main thread's raw socket did not send (counted there, after the cut was): it would
   * not open (no CAP_NET_RAW) or the kernel refused the send.
   */
  sendErrors: number;
}

export interface ExecKindCounts {
  /** Commands started. */
  started: number;
  /** Commands that exited with status 0. */
  ok: number;
  /** Exited non-zero, were ended by a signal, or could not start. */
  failed: number;
  /** Events that ran no command: their kind's command was running and 64 events waited already. */
  dropped: number;
}

export type ExecCountsByKind = Record<(typeof EXEC_KINDS)[number], ExecKindCounts>;

export interface DnsCounts {
  /** DNS answers read whole. */
  answers: number;
  /** Answers with a name that matches a pattern. */
  matched: number;
  /** Addresses of matching answers handed to the blocked peers. */
  trained: number;
  /** Messages that were not a readable DNS answer. */
  ignored: number;
}

export interface EnforceCounts {
  /** Clients locked now (not a count since the start). */
  lockedClients: number;
  /** Peers blocked now: the blocked-peers table and the tables declared `kernel`. */
  blockedPeers: number;
  locks: LockCounts;
  blocks: BlockCounts;
  cuts: CutTally;
  exec: ExecCountsByKind;
  dns: DnsCounts;
}

export const zeroExecKind = (): ExecKindCounts => ({ started: 0, ok: 0, failed: 0, dropped: 0 });

export function zeroEnforceCounts(): EnforceCounts {
  return {
    lockedClients: 0,
    blockedPeers: 0,
    locks: { started: 0, renewed: 0, unlocked: 0 },
    blocks: { match: 0, table: 0, dns: 0, cut: 0, ctl: 0, share: 0, renewed: 0, unblocked: 0 },
    cuts: { tcpReset: 0, tcpFailed: 0, udpBlocked: 0, udpFailed: 0, other: 0, sendErrors: 0 },
    exec: { lock: zeroExecKind(), block: zeroExecKind(), cut: zeroExecKind() },
    dns: { answers: 0, matched: 0, trained: 0, ignored: 0 },
  };
}

/** Adds every number of `add` to the same field of `into` (objects of the same shape, nested). */
export function addCounts<T extends object>(into: T, add: Readonly<T>): void {
  for (const k of Object.keys(add) as (keyof T)[]) {
    const v = add[k];
    if (typeof v === 'number') (into[k] as number) += v;
    else if (v !== null && typeof v === 'object' && into[k] !== undefined)
      addCounts(into[k] as object, v as object);
  }
}

/** Total of the new blocks, whatever their source. */
export const newBlocks = (b: BlockCounts): number => BLOCK_SOURCES.reduce((n, s) => n + b[s], 0);

const parts = (pairs: [string, number][]) =>
  pairs
    .filter(([, n]) => n > 0)
    .map(([w, n]) => `${w} ${n}`)
    .join(', ');

/**
 * The enforcement line of the counters text, or null when nothing was ever locked, blocked, cut,
 * run or trained (a run without enforcement prints what it printed before).
 */
export function formatEnforcement(c: EnforceCounts): string | null {
  const cuts =
    c.cuts.tcpReset + c.cuts.tcpFailed + c.cuts.udpBlocked + c.cuts.udpFailed + c.cuts.other;
  const exec = EXEC_KINDS.reduce((n, k) => n + c.exec[k].started + c.exec[k].dropped, 0);
  const blocks = newBlocks(c.blocks);
  const any =
    c.lockedClients + c.blockedPeers + c.locks.started + blocks + cuts + exec + c.dns.answers;
  if (any === 0 && c.dns.ignored === 0) return null;
  const out = [
    `enforcement: ${c.lockedClients} locked, ${c.blockedPeers} blocked now`,
    `locks ${c.locks.started}${
      c.locks.renewed + c.locks.unlocked > 0
        ? ` (${parts([
            ['renewed', c.locks.renewed],
            ['unlocked', c.locks.unlocked],
          ])})`
        : ''
    }`,
    `blocks ${blocks}${blocks + c.blocks.renewed + c.blocks.unblocked > 0 ? ` (${parts([...BLOCK_SOURCES.map((s): [string, number] => [s, c.blocks[s]]), ['renewed', c.blocks.renewed], ['unblocked', c.blocks.unblocked]])})` : ''}`,
    `cuts ${cuts}${
      cuts > 0
        ? ` (${parts([
            ['tcp reset', c.cuts.tcpReset],
            ['tcp failed', c.cuts.tcpFailed],
            ['udp blocked', c.cuts.udpBlocked],
            ['udp failed', c.cuts.udpFailed],
            ['other', c.cuts.other],
            ['send errors', c.cuts.sendErrors],
          ])})`
        : ''
    }`,
  ];
  if (exec > 0) {
    const sum = (f: keyof ExecKindCounts) => EXEC_KINDS.reduce((n, k) => n + c.exec[k][f], 0);
    out.push(
      `exec ${sum('started')} (${
        parts([
          ['ok', sum('ok')],
          ['failed', sum('failed')],
          ['dropped', sum('dropped')],
        ]) || 'running'
      })`,
    );
  }
  if (c.dns.answers + c.dns.ignored > 0)
    out.push(
      `dns answers ${c.dns.answers} (matched ${c.dns.matched}, trained ${c.dns.trained}${c.dns.ignored ? `, ignored ${c.dns.ignored}` : ''})`,
    );
  return out.join('; ');
}
