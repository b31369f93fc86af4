// listConnections: one conntrack dump (kernel-side filters where the kernel has them), the rest
// of the filter matched here, and local endpoints found through sock_diag.
import { IPPROTO_TCP } from '@p2pwall/core';
import { Conntrack, SockDiag, type ConntrackEntry } from '@p2pwall/core/netlink';
import { addressOrder, toConnection, type Connection } from './connection.js';
import { kernelFilter, matchesFilter, type ConnectionFilter } from './filter.js';
import { LocalSockets } from './local-sockets.js';

export interface ListOptions {
  /** Reuse an open ctnetlink socket (closed by the caller). */
  conntrack?: Conntrack;
  /** Reuse an open sock_diag socket. */
  sockDiag?: SockDiag;
}

/** Sorts `list` in place by family, then initiator address (numerically) and port. */
export function sortConnections(list: Connection[]): Connection[] {
  // one key per connection, not two per comparison
  const keys = new Map<Connection, string>();
  for (const c of list)
    keys.set(
      c,
      `${c.family}|${addressOrder(c.initiator.address)}|${String(c.initiator.port).padStart(5, '0')}`,
    );
  return list.sort((a, b) => {
    const ka = keys.get(a)!;
    const kb = keys.get(b)!;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** Connections in the conntrack table matching `filter`, sorted by initiator. */
export async function listConnections(
  filter: ConnectionFilter = {},
  options: ListOptions = {},
): Promise<Connection[]> {
  const ct = options.conntrack ?? Conntrack.open();
  const kf = kernelFilter(filter);
  let entries: ConntrackEntry[];
  try {
    entries = await ct.dump({ family: kf.family, filter: kf.filter });
  } finally {
    if (!options.conntrack) ct.close();
  }
  const out = entries.map(toConnection).filter((c) => matchesFilter(c, filter));
  if (out.some((c) => c.protoNum === IPPROTO_TCP)) {
    const diag = options.sockDiag ?? SockDiag.open();
    try {
      const local = new LocalSockets();
      await local.refresh(diag);
      for (const c of out) local.classify(c);
    } finally {
      if (!options.sockDiag) diag.close();
    }
  }
  return sortConnections(out);
}
