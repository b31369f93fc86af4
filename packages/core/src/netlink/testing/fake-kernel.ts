// A fake kernel end of a netlink socket, for unit tests without root (what mdlayher/netlink's
// nltest is to Go). It takes the place of the `netlink` package's RawNetlinkSocket under a real
// NetlinkSocket, so the transport, the clients and their codecs run as in production:
//
//   const kernel = new FakeKernel((req, k) => k.error(req, ENOENT));
//   const ct = new Conntrack(kernel.socket(NETLINK_NETFILTER));
//   assert.equal(await ct.delete(key), false);
//   kernel.requests[0].header.type;   // what the client sent, decoded
//
// Every message a client sends is recorded (`requests`, and the raw `datagrams`) and handed to
// the handler, which answers with datagrams built by the codecs (`reply`, `dump`, `ack`, `error`,
// `done` start them right: the request's seq, the socket's port id, NLM_F_MULTI in dumps). The
// answers arrive on a later turn of the event loop, in order, as the kernel's would; `deliver`
// hands over unsolicited messages (multicast events, NFLOG and NFQUEUE packets) at once, and
// `overrun` reports ENOBUFS the way recvmsg does.
import { EventEmitter } from 'node:events';
import {
  NETLINK_NETFILTER,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_MULTI,
  NLMSG_DONE,
  NLMSG_ERROR,
} from '../constants.js';
import { ENOBUFS, errnoName } from '../errno.js';
import { forEachMessage, NlMsgView, NLMSG_HDRLEN, type NlMsgHeader } from '../message.js';
import { NetlinkSocket, type NetlinkSocketOptions, type RawSocketLike } from '../transport.js';
import { rethrowLater } from '../rethrow-later.js';
import { NlWriter } from '../writer.js';

/** One message a client sent, decoded. */
export interface KernelRequest {
  /** The decoded nlmsghdr. */
  header: NlMsgHeader;
  /** The whole message (a copy): header, then payload. */
  bytes: Buffer;
  /** The payload after the nlmsghdr (a view into `bytes`). */
  payload: Buffer;
  /** A view over `bytes` for the codecs: nfgenFamily, nfgenResId, nfAttrOffset, end, … */
  view: NlMsgView;
}

/** What a handler answers: datagrams (each may hold several messages), or nothing at all. */
export type KernelAnswer = Uint8Array | readonly Uint8Array[] | null | undefined | void;

export type KernelHandler = (request: KernelRequest, kernel: FakeKernel) => KernelAnswer;

export interface FakeKernelOptions {
  /** The socket's port id: nlmsg_pid of the answers (default 4242). */
  portId?: number;
  /** What SO_RCVBUF reads (default 1 MiB). */
  recvBufferSize?: number;
}

/**
 * The default handler: a dump ends at once (NLMSG_DONE), a request that asks for an ACK gets one,
 * anything else (verdicts) gets no answer.
 */
export const answerEmpty: KernelHandler = (req, k) =>
  (req.header.flags & NLM_F_DUMP) === NLM_F_DUMP
    ? k.done(req)
    : req.header.flags & NLM_F_ACK
      ? k.ack(req)
      : undefined;

export class FakeKernel extends EventEmitter implements RawSocketLike {
  /** Every message sent, in order, decoded. */
  readonly requests: KernelRequest[] = [];
  /** Every datagram sent, as sent (a copy). */
  readonly datagrams: Buffer[] = [];
  /** Multicast groups the socket joined. */
  readonly groups = new Set<number>();
  /** The transport closed the raw socket. */
  closed = false;
  /** Answers the next request; may be replaced between steps of a test. */
  handler: KernelHandler;
  readonly portId: number;
  private readonly recvBufferSize: number;
  private sendFailures: number[] = [];
  private inFlight = 0;
  private idle: (() => void)[] = [];

  constructor(handler: KernelHandler = answerEmpty, options: FakeKernelOptions = {}) {
    super();
    this.handler = handler;
    this.portId = options.portId ?? 4242;
    this.recvBufferSize = options.recvBufferSize ?? 1 << 20;
  }

  /** A NetlinkSocket of `protocol` over this fake (what NetlinkSocket.open would return). */
  socket(protocol = NETLINK_NETFILTER, options: NetlinkSocketOptions = {}): NetlinkSocket {
    return NetlinkSocket.over(this, protocol, options);
  }

  // --- answers: each returns one datagram, or a writer to add messages to -----------------------

  /**
   * Starts a reply to `req` in `w` (a new writer by default): the request's seq, the socket's port
   * id, NLM_F_MULTI when the request is a dump. Write the payload with the codecs, then finish().
   */
  reply(req: KernelRequest, type: number, flags = 0, w = new NlWriter()): NlWriter {
    const multi = (req.header.flags & NLM_F_DUMP) === NLM_F_DUMP ? NLM_F_MULTI : 0;
    return w.begin(type, flags | multi, req.header.seq, this.portId);
  }

