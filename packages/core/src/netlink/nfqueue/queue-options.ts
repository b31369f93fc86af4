// What NfQueue is given and gives back: its options (the handler among them), the decision the
// handler fills in for each packet, its counters, and what it needs of a netlink socket.
import type { NetlinkSocket } from '../transport.js';
import type { NfqPacket } from './packet.js';

/** What the handler decides for one packet. Pre-set to the queue's default verdict and KEEP_MARK. */
export interface NfqDecision {
  /** NF_ACCEPT, NF_DROP, NF_REPEAT or nfQueueNr(n) (NF_VERDICT_FLAG_QUEUE_BYPASS may be or-ed in). */
  verdict: number;
  /** New skb->mark, or KEEP_MARK (-1). */
  mark: number;
  /** New connection mark, or KEEP_MARK. Only honoured when the queue has `conntrack` on. */
  connmark: number;
}

export interface NfQueueOptions {
  /** Queue number, 0–65535. */
  queue: number;
  /** NFQNL_COPY_* (default NFQNL_COPY_PACKET). */
  copyMode?: number;
  /** Bytes of each packet to copy, from the IP header (default 0xffff: whole packets). */
  copyRange?: number;
  /** Packets the kernel may hold waiting for verdicts (kernel default 1024). */
  maxLen?: number;
  /** NFQA_CFG_F_FAIL_OPEN: accept instead of drop when the queue is full or the socket overflows. */
  failOpen?: boolean;
  /** NFQA_CFG_F_GSO: take GSO super-packets unsegmented (faster; checksums may be partial). */
  gso?: boolean;
  /**
   * NFQA_CFG_F_CONNTRACK: conntrack state and mark with each packet, and connmark verdicts.
   * 'auto' asks for it and carries on without when the kernel lacks it
   * (CONFIG_NETFILTER_NETLINK_GLUE_CT); `conntrack` then reads false.
   */
  conntrack?: boolean | 'auto';
  /** NFQA_CFG_F_UID_GID: owner of local sockets. */
  uidGid?: boolean;
  /** Receive buffer in bytes (default 8 MiB; see NetlinkSocketOptions.recvBufferSize). */
  recvBufferSize?: number;
  /**
   * Milliseconds to wait in poll(2) for the next packet when the queue runs dry, before the event
   * loop gets its turn back (default 0; at most 4 ms per wake-up). Packets that come meanwhile
   * skip the event loop's wake-up path: lower latency for a thread that serves the queue above
   * all else (see netlink/direct-drain.ts).
   */
  lingerMs?: number;
  /** Use VERDICT_BATCH (default true). */
  batch?: boolean;
  /** The verdict a packet gets when the handler leaves it or throws (default NF_ACCEPT). */
  defaultVerdict?: number;
  /** Called for each packet with a reused view and decision: copy what you keep. */
  onPacket(p: NfqPacket, d: NfqDecision): void;
  /** A handler exception, a verdict the kernel refused, a message that did not decode. */
  onError?(e: Error): void;
  /**
   * The socket's receive buffer overflowed: the kernel could not deliver packets (seen from the
   * socket's drop counter, polled by the transport; the exact count is the queue's /proc line).
   */
  onOverrun?(): void;
}

export interface NfQueueStats {
  queue: number;
  /** Packet messages received and decoded. */
  packets: number;
  /** Verdicts given (one per packet), messages sent for them, datagrams sent. */
  verdicts: number;
  batchMessages: number;
  singleMessages: number;
  batchedPackets: number;
  datagrams: number;
  /** Times the socket's drop counter was seen to grow (receive buffer full). */
  overruns: number;
  handlerErrors: number;
  verdictErrors: number;
  decodeErrors: number;
  /** Send buffers allocated because every preallocated one was still in flight. */
  extraSendBuffers: number;
}

/** What NfQueue needs of a netlink socket (NetlinkSocket; a fake in unit tests). */
export type QueueSocket = Pick<
  NetlinkSocket,
  'onMessage' | 'send' | 'request' | 'nextSeq' | 'isClosed' | 'close' | 'portId'
> &
  Partial<Pick<NetlinkSocket, 'onBatchEnd' | 'sendNow' | 'receivesInRuns'>> & {
    on(event: 'overrun', listener: () => void): unknown;
    on(event: 'error', listener: (e: Error) => void): unknown;
  };
