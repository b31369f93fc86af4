// Messages between the main thread of `rope run` and its queue workers (structured-cloned).
import type { TableChange } from '../tables/shared-table.js';
import type { MatchEvent } from './decider.js';
import type { EnforceRequest } from './enforcer.js';
import type { HostInfo } from './queue-host.js';
import type { HostDetail } from './queue-metrics.js';
import type { LiveSnapshot } from './stats.js';

export type ToWorker =
  | { type: 'stats'; id: number; uptime: number }
  | { type: 'detail'; id: number }
  | { type: 'stop'; uptime: number }
  | { type: 'tables'; batch: TableChange[] }
  | { type: 'pass-all'; on: boolean };

export type ToMain =
  | { type: 'ready'; info: HostInfo }
  | { type: 'fatal'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'match'; event: MatchEvent & { queue?: number } }
  | { type: 'stats'; id: number; snapshot: LiveSnapshot }
  | { type: 'detail'; id: number; detail: HostDetail }
  | { type: 'stopped'; snapshot: LiveSnapshot }
  | { type: 'tables'; batch: TableChange[] }
  | { type: 'enforce'; request: EnforceRequest };
