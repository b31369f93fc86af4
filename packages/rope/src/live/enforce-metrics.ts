// The enforcement metrics of `rope run --metrics`: locks, blocks by source, cuts by protocol and
// result, --exec's commands, DNS training, and the locked clients and blocked peers now — set
// at each scrape from the merged counters (enforce-counts.ts), like every other rope metric.
import { Counter, Gauge, type Registry } from 'prom-client';
import { BLOCK_SOURCES, EXEC_KINDS, type EnforceCounts } from './enforce-counts.js';

/** The series of rope_cuts_total: its labels and the counter of each. */
const CUT_SERIES = [
  ['tcp', 'reset', 'tcpReset'],
  ['tcp', 'failed', 'tcpFailed'],
  ['udp', 'blocked', 'udpBlocked'],
  ['udp', 'failed', 'udpFailed'],
  ['other', 'dropped', 'other'],
] as const;

const EXEC_RESULTS = ['ok', 'failed', 'dropped'] as const;

export class EnforceMetrics {
  private readonly locks: Counter;
  private readonly lockRenewals: Counter;
  private readonly unlocks: Counter;
  private readonly blocks: Counter<'source'>;
  private readonly blockRenewals: Counter;
  private readonly unblocks: Counter;
  private readonly cuts: Counter<'proto' | 'result'>;
  private readonly cutSendErrors: Counter;
  private readonly execRuns: Counter<'kind' | 'result'>;
  private readonly dnsAnswers: Counter<'result'>;
  private readonly dnsTrained: Counter;
  private readonly lockedClients: Gauge;
  private readonly blockedPeers: Gauge;

  constructor(registry: Registry) {
    const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers: [registry] });
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [registry] });
    this.locks = counter(
      'rope_locks_total',
      'Clients locked (lock:S matches, rope ctl lock, the fleet) that were not locked already',
    );
    this.lockRenewals = counter(
      'rope_lock_renewals_total',
      'Locks of a locked client that renewed it',
    );
    this.unlocks = counter('rope_unlocks_total', 'Locks ended early by rope ctl unlock');
    this.blocks = counter(
      'rope_blocks_total',
      'Peers blocked that were not blocked already, by source: block-peer:S matches (match), tables declared kernel or engines (table), --dns-train (dns), UDP cuts (cut), rope ctl block (ctl), the fleet through --share (share)',
      ['source'],
    );
    this.blockRenewals = counter(
      'rope_block_renewals_total',
      'Blocks of a blocked peer that renewed it',
    );
    this.unblocks = counter('rope_unblocks_total', 'Blocks ended early by rope ctl unblock');
    this.cuts = counter(
      'rope_cuts_total',
      'Flows cut (--on-match cut), by protocol and result: tcp reset (a RST for each end), tcp failed (a SYN or RST matched: no RSTs to forge), udp blocked (the peer endpoint blocked), udp failed, other dropped',
      ['proto', 'result'],
    );
    this.cutSendErrors = counter(
      'rope_cut_send_errors_total',
      'RSTs of cuts not sent (the raw socket would not open, or the kernel refused the send), after the cut was counted as reset',
    );
    this.execRuns = counter(
      'rope_exec_runs_total',
      '--exec commands by event kind and result: exited 0 (ok), failed (non-zero, signal, could not start), dropped (not run: 64 events of the kind waited already)',
      ['kind', 'result'],
    );
    this.dnsAnswers = counter(
      'rope_dns_answers_total',
      '--dns-train: DNS answers read (read), of which a name matched (matched), and messages that were not a readable answer (ignored)',
      ['result'],
    );
    this.dnsTrained = counter(
      'rope_dns_trained_total',
      '--dns-train: addresses of matching answers blocked',
    );
    this.lockedClients = gauge('rope_locked_clients', 'Clients locked now');
    this.blockedPeers = gauge(
      'rope_blocked_peers',
      'Peers blocked now (blocked peers and the entries of tables declared kernel)',
    );
  }

  update(c: EnforceCounts): void {
    for (const m of [
      this.locks,
      this.lockRenewals,
      this.unlocks,
      this.blocks,
      this.blockRenewals,
      this.unblocks,
      this.cuts,
      this.cutSendErrors,
      this.execRuns,
      this.dnsAnswers,
      this.dnsTrained,
    ] as Counter<string>[])
      m.reset();
    this.locks.inc(c.locks.started);
    this.lockRenewals.inc(c.locks.renewed);
    this.unlocks.inc(c.locks.unlocked);
    for (const source of BLOCK_SOURCES) this.blocks.inc({ source }, c.blocks[source]);
    this.blockRenewals.inc(c.blocks.renewed);
    this.unblocks.inc(c.blocks.unblocked);
    for (const [proto, result, field] of CUT_SERIES)
      this.cuts.inc({ proto, result }, c.cuts[field]);
    this.cutSendErrors.inc(c.cuts.sendErrors);
    for (const kind of EXEC_KINDS)
      for (const result of EXEC_RESULTS) this.execRuns.inc({ kind, result }, c.exec[kind][result]);
    this.dnsAnswers.inc({ result: 'read' }, c.dns.answers);
    this.dnsAnswers.inc({ result: 'matched' }, c.dns.matched);
    this.dnsAnswers.inc({ result: 'ignored' }, c.dns.ignored);
    this.dnsTrained.inc(c.dns.trained);
    this.lockedClients.set(c.lockedClients);
    this.blockedPeers.set(c.blockedPeers);
  }
}
