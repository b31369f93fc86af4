// Which nf_tables tables and chains exist, asked over one NETLINK_NETFILTER socket (the dumps of
// tables.ts) instead of from an `nft list …` process. Needs CAP_NET_ADMIN, as nft does; rejects
// with NetlinkError where the kernel has no nf_tables.
import { NETLINK_NETFILTER, NFNL_SUBSYS_NFTABLES, nfnlMsgType } from '../constants.js';
import { ENOENT } from '../errno.js';
import { NetlinkError } from '../errors.js';
import { NetlinkSocket } from '../transport.js';
import { NlWriter } from '../writer.js';
import { NFT_MSG_NEWCHAIN, NFT_MSG_NEWTABLE } from './constants.js';
import {
  decodeNftChain,
  decodeNftTable,
  writeNftChainsDump,
  writeNftTablesDump,
  type NftChainInfo,
  type NftTableInfo,
} from './tables.js';

const NEWTABLE = nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWTABLE);
const NEWCHAIN = nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWCHAIN);
const NO_NFTABLES = {
  EOPNOTSUPP: 'the kernel has no nf_tables (CONFIG_NF_TABLES off, or its module is not loaded)',
  EPROTONOSUPPORT:
    'the kernel has no nf_tables (CONFIG_NF_TABLES off, or its module is not loaded)',
};

/** Every table of each family asked (NFPROTO_* numbers), in the kernel's order. */
export async function listNftTablesOf(families: readonly number[]): Promise<NftTableInfo[]> {
  return withSocket(async (socket, w) => {
    const out: NftTableInfo[] = [];
    for (const family of families)
      await socket.request(writeNftTablesDump(w, socket.nextSeq(), family).finish(), {
        operation: 'listing nft tables',
        hints: NO_NFTABLES,
        onMessage: (m) => {
          if (m.type === NEWTABLE) out.push(decodeNftTable(m));
        },
      });
    return out;
  });
}

/** The chains of `table` in each family asked (a family without that table has none). */
export async function listNftChainsOf(
  families: readonly number[],
  table: string,
): Promise<NftChainInfo[]> {
  return withSocket(async (socket, w) => {
    const out: NftChainInfo[] = [];
    for (const family of families)
      await socket
        .request(writeNftChainsDump(w, socket.nextSeq(), family, table).finish(), {
          operation: `listing the chains of nft table ${table}`,
          hints: NO_NFTABLES,
          onMessage: (m) => {
            if (m.type !== NEWCHAIN) return;
            const c = decodeNftChain(m);
            if (c.table === table) out.push(c);
          },
        })
        .catch((e: unknown) => {
          // ENOENT: this family has no such table, so no chains in it
          if (!(e instanceof NetlinkError) || e.errno !== ENOENT) throw e;
        });
    return out;
  });
}

async function withSocket<T>(f: (socket: NetlinkSocket, w: NlWriter) => Promise<T>): Promise<T> {
  const socket = NetlinkSocket.open(NETLINK_NETFILTER);
  try {
    return await f(socket, new NlWriter(64));
  } finally {
    socket.close();
  }
}
