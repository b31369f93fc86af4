// The inet tables, asked of the kernel over netlink and shared by the callers that ask while one
// dump runs. cutter asks twice at start, at the same moment: the leftover check wants the tables
// (and the owner identity their comments record), the backend detection wants to know that
// nf_tables answers here. Asking netlink instead of starting `nft list tables inet` spares a fork
// and exec of a large Node process before the cut (several milliseconds of its own thread each).
// Nothing is cached once the dump ends: a later caller sees the tables as they are then.
import { NFPROTO_INET } from '../netlink/nftables/constants.js';
import { listNftTablesOf } from '../netlink/nftables/listing.js';
import type { NftTableInfo } from '../netlink/nftables/tables.js';

export type InetTablesLister = () => Promise<NftTableInfo[]>;

const fromKernel: InetTablesLister = () => listNftTablesOf([NFPROTO_INET]);

let running: { list: InetTablesLister; listing: Promise<NftTableInfo[]> } | null = null;

/** The inet tables now; callers that ask while a dump runs share it. `list` is for tests. */
export function listInetTables(list: InetTablesLister = fromKernel): Promise<NftTableInfo[]> {
  if (running !== null && running.list === list) return running.listing;
  const listing = list();
  const mine = { list, listing };
  running = mine;
  const done = () => {
    if (running === mine) running = null;
  };
  listing.then(done, done);
  return listing;
}
