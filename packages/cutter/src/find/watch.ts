// Live view of matching connections for the interactive UI: a snapshot (again after the kernel
// dropped events), then new/update/destroy events of the entries that match, in kernel order.
import { IPPROTO_TCP } from '@p2pwall/core';
import { ConntrackWatch, SockDiag, type ConntrackEventType } from '@p2pwall/core/netlink';
import { toConnection, type Connection } from './connection.js';
import { kernelFilter, matchesFilter, type ConnectionFilter } from './filter.js';
import { LocalSockets } from './local-sockets.js';
import { sortConnections } from './query.js';

export interface WatchHandlers {
  /** Every matching connection (at start, and after an overrun lost events). */
  onSnapshot(connections: Connection[], reason: 'initial' | 'overrun'): void;
  /** A matching connection appeared, changed, or went away (destroy: by `key`). */
  onEvent(type: ConntrackEventType, connection: Connection): void;
  onError?(e: Error): void;
}

export interface ConnectionWatch {
  /** Times the kernel dropped events (each followed by a fresh snapshot). */
  readonly overruns: number;
  close(): void;
}

const LOCAL_REFRESH_MS = 200;

export async function watchConnections(
  filter: ConnectionFilter,
  handlers: WatchHandlers,
): Promise<ConnectionWatch> {
  const diag = SockDiag.open();
  const local = new LocalSockets();
  let refreshedAt = 0;
  const refreshLocal = async () => {
    if (Date.now() - refreshedAt < LOCAL_REFRESH_MS) return;
    refreshedAt = Date.now();
    try {
      await local.refresh(diag);
    } catch (e) {
      handlers.onError?.(e as Error);
    }
  };
  const shown = new Set<string>();
  // events are applied in arrival order even though local lookups are asynchronous
  let queue = Promise.resolve();
  const kf = kernelFilter(filter);
  let watch: ConntrackWatch;
  try {
    watch = await ConntrackWatch.start({
      snapshot: true,
      family: kf.family,
      filter: kf.filter,
      onSnapshot: (entries, reason) => {
        queue = queue.then(async () => {
          refreshedAt = 0;
          await refreshLocal();
          const list = entries.map(toConnection).filter((c) => matchesFilter(c, filter));
          for (const c of list) local.classify(c);
          shown.clear();
          for (const c of list) shown.add(c.key);
          handlers.onSnapshot(sortConnections(list), reason);
        });
      },
      onEvent: (ev) => {
        queue = queue.then(async () => {
          const c = toConnection(ev.entry);
          if (ev.type === 'destroy') {
            if (shown.delete(c.key)) handlers.onEvent('destroy', c);
            return;
          }
          if (!matchesFilter(c, filter)) {
            // an update can move an entry out of the filter (state, mark): treat as gone
            if (shown.delete(c.key)) handlers.onEvent('destroy', c);
            return;
          }
          if (c.protoNum === IPPROTO_TCP && ev.type === 'new') await refreshLocal();
          local.classify(c);
          shown.add(c.key);
          handlers.onEvent(ev.type, c);
        });
      },
      onError: (e) => handlers.onError?.(e),
    });
  } catch (e) {
    diag.close();
    throw e;
  }
  return {
    get overruns() {
      return watch.overruns;
    },
    close() {
      watch.close();
      diag.close();
    },
  };
}
