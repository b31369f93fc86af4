// ctnetlink numbers (include/uapi/linux/netfilter/nfnetlink_conntrack.h,
// nf_conntrack_common.h, nf_conntrack_tcp.h), named as in the kernel.

/** enum cntl_msg_types (subsystem NFNL_SUBSYS_CTNETLINK). */
export const IPCTNL_MSG_CT_NEW = 0;
export const IPCTNL_MSG_CT_GET = 1;
export const IPCTNL_MSG_CT_DELETE = 2;
export const IPCTNL_MSG_CT_GET_CTRZERO = 3;
export const IPCTNL_MSG_CT_GET_STATS_CPU = 4;
export const IPCTNL_MSG_CT_GET_STATS = 5;
export const IPCTNL_MSG_CT_GET_DYING = 6;
export const IPCTNL_MSG_CT_GET_UNCONFIRMED = 7;

/** enum ctattr_type. */
export const CTA_UNSPEC = 0;
export const CTA_TUPLE_ORIG = 1;
export const CTA_TUPLE_REPLY = 2;
export const CTA_STATUS = 3;
export const CTA_PROTOINFO = 4;
export const CTA_HELP = 5;
export const CTA_NAT_SRC = 6;
export const CTA_TIMEOUT = 7;
export const CTA_MARK = 8;
export const CTA_COUNTERS_ORIG = 9;
export const CTA_COUNTERS_REPLY = 10;
export const CTA_USE = 11;
export const CTA_ID = 12;
export const CTA_NAT_DST = 13;
export const CTA_TUPLE_MASTER = 14;
export const CTA_SEQ_ADJ_ORIG = 15;
export const CTA_SEQ_ADJ_REPLY = 16;
export const CTA_SECMARK = 17;
export const CTA_ZONE = 18;
export const CTA_SECCTX = 19;
export const CTA_TIMESTAMP = 20;
export const CTA_MARK_MASK = 21;
export const CTA_LABELS = 22;
export const CTA_LABELS_MASK = 23;
export const CTA_SYNPROXY = 24;
export const CTA_FILTER = 25;
export const CTA_STATUS_MASK = 26;
export const CTA_TIMESTAMP_EVENT = 27;
export const CTA_MAX = 27;

/** enum ctattr_tuple. */
export const CTA_TUPLE_IP = 1;
export const CTA_TUPLE_PROTO = 2;
export const CTA_TUPLE_ZONE = 3;
export const CTA_TUPLE_MAX = 3;

/** enum ctattr_ip: addresses in network order. */
export const CTA_IP_V4_SRC = 1;
export const CTA_IP_V4_DST = 2;
export const CTA_IP_V6_SRC = 3;
export const CTA_IP_V6_DST = 4;
export const CTA_IP_MAX = 4;

/** enum ctattr_l4proto. */
export const CTA_PROTO_NUM = 1;
export const CTA_PROTO_SRC_PORT = 2;
export const CTA_PROTO_DST_PORT = 3;
export const CTA_PROTO_ICMP_ID = 4;
export const CTA_PROTO_ICMP_TYPE = 5;
export const CTA_PROTO_ICMP_CODE = 6;
export const CTA_PROTO_ICMPV6_ID = 7;
export const CTA_PROTO_ICMPV6_TYPE = 8;
export const CTA_PROTO_ICMPV6_CODE = 9;
export const CTA_PROTO_MAX = 9;

/** enum ctattr_protoinfo. */
export const CTA_PROTOINFO_TCP = 1;
export const CTA_PROTOINFO_DCCP = 2;
export const CTA_PROTOINFO_SCTP = 3;
export const CTA_PROTOINFO_MAX = 3;

/** enum ctattr_protoinfo_tcp. */
export const CTA_PROTOINFO_TCP_STATE = 1;
export const CTA_PROTOINFO_TCP_WSCALE_ORIGINAL = 2;
export const CTA_PROTOINFO_TCP_WSCALE_REPLY = 3;
export const CTA_PROTOINFO_TCP_FLAGS_ORIGINAL = 4;
export const CTA_PROTOINFO_TCP_FLAGS_REPLY = 5;
export const CTA_PROTOINFO_TCP_MAX = 5;

/** enum ctattr_protoinfo_dccp / sctp (state only is decoded). */
export const CTA_PROTOINFO_DCCP_STATE = 1;
export const CTA_PROTOINFO_SCTP_STATE = 1;

/** enum ctattr_counters (u64 big-endian; the 32-bit pair is obsolete). */
export const CTA_COUNTERS_PACKETS = 1;
export const CTA_COUNTERS_BYTES = 2;
export const CTA_COUNTERS32_PACKETS = 3;
export const CTA_COUNTERS32_BYTES = 4;
export const CTA_COUNTERS_PAD = 5;
export const CTA_COUNTERS_MAX = 5;

/** enum ctattr_tstamp (u64 big-endian nanoseconds). */
export const CTA_TIMESTAMP_START = 1;
export const CTA_TIMESTAMP_STOP = 2;
export const CTA_TIMESTAMP_PAD = 3;
export const CTA_TIMESTAMP_MAX = 3;

/** enum ctattr_help. */
export const CTA_HELP_NAME = 1;
export const CTA_HELP_INFO = 2;
export const CTA_HELP_MAX = 2;

/** enum ctattr_secctx. */
export const CTA_SECCTX_NAME = 1;

