// What `rope run --control` serves: the control operations (rope ctl, rope top) on the running
// engine — locks and blocks through the Enforcer (so they reach every queue worker, the kernel
// sets and --state), pass-all to every queue host, counters from the hosts' snapshots.
//
// `ban-dns` names are stored here for the DNS training (--dns-train) to read through
// bannedDnsNames() / onBanDns(); this file does not interpret them.
import { parseIp } from '@p2pwall/core';
import { formatEndpointText, type Endpoint } from '../control/address.js';
import { compareEntries } from '../control/entry-order.js';
import { failure, success, type Outcome } from '../control/errors.js';
import type {
  AddResult,
  BanDnsResult,
  BlockRequest,
  ControlEntry,
  ControlStats,
  ControlTarget,
  ListResult,
  LockRequest,
  PassAllResult,
  RemoveResult,
  TrafficCounters,
} from '../control/target.js';
import type { EnforcedEntry, Enforcer } from './enforcer.js';
import type { LiveSnapshot } from './stats.js';

/** The source enforcement events from the control socket carry. */
export const CTL_SOURCE = 'ctl';

export interface EngineTargetOptions {
  enforcer: Enforcer;
  /** The merged counters of every queue host now. */
  snapshot(): Promise<LiveSnapshot>;
  /** Tells every queue host to pass all (or not). */
  setPassAll(on: boolean): void;
  /**
   * Whether rope run reads DNS answers (--dns-train). Without it a banned name could never
   * block anything, so ban-dns is refused rather than accepted to no effect.
   */
  dnsTrain: boolean;
}

/** Why ban-dns is refused by a rope run without DNS training. */
export const NO_DNS_TRAIN =
  'rope run reads no DNS answers: start it with --dns-train FILE (and the rules of rope rules --dns-train)';

/** Counters as the control protocol reports them, from rope run's snapshot. */
export function trafficOf(s: LiveSnapshot): TrafficCounters {
  return {
    uptime: s.uptime,
    totals: {
      packets: s.totals.packets,
      bytes: s.totals.bytes,
      flows: s.totals.flows,
      accepted: s.totals.accepted,
      dropped: s.totals.dropped,
    },
    labels: s.groups.map((g) => ({
      label: g.script,
      packets: g.packets,
      bytes: g.bytes,
      flows: g.matches,
    })),
    enforcement: s.enforcement,
  };
}

const view = (e: EnforcedEntry): ControlEntry => ({ ...e });

export class EngineControlTarget implements ControlTarget {
  private readonly names: string[] = [];
  private readonly banListeners = new Set<(name: string) => void>();

  constructor(private readonly o: EngineTargetOptions) {}

  list(): Outcome<ListResult> {
    const entries = this.o.enforcer.entries().sort(compareEntries).map(view);
    return success({ entries, dnsNames: [...this.names], passAll: this.o.enforcer.passAll });
  }

  lock(r: LockRequest): Outcome<AddResult> {
    const had = this.o.enforcer.entryOf('lock', r.target.address, null) !== null;
    if (!this.o.enforcer.lock(r.target.address, r.seconds, r.label, CTL_SOURCE))
      return failure('refused', 'pass-all is on: nothing is locked until it is off');
    const e = this.o.enforcer.entryOf('lock', r.target.address, null)!;
    return success({ entry: view(e), renewed: had });
  }

  unlock(target: Endpoint): Outcome<RemoveResult> {
    const e = this.o.enforcer.entryOf('lock', target.address, null);
    if (!e || !this.o.enforcer.unlock(target.address))
      return failure('not-found', `${target.address} is not locked`);
    return success({ entry: view(e) });
  }

  block(r: BlockRequest): Outcome<AddResult> {
    const { address, port } = r.target;
    const had = this.o.enforcer.entryOf('block', address, port) !== null;
    const bytes = parseIp(address);
    if (!bytes || !this.o.enforcer.block(bytes, port, r.seconds, r.label, CTL_SOURCE, 'ctl'))
      return failure('refused', 'pass-all is on: nothing is blocked until it is off');
    const e = this.o.enforcer.entryOf('block', address, port)!;
    return success({ entry: view(e), renewed: had });
  }

  unblock(target: Endpoint): Outcome<RemoveResult> {
    const e = this.o.enforcer.entryOf('block', target.address, target.port);
    if (!e || !this.o.enforcer.unblock(target.address, target.port))
      return failure(
        'not-found',
        `${formatEndpointText(target)} ${target.port === null ? 'is not blocked as a whole host' : 'is not blocked'}`,
      );
    return success({ entry: view(e) });
  }

  banDns(name: string): Outcome<BanDnsResult> {
    if (!this.o.dnsTrain) return failure('refused', NO_DNS_TRAIN);
    if (this.names.includes(name)) return success({ name, added: false });
    this.names.push(name);
    for (const l of this.banListeners) l(name);
    return success({ name, added: true });
  }

  async passAll(on?: boolean): Promise<Outcome<PassAllResult>> {
    const now = this.o.enforcer.passAll;
    if (on === undefined || on === now) return success({ passAll: now, changed: false });
    this.o.setPassAll(on);
    await this.o.enforcer.setPassAll(on);
    return success({ passAll: on, changed: true });
  }

  async stats(): Promise<Outcome<ControlStats>> {
    const entries = this.o.enforcer.entries();
    return success({
      ...trafficOf(await this.o.snapshot()),
      passAll: this.o.enforcer.passAll,
      locked: entries.filter((e) => e.kind === 'lock').length,
      blocked: entries.filter((e) => e.kind === 'block').length,
      dnsNames: this.names.length,
    });
  }

  /** The names `rope ctl ban-dns` added (patterns `*.example.com` included), in order. */
  bannedDnsNames(): readonly string[] {
    return this.names;
  }

  /** Follows names added by ban-dns; returns the function that stops it. */
  onBanDns(listener: (name: string) => void): () => void {
    this.banListeners.add(listener);
    return () => void this.banListeners.delete(listener);
  }
}
