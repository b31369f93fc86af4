// rope run --share: the tables of this rope run kept in step with other gateways' through Redis.
// The share joins the main thread's table hub as one more engine: what any queue engine or the
// enforcer changes reaches it (and Redis), and what other gateways publish goes, like an engine's
// batch, into the replica, to every queue engine and into the kernel sets — never back to Redis.
import { RedisShare } from '../tables/redis-share.js';
import type { ShareTarget } from '../tables/share-target.js';
import type { TableChange } from '../tables/shared-table.js';
import type { TableSet } from '../tables/table-set.js';
import { tableSetSide } from '../tables/table-set-side.js';

/** The hub's id of the share (queue engines use their queue numbers). */
export const SHARE_ENGINE = -1;

/** What the share needs of rope run's tables (RunTables). */
export interface SharedTables {
  readonly replica: TableSet;
  readonly hub: { detach(id: number): void };
  attach(id: number, toEngine: (batch: TableChange[]) => void): (batch: TableChange[]) => void;
}

export interface FleetShare {
  readonly share: RedisShare;
  stop(): Promise<void>;
}

/** The tables' clock in rope run: seconds since 1970. */
const now = () => Date.now() / 1000;

export function startFleetShare(
  target: ShareTarget,
  tables: SharedTables,
  log: (line: string) => void,
): FleetShare {
  let fromShare: (batch: TableChange[]) => void = () => {};
  const replica = tableSetSide(tables.replica, now);
  // connecting is asynchronous: fromShare is in place before anything arrives
  const share = RedisShare.start(
    target,
    { apply: (batch) => fromShare(batch), entries: () => replica.entries() },
    { now, log },
  );
  fromShare = tables.attach(SHARE_ENGINE, (batch) => share.publish(batch));
  return {
    share,
    async stop() {
      tables.hub.detach(SHARE_ENGINE);
      await share.stop();
    },
  };
}