/** enum ctattr_seqadj. */
export const CTA_SEQADJ_CORRECTION_POS = 1;
export const CTA_SEQADJ_OFFSET_BEFORE = 2;
export const CTA_SEQADJ_OFFSET_AFTER = 3;
export const CTA_SEQADJ_MAX = 3;

/** enum ctattr_synproxy. */
export const CTA_SYNPROXY_ISN = 1;
export const CTA_SYNPROXY_ITS = 2;
export const CTA_SYNPROXY_TSOFF = 3;
export const CTA_SYNPROXY_MAX = 3;

/** enum ctattr_filter: the flags are u32 in host byte order. */
export const CTA_FILTER_ORIG_FLAGS = 1;
export const CTA_FILTER_REPLY_FLAGS = 2;

/** CTA_FILTER_FLAG_* bits. */
export const CTA_FILTER_FLAG_CTA_IP_SRC = 1 << 0;
export const CTA_FILTER_FLAG_CTA_IP_DST = 1 << 1;
export const CTA_FILTER_FLAG_CTA_TUPLE_ZONE = 1 << 2;
export const CTA_FILTER_FLAG_CTA_PROTO_NUM = 1 << 3;
export const CTA_FILTER_FLAG_CTA_PROTO_SRC_PORT = 1 << 4;
export const CTA_FILTER_FLAG_CTA_PROTO_DST_PORT = 1 << 5;
export const CTA_FILTER_FLAG_CTA_PROTO_ICMP_TYPE = 1 << 6;
export const CTA_FILTER_FLAG_CTA_PROTO_ICMP_CODE = 1 << 7;
export const CTA_FILTER_FLAG_CTA_PROTO_ICMP_ID = 1 << 8;
export const CTA_FILTER_FLAG_CTA_PROTO_ICMPV6_TYPE = 1 << 9;
export const CTA_FILTER_FLAG_CTA_PROTO_ICMPV6_CODE = 1 << 10;
export const CTA_FILTER_FLAG_CTA_PROTO_ICMPV6_ID = 1 << 11;

/** enum nfnetlink_groups: conntrack event multicast groups. */
export const NFNLGRP_CONNTRACK_NEW = 1;
export const NFNLGRP_CONNTRACK_UPDATE = 2;
export const NFNLGRP_CONNTRACK_DESTROY = 3;
export const NFNLGRP_CONNTRACK_EXP_NEW = 4;
export const NFNLGRP_CONNTRACK_EXP_UPDATE = 5;
export const NFNLGRP_CONNTRACK_EXP_DESTROY = 6;

/** enum ip_conntrack_status bits. */
export const IPS_EXPECTED = 1 << 0;
export const IPS_SEEN_REPLY = 1 << 1;
export const IPS_ASSURED = 1 << 2;
export const IPS_CONFIRMED = 1 << 3;
export const IPS_SRC_NAT = 1 << 4;
export const IPS_DST_NAT = 1 << 5;
export const IPS_SEQ_ADJUST = 1 << 6;
export const IPS_SRC_NAT_DONE = 1 << 7;
export const IPS_DST_NAT_DONE = 1 << 8;
export const IPS_DYING = 1 << 9;
export const IPS_FIXED_TIMEOUT = 1 << 10;
export const IPS_TEMPLATE = 1 << 11;
export const IPS_UNTRACKED = 1 << 12;
export const IPS_HELPER = 1 << 13;
export const IPS_OFFLOAD = 1 << 14;
export const IPS_HW_OFFLOAD = 1 << 15;
export const IPS_NAT_MASK = IPS_SRC_NAT | IPS_DST_NAT;

/** enum tcp_conntrack. */
export const TCP_CONNTRACK_NONE = 0;
export const TCP_CONNTRACK_SYN_SENT = 1;
export const TCP_CONNTRACK_SYN_RECV = 2;
export const TCP_CONNTRACK_ESTABLISHED = 3;
export const TCP_CONNTRACK_FIN_WAIT = 4;
export const TCP_CONNTRACK_CLOSE_WAIT = 5;
export const TCP_CONNTRACK_LAST_ACK = 6;
export const TCP_CONNTRACK_TIME_WAIT = 7;
export const TCP_CONNTRACK_CLOSE = 8;
export const TCP_CONNTRACK_SYN_SENT2 = 9;
export const TCP_CONNTRACK_MAX = 10;
export const TCP_CONNTRACK_IGNORE = 11;
export const TCP_CONNTRACK_RETRANS = 12;
export const TCP_CONNTRACK_UNACK = 13;

/** struct nf_ct_tcp_flags bits (IP_CT_TCP_FLAG_*). */
export const IP_CT_TCP_FLAG_WINDOW_SCALE = 0x01;
export const IP_CT_TCP_FLAG_SACK_PERM = 0x02;
export const IP_CT_TCP_FLAG_CLOSE_INIT = 0x04;
export const IP_CT_TCP_FLAG_BE_LIBERAL = 0x08;
export const IP_CT_TCP_FLAG_DATA_UNACKNOWLEDGED = 0x10;
export const IP_CT_TCP_FLAG_MAXACK_SET = 0x20;
export const IP_CT_EXP_CHALLENGE_ACK = 0x40;
export const IP_CT_TCP_SIMULTANEOUS_OPEN = 0x80;
