// nf_tables numbers for set elements, named as include/uapi/linux/netfilter/nf_tables.h and
// netfilter.h name them, so a reader can grep the kernel. Only what the set clients use.

/** enum nf_tables_msg_types (the low byte of a NFNL_SUBSYS_NFTABLES message type). */
export const NFT_MSG_NEWTABLE = 0;
export const NFT_MSG_GETTABLE = 1;
export const NFT_MSG_NEWCHAIN = 3;
export const NFT_MSG_GETCHAIN = 4;
export const NFT_MSG_NEWSET = 9;
export const NFT_MSG_GETSET = 10;
export const NFT_MSG_NEWSETELEM = 12;
export const NFT_MSG_GETSETELEM = 13;
export const NFT_MSG_DELSETELEM = 14;
export const NFT_MSG_NEWGEN = 15;
export const NFT_MSG_GETGEN = 16;
/** Deletes an element that may be missing without failing (Linux 6.3). */
export const NFT_MSG_DESTROYSETELEM = 30;

/** enum nft_table_attributes (NFT_MSG_GETTABLE, to tell a missing table from a missing set). */
export const NFTA_TABLE_NAME = 1;
export const NFTA_TABLE_FLAGS = 2;
/** libnftnl's TLVs: the comment nft writes with `table … { comment "…" }`. */
export const NFTA_TABLE_USERDATA = 6;
export const NFTA_TABLE_MAX = 7;
/** The libnftnl user-data TLV type of a table's comment (NFTNL_UDATA_TABLE_COMMENT). */
export const NFTNL_UDATA_TABLE_COMMENT = 0;

/** enum nft_chain_attributes (the NFT_MSG_NEWCHAIN messages of a chain dump). */
export const NFTA_CHAIN_TABLE = 1;
export const NFTA_CHAIN_NAME = 3;
export const NFTA_CHAIN_MAX = 12;

/** enum nft_list_attributes. */
export const NFTA_LIST_ELEM = 1;

/** enum nft_set_attributes (the answer to NFT_MSG_GETSET). */
export const NFTA_SET_TABLE = 1;
export const NFTA_SET_NAME = 2;
export const NFTA_SET_FLAGS = 3;
export const NFTA_SET_KEY_TYPE = 4;
export const NFTA_SET_KEY_LEN = 5;
export const NFTA_SET_DATA_TYPE = 6;
export const NFTA_SET_DATA_LEN = 7;
export const NFTA_SET_POLICY = 8;
export const NFTA_SET_DESC = 9;
export const NFTA_SET_ID = 10;
export const NFTA_SET_TIMEOUT = 11;
export const NFTA_SET_GC_INTERVAL = 12;
export const NFTA_SET_USERDATA = 13;
export const NFTA_SET_PAD = 14;
export const NFTA_SET_OBJ_TYPE = 15;
export const NFTA_SET_HANDLE = 16;
export const NFTA_SET_EXPR = 17;
export const NFTA_SET_EXPRESSIONS = 18;
export const NFTA_SET_TYPE = 19;
export const NFTA_SET_COUNT = 20;
export const NFTA_SET_MAX = NFTA_SET_COUNT;

/** enum nft_set_flags. */
export const NFT_SET_ANONYMOUS = 0x1;
export const NFT_SET_CONSTANT = 0x2;
export const NFT_SET_INTERVAL = 0x4;
export const NFT_SET_MAP = 0x8;
export const NFT_SET_TIMEOUT = 0x10;
export const NFT_SET_EVAL = 0x20;
export const NFT_SET_OBJECT = 0x40;
export const NFT_SET_CONCAT = 0x80;
export const NFT_SET_EXPR = 0x100;

/** enum nft_set_elem_flags. */
export const NFT_SET_ELEM_INTERVAL_END = 0x1;
export const NFT_SET_ELEM_CATCHALL = 0x2;

/** enum nft_set_elem_attributes. */
export const NFTA_SET_ELEM_KEY = 1;
export const NFTA_SET_ELEM_DATA = 2;
export const NFTA_SET_ELEM_FLAGS = 3;
/** Milliseconds, big-endian u64; zero means never times out. */
export const NFTA_SET_ELEM_TIMEOUT = 4;
/** Milliseconds left, big-endian u64 (in dumps). */
export const NFTA_SET_ELEM_EXPIRATION = 5;
export const NFTA_SET_ELEM_USERDATA = 6;
export const NFTA_SET_ELEM_EXPR = 7;
export const NFTA_SET_ELEM_PAD = 8;
export const NFTA_SET_ELEM_OBJREF = 9;
export const NFTA_SET_ELEM_KEY_END = 10;
export const NFTA_SET_ELEM_EXPRESSIONS = 11;
export const NFTA_SET_ELEM_MAX = NFTA_SET_ELEM_EXPRESSIONS;

