// sock_diag / inet_diag numbers (include/uapi/linux/sock_diag.h, inet_diag.h, net/tcp_states.h).

/** Message types on NETLINK_SOCK_DIAG. */
export const SOCK_DIAG_BY_FAMILY = 20;
export const SOCK_DESTROY = 21;

/** sizeof(struct inet_diag_sockid), inet_diag_req_v2, inet_diag_msg. */
export const INET_DIAG_SOCKID_LEN = 48;
export const INET_DIAG_REQ_V2_LEN = 56;
export const INET_DIAG_MSG_LEN = 72;

/** idiag_cookie value meaning "any socket with this tuple". */
export const INET_DIAG_NOCOOKIE = 0xffffffffffffffffn;

/** enum inet_diag attribute types (the reply's attributes after inet_diag_msg). */
export const INET_DIAG_NONE = 0;
export const INET_DIAG_MEMINFO = 1;
export const INET_DIAG_INFO = 2;
export const INET_DIAG_VEGASINFO = 3;
export const INET_DIAG_CONG = 4;
export const INET_DIAG_TOS = 5;
export const INET_DIAG_TCLASS = 6;
export const INET_DIAG_SKMEMINFO = 7;
export const INET_DIAG_SHUTDOWN = 8;
export const INET_DIAG_DCTCPINFO = 9;
export const INET_DIAG_PROTOCOL = 10;
export const INET_DIAG_SKV6ONLY = 11;
export const INET_DIAG_LOCALS = 12;
export const INET_DIAG_PEERS = 13;
export const INET_DIAG_PAD = 14;
export const INET_DIAG_MARK = 15;
export const INET_DIAG_BBRINFO = 16;
export const INET_DIAG_CLASS_ID = 17;
export const INET_DIAG_MD5SIG = 18;
export const INET_DIAG_ULP_INFO = 19;
export const INET_DIAG_SK_BPF_STORAGES = 20;
export const INET_DIAG_CGROUP_ID = 21;
export const INET_DIAG_SOCKOPT = 22;
export const INET_DIAG_MAX = 22;

/** enum inet_ulp_info attributes inside INET_DIAG_ULP_INFO. */
export const INET_ULP_INFO_NAME = 1;

/** TCP states (net/tcp_states.h); idiag_states is a bitmask of 1 << state. */
export const TCP_ESTABLISHED = 1;
export const TCP_SYN_SENT = 2;
export const TCP_SYN_RECV = 3;
export const TCP_FIN_WAIT1 = 4;
export const TCP_FIN_WAIT2 = 5;
export const TCP_TIME_WAIT = 6;
export const TCP_CLOSE = 7;
export const TCP_CLOSE_WAIT = 8;
export const TCP_LAST_ACK = 9;
export const TCP_LISTEN = 10;
export const TCP_CLOSING = 11;
export const TCP_NEW_SYN_RECV = 12;

export const TCP_STATE_TEXT: readonly string[] = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
];

/** Every state but LISTEN, TIME_WAIT and NEW_SYN_RECV: the sockets of live connections. */
export const TCPF_CONNECTED =
  (1 << TCP_ESTABLISHED) |
  (1 << TCP_SYN_SENT) |
  (1 << TCP_SYN_RECV) |
  (1 << TCP_FIN_WAIT1) |
  (1 << TCP_FIN_WAIT2) |
  (1 << TCP_CLOSE_WAIT) |
  (1 << TCP_LAST_ACK) |
  (1 << TCP_CLOSING);
export const TCPF_ALL = 0xffffffff;
