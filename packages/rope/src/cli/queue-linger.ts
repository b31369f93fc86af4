// How long rope run's queue threads wait in poll(2) for the next packet when a queue runs dry,
// before their event loop gets its turn back (NfQueueOptions.lingerMs, netlink/direct-drain.ts).
// A packet that comes meanwhile skips the event loop's wake-up path; measured in the lab, that
// halved the round trip's p99 through the queue (docs/performance.md, "Lingering on the queue").
// The thread sleeps while it waits, so an idle rope run costs no more CPU; what it costs is that
// timers, signals and the control socket wait up to 4 ms for their turn under a steady trickle.
import { UsageError } from './command.js';

export const DEFAULT_QUEUE_LINGER_MS = 2;
/** The transport never keeps the event loop waiting longer per wake-up (LINGER_BUDGET_MS). */
export const MAX_QUEUE_LINGER_MS = 4;

/** P2PWALL_QUEUE_LINGER_MS: whole milliseconds, 0 (off) to 4; unset: the default. */
export function queueLingerMs(env: NodeJS.ProcessEnv): number {
  const v = env.P2PWALL_QUEUE_LINGER_MS;
  if (v === undefined || v === '') return DEFAULT_QUEUE_LINGER_MS;
  if (!/^\d+$/.test(v) || Number(v) > MAX_QUEUE_LINGER_MS)
    throw new UsageError(
      `P2PWALL_QUEUE_LINGER_MS: '${v}' is not a whole number of milliseconds in 0..${MAX_QUEUE_LINGER_MS}`,
    );
  return Number(v);
}
