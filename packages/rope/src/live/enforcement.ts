// What rope run's actions ask of the kernel-side enforcement, and the events they produce (for
// the log, --stats-json, --exec and the metrics). The enforcer (live/enforcer.ts) implements it.

/** One enforcement event. */
export interface EnforcementEvent {
  kind: 'lock' | 'block' | 'cut';
  /** The label of the script whose match caused it, or its source ('dns-train', 'ctl'). */
  label: string;
  /** The inside host, as text; null when none. */
  client: string | null;
  /** The outside endpoint (`addr` or `addr:port`, IPv6 in brackets when with a port); null when none. */
  peer: string | null;
  /** How long it lasts in seconds; null for a cut. */
  seconds: number | null;
}

/** Blocks new connections to a peer in the kernel (the blocked-peers set). */
export interface PeerBlocker {
  /**
   * Blocks `addr` (4 or 16 bytes), or only `addr`:`port` when `port` is a number, for `seconds`;
   * renews an entry already there. Fire and forget: never throws, never blocks a verdict.
   */
  blockPeer(addr: Uint8Array, port: number | null, seconds: number, label: string): void;
}
