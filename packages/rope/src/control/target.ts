// What a running `rope run` offers the control socket: the operations ftwall offered its
// administrator (dump-blocks, lock/unlock a client, block/unblock a peer, ban-dns-name,
// accept-all, counters), as an interface the live engine implements. ControlServer serves any
// ControlTarget on a unix socket; MemoryControlTarget is the bookkeeping half of one (entries with
// expiry), which the engine can wrap until its kernel sets are wired in.
//
// Every operation returns an Outcome: a refusal (not locked, set full) is data with a message,
// not an exception. An exception from a target is a bug; the server answers `internal` and keeps
// serving.
import type { Endpoint } from './address.js';
import type { Outcome } from './errors.js';
import type { EnforceCounts } from '../live/enforce-counts.js';

/** A locked client (`lock`: every flow of the inside host is refused) or a blocked peer. */
export interface ControlEntry {
  kind: 'lock' | 'block';
  /** Canonical address text (see address.ts). */
  address: string;
  /** A blocked peer's port; null for a whole host (always null for a lock). */
  port: number | null;
  /** What put it there: the label of the script that matched, or "manual" for `rope ctl`. */
  label: string;
  /** Whole seconds until it lapses (rounded up), or null: until removed or rope run stops. */
  secondsLeft: number | null;
}

/** `list` — ftwall's dump-blocks. */
export interface ListResult {
  /** Locks first, then blocks; each by address, then port. */
  entries: ControlEntry[];
  /** Names added with ban-dns, in the order they came. */
  dnsNames: string[];
  passAll: boolean;
}

/** `lock` / `block`: the entry as it is now; `renewed` when it existed and got a new expiry. */
export interface AddResult {
  entry: ControlEntry;
  renewed: boolean;
}

/** `unlock` / `unblock`: the entry that was removed. */
export interface RemoveResult {
  entry: ControlEntry;
}

export interface BanDnsResult {
  /** The name as stored (lower case). */
  name: string;
  /** False when it was banned already. */
  added: boolean;
}

export interface PassAllResult {
  passAll: boolean;
  /** False when it already had that value (or on a plain query). */
  changed: boolean;
}

/** Counters of one label (a script's name) since rope run started. */
export interface LabelCounters {
  label: string;
  /** Packets of flows carrying the label. */
  packets: number;
  bytes: number;
  /** Flows given the label. */
  flows: number;
}

/** An inside host and the P2P flows it opened (flows some script labelled). */
export interface HostCounters {
  address: string;
  p2pFlows: number;
  /** The labels of those flows, most frequent first. */
  labels: string[];
}

/** The counters part of `stats`: what the engine counts (see MemoryControlTarget's `traffic`). */
export interface TrafficCounters {
  /** Seconds since rope run started: clients compute rates against it, not their own clock. */
  uptime: number;
  totals: {
    packets: number;
    bytes: number;
    /** Flows seen. */
    flows: number;
    accepted: number;
    dropped: number;
  };
  labels: LabelCounters[];
  /** When the engine keeps per-host counts: the top inside hosts by P2P flows, most first. */
  hosts?: HostCounters[];
  /** rope run's enforcement counters (as in its --stats-json line), when the engine counts them. */
  enforcement?: EnforceCounts;
}

/** `stats`: counters, plus the sizes of the control sets. */
export interface ControlStats extends TrafficCounters {
  passAll: boolean;
  locked: number;
  blocked: number;
  dnsNames: number;
}

export interface LockRequest {
  /** A host address (port null). */
  target: Endpoint;
  /** Lapses after this many seconds; null: until unlocked. */
  seconds: number | null;
  label: string;
}

export interface BlockRequest {
  /** An address, with a port or for every port. */
  target: Endpoint;
  seconds: number | null;
  label: string;
}

/** The operations the live engine must implement. May complete synchronously or not. */
export interface ControlTarget {
  list(): Promise<Outcome<ListResult>> | Outcome<ListResult>;
  lock(r: LockRequest): Promise<Outcome<AddResult>> | Outcome<AddResult>;
  /** `not-found` when the address is not locked. */
  unlock(target: Endpoint): Promise<Outcome<RemoveResult>> | Outcome<RemoveResult>;
  block(r: BlockRequest): Promise<Outcome<AddResult>> | Outcome<AddResult>;
  /** `not-found` unless exactly this address (and port, or no port) is blocked. */
  unblock(target: Endpoint): Promise<Outcome<RemoveResult>> | Outcome<RemoveResult>;
  /** Adds a DNS-training pattern: answers for the name (or, for `*.name`, its subdomains) teach the engine peers to block. */
  banDns(name: string): Promise<Outcome<BanDnsResult>> | Outcome<BanDnsResult>;
  /** Sets pass-all (ftwall's accept-all) when `on` is given; reads it otherwise. */
  passAll(on?: boolean): Promise<Outcome<PassAllResult>> | Outcome<PassAllResult>;
  stats(): Promise<Outcome<ControlStats>> | Outcome<ControlStats>;
}
