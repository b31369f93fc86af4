// What a caller can ask of cut(), and the defaults. Every method reads its settings from here.
import type { BackendKind } from '@p2pwall/core/firewall';
import type { CutResult } from './result.js';
import { DEFAULT_SESSION_OPTIONS, type SessionOptions } from './session.js';

/** skb mark of forged packets ("cutt"); the temporary notrack rule matches it. */
export const DEFAULT_INJECT_MARK = 0x63757474;
/** Owner tag of the temporary firewall rules (`cutter --cleanup` looks for it). */
export const RULE_OWNER = 'p2pwall-cutter';

export interface CutOptions {
  /** Per connection, ms (default 5000). */
  timeoutMs?: number;
  /**
   * Drop the connection's packets at this machine while cutting, so sequence numbers stop moving
   * (default true: see docs/cutter.md for the measurements behind it).
   */
  freeze?: boolean;
  /** Also open with a bare-ACK probe to the initiator (default true). */
  initiatorAckProbe?: boolean;
  /** UDP, UDP-Lite, SCTP and DCCP flows: delete their conntrack entries and block their tuples. */
  dropUdp?: boolean;
  /** How long to block dropped UDP tuples, seconds (default 60). cut() resolves after the block ends. */
  blockSeconds?: number;
  /** Delete each cut connection's conntrack entry (by CTA_ID) afterwards (default true). */
  deleteEntries?: boolean;
  /** nft or iptables for the temporary rules (default: nft when usable). */
  firewall?: BackendKind;
  /** First NFLOG group to try (default 48000 + pid % 1000). */
  logGroup?: number;
  /** skb mark of forged packets. */
  injectMark?: number;
  /** Called as each connection's outcome is known (before cut() resolves). */
  onResult?(r: CutResult): void;
  /** Called once the temporary rules are in place (for progress displays). */
  onReady?(info: { firewall: BackendKind | null; logGroup: number | null }): void;
  /** Abort: remaining connections fail with "interrupted", rules are removed. */
  signal?: AbortSignal;
  /** Fine-tuning of the probe schedule (tests and benchmarks). */
  session?: Partial<SessionOptions>;
}

/** The probe schedule the options ask for. */
export function sessionOptions(options: CutOptions): SessionOptions {
  const s: SessionOptions = { ...DEFAULT_SESSION_OPTIONS, ...options.session };
  if (options.timeoutMs !== undefined) s.timeoutMs = options.timeoutMs;
  if (options.initiatorAckProbe !== undefined) s.initiatorAckProbe = options.initiatorAckProbe;
  return s;
}