  /** A dump's answer in one datagram: a message of `type` per item, written by `write`, then NLMSG_DONE. */
  dump<T>(
    req: KernelRequest,
    type: number,
    items: Iterable<T>,
    write: (w: NlWriter, item: T) => void,
  ): Buffer {
    const w = new NlWriter();
    for (const item of items) write(this.reply(req, type, 0, w), item);
    w.begin(NLMSG_DONE, NLM_F_MULTI, req.header.seq, this.portId).doneStatus(0);
    return w.finish();
  }

  /** NLMSG_DONE for `req`: 0, or a dump that failed with `errno`. */
  done(req: KernelRequest, errno = 0): Buffer {
    return new NlWriter()
      .begin(NLMSG_DONE, NLM_F_MULTI, req.header.seq, this.portId)
      .doneStatus(-Math.abs(errno))
      .finish();
  }

  /** The acknowledgement of `req` (NLMSG_ERROR 0, echoing its header). */
  ack(req: KernelRequest): Buffer {
    return new NlWriter()
      .begin(NLMSG_ERROR, 0, req.header.seq, this.portId)
      .nlmsgerr(0, req.bytes.subarray(0, NLMSG_HDRLEN))
      .finish();
  }

  /** The refusal of `req` with `errno` (NLMSG_ERROR -errno, echoing the whole request). */
  error(req: KernelRequest, errno: number): Buffer {
    return new NlWriter()
      .begin(NLMSG_ERROR, 0, req.header.seq, this.portId)
      .nlmsgerr(-Math.abs(errno), req.bytes)
      .finish();
  }

  // --- the kernel speaking on its own ---------------------------------------------------------

  /** Hands the client a datagram now, as the package's poll callback would (events, packets). */
  deliver(datagram: Uint8Array): void {
    this.emit('message', Buffer.from(datagram));
  }

  /** The receive buffer overflowed: recvmsg reports ENOBUFS (the transport emits 'overrun'). */
  overrun(): void {
    this.emit('error', { errno: ENOBUFS, code: 'ENOBUFS' });
  }

  /** The next sends fail with these errnos, one each, before reaching the handler. */
  failSends(...errnos: number[]): void {
    this.sendFailures.push(...errnos);
  }

  /** Resolves once every answer due so far has been delivered. */
  settled(): Promise<void> {
    if (this.inFlight === 0) return new Promise((r) => setImmediate(r));
    return new Promise((r) => this.idle.push(r));
  }

  /** The requests of one message type, in order. */
  requestsOf(type: number): KernelRequest[] {
    return this.requests.filter((r) => r.header.type === type);
  }

  // --- RawSocketLike ---------------------------------------------------------------------------

  send(msg: Uint8Array | Uint8Array[], _options: object, callback: (error?: Error) => void): void {
    const datagram = Buffer.concat(Array.isArray(msg) ? msg : [msg]);
    this.datagrams.push(datagram);
    const failure = this.sendFailures.shift();
    if (failure !== undefined) {
      const code = errnoName(failure);
      this.later(() =>
        callback(Object.assign(new Error(`send ${code}`), { errno: -failure, code })),
      );
      return;
    }
    const answers: Uint8Array[] = [];
    forEachMessage(datagram, datagram.length, new NlMsgView(), (m) => {
      const bytes = Buffer.from(datagram.subarray(m.off, m.end));
      const req: KernelRequest = {
        header: { length: m.length, type: m.type, flags: m.flags, seq: m.seq, pid: m.pid },
        bytes,
        payload: bytes.subarray(NLMSG_HDRLEN),
        view: new NlMsgView().reset(bytes, 0),
      };
      this.requests.push(req);
      let answer: KernelAnswer;
      try {
        answer = this.handler(req, this);
      } catch (e) {
        // a broken handler is a broken test: fail loudly, not as the client's error
        rethrowLater(e);
        return false;
      }
      if (answer instanceof Uint8Array) answers.push(answer);
      else if (answer) answers.push(...answer);
    });
    this.later(() => callback());
    for (const a of answers) this.later(() => this.deliver(a));
  }

  close(): void {
    this.closed = true;
  }
  address(): { port: number } {
    return { port: this.portId };
  }
  addMembership(group: number): void {
    this.groups.add(group);
  }
  dropMembership(group: number): void {
    this.groups.delete(group);
  }
  getRecvBufferSize(): number {
    return this.recvBufferSize;
  }
  ref(): void {}
  unref(): void {}

  /** Runs `f` on a later turn, as the kernel's answers and the package's callbacks come. */
  private later(f: () => void): void {
    this.inFlight++;
    setImmediate(() => {
      try {
        if (!this.closed) f();
      } finally {
        if (--this.inFlight === 0) for (const r of this.idle.splice(0)) r();
      }
    });
  }
}
