// nfnetlink_queue numbers (include/uapi/linux/netfilter/nfnetlink_queue.h, netfilter.h,
// nf_conntrack_common.h), named as in the kernel so a reader can grep it.

/** enum nfqnl_msg_types (subsystem NFNL_SUBSYS_QUEUE). */
export const NFQNL_MSG_PACKET = 0;
export const NFQNL_MSG_VERDICT = 1;
export const NFQNL_MSG_CONFIG = 2;
export const NFQNL_MSG_VERDICT_BATCH = 3;

/** enum nfqnl_attr_type: attributes of packet and verdict messages. */
export const NFQA_UNSPEC = 0;
export const NFQA_PACKET_HDR = 1;
export const NFQA_VERDICT_HDR = 2;
export const NFQA_MARK = 3;
export const NFQA_TIMESTAMP = 4;
export const NFQA_IFINDEX_INDEV = 5;
export const NFQA_IFINDEX_OUTDEV = 6;
export const NFQA_IFINDEX_PHYSINDEV = 7;
export const NFQA_IFINDEX_PHYSOUTDEV = 8;
export const NFQA_HWADDR = 9;
export const NFQA_PAYLOAD = 10;
export const NFQA_CT = 11;
export const NFQA_CT_INFO = 12;
export const NFQA_CAP_LEN = 13;
export const NFQA_SKB_INFO = 14;
export const NFQA_EXP = 15;
export const NFQA_UID = 16;
export const NFQA_GID = 17;
export const NFQA_SECCTX = 18;
export const NFQA_VLAN = 19;
export const NFQA_L2HDR = 20;
export const NFQA_PRIORITY = 21;
export const NFQA_CGROUP_CLASSID = 22;
export const NFQA_MAX = 22;

/** enum nfqnl_vlan_attr (inside NFQA_VLAN). */
export const NFQA_VLAN_PROTO = 1;
export const NFQA_VLAN_TCI = 2;
export const NFQA_VLAN_MAX = 2;

/** enum nfqnl_attr_config. */
export const NFQA_CFG_UNSPEC = 0;
export const NFQA_CFG_CMD = 1;
export const NFQA_CFG_PARAMS = 2;
export const NFQA_CFG_QUEUE_MAXLEN = 3;
export const NFQA_CFG_MASK = 4;
export const NFQA_CFG_FLAGS = 5;
export const NFQA_CFG_MAX = 5;

/** enum nfqnl_msg_config_cmds (struct nfqnl_msg_config_cmd.command). */
export const NFQNL_CFG_CMD_NONE = 0;
export const NFQNL_CFG_CMD_BIND = 1;
export const NFQNL_CFG_CMD_UNBIND = 2;
/** No-ops since Linux 3.8 (the kernel returns 0 at once); kept for old kernels. */
export const NFQNL_CFG_CMD_PF_BIND = 3;
export const NFQNL_CFG_CMD_PF_UNBIND = 4;

/** enum nfqnl_config_mode (struct nfqnl_msg_config_params.copy_mode). */
export const NFQNL_COPY_NONE = 0;
export const NFQNL_COPY_META = 1;
export const NFQNL_COPY_PACKET = 2;

/** The largest copy_range the kernel keeps (0xffff − NLA_HDRLEN); larger values are clamped. */
export const NFQNL_MAX_COPY_RANGE = 0xffff - 4;
/** Queue length of a new instance (NFQNL_QMAX_DEFAULT). */
export const NFQNL_QMAX_DEFAULT = 1024;

/** NFQA_CFG_FLAGS / NFQA_CFG_MASK bits (be32). */
export const NFQA_CFG_F_FAIL_OPEN = 1 << 0;
export const NFQA_CFG_F_CONNTRACK = 1 << 1;
export const NFQA_CFG_F_GSO = 1 << 2;
export const NFQA_CFG_F_UID_GID = 1 << 3;
export const NFQA_CFG_F_SECCTX = 1 << 4;
export const NFQA_CFG_F_MAX = 1 << 5;

/** NFQA_SKB_INFO bits (be32). */
export const NFQA_SKB_CSUMNOTREADY = 1 << 0;
export const NFQA_SKB_GSO = 1 << 1;
export const NFQA_SKB_CSUM_NOTVERIFIED = 1 << 2;

/** Verdicts (include/uapi/linux/netfilter.h). The low byte is the verdict proper. */
export const NF_DROP = 0;
export const NF_ACCEPT = 1;
export const NF_STOLEN = 2;
export const NF_QUEUE = 3;
export const NF_REPEAT = 4;
export const NF_STOP = 5;
export const NF_VERDICT_MASK = 0x000000ff;
export const NF_VERDICT_FLAG_QUEUE_BYPASS = 0x00008000;
export const NF_VERDICT_QMASK = 0xffff0000;
export const NF_VERDICT_QBITS = 16;

/** NF_QUEUE_NR(n): re-queue the packet to queue `n`. */
export function nfQueueNr(queue: number): number {
  return (((queue << NF_VERDICT_QBITS) & NF_VERDICT_QMASK) | NF_QUEUE) >>> 0;
}

/** enum ip_conntrack_info, as NFQA_CT_INFO (be32) carries it. */
export const IP_CT_ESTABLISHED = 0;
export const IP_CT_RELATED = 1;
export const IP_CT_NEW = 2;
export const IP_CT_IS_REPLY = 3;
export const IP_CT_ESTABLISHED_REPLY = IP_CT_ESTABLISHED + IP_CT_IS_REPLY;
export const IP_CT_RELATED_REPLY = IP_CT_RELATED + IP_CT_IS_REPLY;
export const IP_CT_NUMBER = 5;
/** A packet the `notrack` / `ct state untracked` rules exempted (IP_CT_NUMBER * 2 - 1). */
export const IP_CT_UNTRACKED = 7;
