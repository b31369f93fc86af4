// Messages between the main thread of `rope run` and its queue workers (structured-cloned).
import type { TableChange } from '../tables/shared-table.js';
import type { MatchEvent } from './decider.js';
import type { EnforcementEvent } from './enforcement.js';
import type { EnforceRequest } from './enforcer.js';
import type { HostInfo } from './queue-host.js';
import type { HostDetail } from './queue-metrics.js';
import type { LiveSnapshot } from './stats.js';

export type ToWorker =
  | { type: 'stats'; id: number; uptime: number }
  | { type: 'detail'; id: number }
  | { type: 'stop'; uptime: number }
  /** `rope ctl ban-dns`: a pattern the main thread has checked. */
  | { type: 'ban-dns'; pattern: string }
  | { type: 'tables'; batch: TableChange[] }
  | { type: 'pass-all'; on: boolean };

export type ToMain =
  | { type: 'ready'; info: HostInfo }
  | { type: 'fatal'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'match'; event: MatchEvent & { queue?: number } }
  /** A peer for the main thread's blocker (PeerBlocker.blockPeer's arguments). */
  | { type: 'block'; addr: Uint8Array; port: number | null; seconds: number; label: string }
  | { type: 'enforcement'; event: EnforcementEvent }
  /** A cut's forged RST for the main thread's raw socket (rst-sender.ts says why). */
  | { type: 'rst'; packet: Uint8Array; dst: string; family: 4 | 6 }
  | { type: 'stats'; id: number; snapshot: LiveSnapshot }
  | { type: 'detail'; id: number; detail: HostDetail }
  | { type: 'stopped'; snapshot: LiveSnapshot }
  | { type: 'tables'; batch: TableChange[] }
  | { type: 'enforce'; request: EnforceRequest };
