// rope run --share: one engine's tables kept in step with the fleet's through Redis. The engine's
// local changes go out in one batch per turn of the event loop (TableSync, as between queue
// workers); what other gateways publish is applied without being reported again (no echo).
import { RedisShare } from '../tables/redis-share.js';
import type { ShareTarget } from '../tables/share-target.js';
import type { TableSet } from '../tables/table-set.js';
import { tableSetSide } from '../tables/table-set-side.js';
import { TableSync } from '../tables/table-sync.js';

export interface FleetShare {
  readonly share: RedisShare;
  stop(): Promise<void>;
}

/** The tables' clock in rope run: seconds since 1970. */
const now = () => Date.now() / 1000;

export function startFleetShare(
  target: ShareTarget,
  tables: TableSet,
  log: (line: string) => void,
): FleetShare {
  const share = RedisShare.start(target, tableSetSide(tables, now), { now, log });
  const sync = new TableSync(tables, (batch) => share.publish(batch), now);
  return {
    share,
    async stop() {
      sync.stop();
      await share.stop();
    },
  };
}