/** enum nft_set_elem_list_attributes. */
export const NFTA_SET_ELEM_LIST_TABLE = 1;
export const NFTA_SET_ELEM_LIST_SET = 2;
export const NFTA_SET_ELEM_LIST_ELEMENTS = 3;
export const NFTA_SET_ELEM_LIST_SET_ID = 4;
export const NFTA_SET_ELEM_LIST_MAX = NFTA_SET_ELEM_LIST_SET_ID;

/** enum nft_data_attributes. */
export const NFTA_DATA_VALUE = 1;
export const NFTA_DATA_VERDICT = 2;
export const NFTA_DATA_MAX = NFTA_DATA_VERDICT;

/** enum nft_gen_attributes. */
export const NFTA_GEN_ID = 1;
export const NFTA_GEN_MAX = 3;

/** Concatenated key fields each start on a 4-byte register (NFT_REG32_SIZE). */
export const NFT_REG32_SIZE = 4;

/** Netfilter protocol families (enum NFPROTO_*, include/uapi/linux/netfilter.h): table families. */
export const NFPROTO_INET = 1;
export const NFPROTO_IPV4 = 2;
export const NFPROTO_ARP = 3;
export const NFPROTO_NETDEV = 5;
export const NFPROTO_BRIDGE = 7;
export const NFPROTO_IPV6 = 10;

/**
 * Socket option at SOL_NETLINK (include/uapi/linux/netlink.h) that the shared constants do not
 * name: error messages echo only the request's header, not its payload (a refused batch message
 * of a thousand elements would otherwise come back whole).
 */
export const NETLINK_CAP_ACK = 10;
/** SO_SNDBUFFORCE at SOL_SOCKET (asm-generic/socket.h): a send buffer above wmem_max. */
export const SO_SNDBUFFORCE = 32;

/** More of enum nf_tables_msg_types: what installing and removing a ruleset sends. */
export const NFT_MSG_DELTABLE = 2;
export const NFT_MSG_NEWRULE = 6;

/** More of enum nft_chain_attributes, for base chains. */
export const NFTA_CHAIN_HOOK = 4;
export const NFTA_CHAIN_POLICY = 5;
export const NFTA_CHAIN_TYPE = 7;
/** enum nft_hook_attributes. */
export const NFTA_HOOK_HOOKNUM = 1;
export const NFTA_HOOK_PRIORITY = 2;

/** enum nft_rule_attributes. */
export const NFTA_RULE_TABLE = 1;
export const NFTA_RULE_CHAIN = 2;
export const NFTA_RULE_EXPRESSIONS = 4;
export const NFTA_RULE_USERDATA = 7;
/** The libnftnl user-data TLV type of a rule's comment (NFTNL_UDATA_RULE_COMMENT). */
export const NFTNL_UDATA_RULE_COMMENT = 0;

/** enum nft_expr_attributes. */
export const NFTA_EXPR_NAME = 1;
export const NFTA_EXPR_DATA = 2;

/** enum nft_registers: 16-byte registers 1–4, and the 4-byte ones from NFT_REG32_00. */
export const NFT_REG_VERDICT = 0;
export const NFT_REG_1 = 1;
export const NFT_REG32_00 = 8;

/** enum nft_meta_attributes and the keys used here (enum nft_meta_keys). */
export const NFTA_META_DREG = 1;
export const NFTA_META_KEY = 2;
export const NFT_META_MARK = 3;
export const NFT_META_NFPROTO = 15;
export const NFT_META_L4PROTO = 16;

/** enum nft_cmp_attributes, enum nft_cmp_ops. */
export const NFTA_CMP_SREG = 1;
export const NFTA_CMP_OP = 2;
export const NFTA_CMP_DATA = 3;
export const NFT_CMP_EQ = 0;
export const NFT_CMP_NEQ = 1;

/** enum nft_payload_attributes, enum nft_payload_bases. */
export const NFTA_PAYLOAD_DREG = 1;
export const NFTA_PAYLOAD_BASE = 2;
export const NFTA_PAYLOAD_OFFSET = 3;
export const NFTA_PAYLOAD_LEN = 4;
export const NFT_PAYLOAD_NETWORK_HEADER = 1;
export const NFT_PAYLOAD_TRANSPORT_HEADER = 2;

/** enum nft_lookup_attributes. */
export const NFTA_LOOKUP_SET = 1;
export const NFTA_LOOKUP_SREG = 2;
export const NFTA_LOOKUP_SET_ID = 4;

/** enum nft_log_attributes. */
export const NFTA_LOG_GROUP = 1;
export const NFTA_LOG_SNAPLEN = 3;
export const NFTA_LOG_QTHRESHOLD = 4;

/** enum nft_immediate_attributes, enum nft_verdict_attributes. */
export const NFTA_IMMEDIATE_DREG = 1;
export const NFTA_IMMEDIATE_DATA = 2;
export const NFTA_VERDICT_CODE = 1;
