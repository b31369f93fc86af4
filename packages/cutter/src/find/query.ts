// listConnections: one conntrack dump (kernel-side filters where the kernel has them), the rest
// of the filter matched here, and local endpoints found through sock_diag.
import { Conntrack, SockDiag, type ConntrackEntry } from '@p2pwall/core/netlink';
import { toConnection, type Connection } from './connection.js';
import { kernelFilter, matchesFilter, type ConnectionFilter } from './filter.js';
import { LocalSockets } from './local-sockets.js';

export interface ListOptions {
  /** Reuse an open ctnetlink socket (closed by the caller). */
  conntrack?: Conntrack;
  /** Reuse an open sock_diag socket. */
  sockDiag?: SockDiag;
}

export function sortConnections(list: Connection[]): Connection[] {
  const k = (c: Connection) =>
    `${c.family}|${c.initiator.address.padStart(39, ' ')}|${String(c.initiator.port).padStart(5, '0')}`;
  return list.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
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
  if (out.some((c) => c.protoNum === 6)) {
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
