// The types of a netlink socket (transport.ts): its options, a request's options and result, the
// events it emits, and the surface of the `netlink` package's raw socket it uses (so tests can
// hand it a fake).
import type { NlMsgView } from './message.js';

export interface NetlinkSocketOptions {
  /**
   * Receive buffer in bytes: set with SO_RCVBUFFORCE (above net.core.rmem_max; needs
   * CAP_NET_ADMIN), else SO_RCVBUF (capped by rmem_max). The kernel doubles the value.
   */
  recvBufferSize?: number;
  sendBufferSize?: number;
  /** Multicast groups to join at once (NETLINK_ADD_MEMBERSHIP). */
  groups?: number[];
  /** Default time limit of request(), in ms (default 5000). */
  timeoutMs?: number;
  /** Keep the event loop alive while the socket is open (default true). */
  ref?: boolean;
  /**
   * Read what waits behind each datagram the package delivers with recvmmsg into `slots` fixed
   * slots of `slotBytes` (no allocation per datagram), and send with sendNow(). Only for sockets
   * whose datagrams never exceed `slotBytes` (NFQUEUE: the copy range plus its attributes). Falls
   * back to the package's reads where direct I/O is unavailable (see direct-io.ts).
   */
  directReceive?: {
    slots: number;
    slotBytes: number;
    /**
     * When the socket runs dry, wait up to this many milliseconds in poll(2) for the next
     * datagram before giving the event loop its turn back (at most 4 ms per callback; default 0).
     * For a socket whose datagrams want answers soon (NFQUEUE): see direct-drain.ts.
     */
    lingerMs?: number;
  };
}

export interface RequestOptions {
  /** Named in errors, e.g. "conntrack delete". */
  operation: string;
  /** Called for each reply message (not for the final ACK/DONE). The view is reused: copy what you keep. */
  onMessage?: (m: NlMsgView) => void;
  timeoutMs?: number;
  /** Replaces the default hint of an errno, e.g. { EOPNOTSUPP: 'needs CONFIG_INET_DIAG_DESTROY' }. */
  hints?: Record<string, string>;
}

export interface RequestResult {
  /** NLM_F_DUMP_INTR was set on a dump reply: the table changed while it was dumped. */
  interrupted: boolean;
  /** Number of reply messages passed to onMessage. */
  messages: number;
}

/** What NetlinkSocket needs of the `netlink` package's RawNetlinkSocket (a fake in unit tests). */
export interface RawSocketLike {
  on(event: 'message', listener: (msg: Buffer) => void): unknown;
  on(event: 'truncatedMessage', listener: (msg: Buffer) => void): unknown;
  on(event: 'error', listener: (err: { errno?: number; code?: string }) => void): unknown;
  removeAllListeners(event: 'message'): unknown;
  send(msg: Uint8Array | Uint8Array[], options: object, callback: (error?: Error) => void): void;
  close(): void;
  address(): { port: number };
  addMembership(group: number): void;
  dropMembership(group: number): void;
  getRecvBufferSize(): number;
  ref(): void;
  unref(): void;
}

export interface NetlinkSocketEvents {
  /**
   * The receive buffer overflowed and the kernel dropped messages (seen from the socket's drop
   * counter, read every 200 ms while someone listens). Re-sync (re-dump).
   */
  overrun: [];
  /** A socket error, or a malformed datagram. */
  error: [Error];
  close: [];
}
