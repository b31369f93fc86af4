// A netlink socket over the `netlink` package's RawNetlinkSocket: numbered requests answered by an
// ACK or a multipart dump ending in NLMSG_DONE, unsolicited messages (multicast events, NFLOG and
// NFQUEUE packets) handed to one handler, and receive-buffer overruns reported as an 'overrun'
// event. Sockets are opened with NETLINK_NO_ENOBUFS (see socket-options.ts: an ENOBUFS error would
// abort the process inside the package), so overruns are seen in the drop counter (drop-watch.ts).
//
// The package calls our listeners from native code: an exception escaping one aborts the whole
// process (SIGABRT, no 'uncaughtException'). So every listener here is guarded; a handler's
// exception is routed to the request it belongs to, or re-thrown from setImmediate where Node
// treats it as an ordinary uncaught exception (cleanup handlers still run).
import { EventEmitter } from 'node:events';
// the raw module alone: importing the package root loads rtnetlink/nl80211/wireguard too (+0.1 s)
import { RawNetlinkSocket } from 'netlink/dist/raw.js';
import {
  netlinkProtocolName,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
} from './constants.js';
import { DirectIo } from './direct-io.js';
import { drainRuns, type DrainLimits } from './direct-drain.js';
import { DropWatch } from './drop-watch.js';
import { EBADF, EMSGSIZE, ENOBUFS } from './errno.js';
import { errnoFault, fromSystemError, NetlinkError } from './errors.js';
import { putU16h, u16h, u32h } from './host-order.js';
import { forEachMessage, NlMsgView } from './message.js';
import { RequestTable } from './request-table.js';
import { rethrowLater } from './rethrow-later.js';
import type {
  NetlinkSocketEvents,
  NetlinkSocketOptions,
  RawSocketLike,
  RequestOptions,
  RequestResult,
} from './transport-types.js';
import { tuneNetlinkSocket } from './socket-options.js';

export type * from './transport-types.js';

/** Datagrams read directly per package callback before the event loop gets its turn back. */
const DIRECT_BUDGET = 256;
/** How long a lingering socket may keep the event loop waiting per callback (direct-drain.ts). */
const LINGER_BUDGET_MS = 4;

const monotonicMs = (): number => performance.now();

export class NetlinkSocket extends EventEmitter<NetlinkSocketEvents> {
  readonly protocol: number;
  /**
   * Receives every message that is not the answer to a pending request: multicast events,
   * NFLOG/NFQUEUE packets. The view is reused for the next message: copy what you keep.
   */
  onMessage: ((m: NlMsgView) => void) | null = null;
  /**
   * With direct receive on: called after each run of datagrams read in one system call (after
   * the package's own one too), so their answers can go out together at once.
   */
  onBatchEnd: (() => void) | null = null;

  private readonly raw: RawSocketLike;
  private readonly requests = new RequestTable();
  private readonly view = new NlMsgView();
  // bound once: a closure per datagram would be an allocation per NFQUEUE packet batch
  private readonly dispatchBound = (m: NlMsgView): void => this.dispatch(m);
  private readonly timeoutMs: number;
  private seq: number;
  private closed = false;
  /** Null for fakes, or when the package's socket cannot be found in /proc. */
  private dropWatch: DropWatch | null = null;
  private direct: DirectIo | null = null;
  private drainLimits: DrainLimits = { budget: DIRECT_BUDGET, lingerMs: 0, budgetMs: 0 };

  private constructor(protocol: number, raw: RawSocketLike, options: NetlinkSocketOptions) {
    super();
    this.protocol = protocol;
    this.raw = raw;
    this.timeoutMs = options.timeoutMs ?? 5000;
    // start far from 0: 0 is what multicast messages carry
    this.seq = ((Date.now() & 0x7fffff) << 8) | 1;
    raw.on('message', (msg: Buffer) => {
      this.receive(msg, msg.length, 0);
      if (this.direct) this.drain(this.direct);
    });
    // the package sizes each read by peeking first, so this is a guard, not an expected path
    raw.on('truncatedMessage', () =>
      this.safeEmitError(
        new NetlinkError(errnoFault(EMSGSIZE, `${this.name} receive`, 'a message was truncated')),
      ),
    );
    raw.on('error', (err: { errno?: number; code?: string }) => this.rawError(err));
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event === 'overrun') this.watchDrops();
    });
  }

  /**
   * Messages the kernel dropped because the receive buffer was full, since the socket opened
   * (-1 when unknown). Sockets opened by `open()` never see ENOBUFS; this is how overruns show.
   */
  drops(): number {
    return this.dropWatch ? this.dropWatch.count() : -1;
  }

  private watchDrops(): void {
    if (!this.closed) this.dropWatch?.start();
  }

  /** Applies what the package cannot: socket options, the drop watch, direct receive. */
  private tune(options: NetlinkSocketOptions): void {
    const info = tuneNetlinkSocket(this.protocol, this.raw.address().port, options.recvBufferSize);
    if (!info) return;
    this.dropWatch = new DropWatch(info, () => this.emit('overrun'));
    const d = options.directReceive;
    if (!d) return;
    this.direct = DirectIo.open(info.fd, d.slots, d.slotBytes);
    this.drainLimits = {
      budget: DIRECT_BUDGET,
      lingerMs: Math.max(0, d.lingerMs ?? 0),
      budgetMs: LINGER_BUDGET_MS,
    };
  }

  /** Datagrams are read in runs (recvmmsg) and onBatchEnd marks the end of each run. */
  get receivesInRuns(): boolean {
    return this.direct !== null;
  }

  /**
   * Reads what is waiting, a run per system call, until the socket is empty (after lingering, for
   * a socket that asked to) or the budget is spent; the package's poll callback comes back for the
   * rest, after other events had a turn.
   */
  private drain(io: DirectIo): void {
    drainRuns(io, this.drainLimits, this.onRun, this.onReadError, this.stopDraining, monotonicMs);
  }

  /** The n datagrams the last direct read brought, in order; then the end of the run. */
  private readonly onRun = (n: number): void => {
    const io = this.direct;
    for (let i = 0; io !== null && i < n && !this.closed; i++) {
      if (io.truncated(i))
        this.safeEmitError(
          new NetlinkError(
            errnoFault(EMSGSIZE, `${this.name} receive`, 'a message was longer than its slot'),
          ),
        );
      else {
        const off = io.offset(i);
        this.receive(io.arena, off + io.length(i), off);
      }
    }
    this.batchEnd();
  };

  private readonly onReadError = (errno: number): void =>
    this.safeEmitError(fromSystemError({ errno }, `${this.name} receive`));

  private readonly stopDraining = (): boolean => this.closed;

  private batchEnd(): void {
    const h = this.onBatchEnd;
    if (!h) return;
    try {
      h();
    } catch (e) {
      rethrowLater(e);
    }
  }

  /** A socket over an already open raw socket (or a fake one in tests). */
  static over(
    raw: RawSocketLike,
    protocol: number,
    options: NetlinkSocketOptions = {},
  ): NetlinkSocket {
    return new NetlinkSocket(protocol, raw, options);
  }

  /** Opens a socket; throws NetlinkError (e.g. EPROTONOSUPPORT when the kernel lacks the protocol). */
  static open(protocol: number, options: NetlinkSocketOptions = {}): NetlinkSocket {
    let raw: RawNetlinkSocket;
    const name = netlinkProtocolName(protocol);
    try {
      raw = new RawNetlinkSocket(protocol, {
        recvBufferSize: options.recvBufferSize ?? 0,
        sendBufferSize: options.sendBufferSize ?? 0,
      });
    } catch (e) {
      throw fromSystemError(e, `opening a ${name} socket`, {
        EPROTONOSUPPORT: `the kernel lacks ${name} (not built, or its module is not loaded)`,
      });
    }
    const s = new NetlinkSocket(protocol, raw as unknown as RawSocketLike, options);
    s.tune(options);
    try {
      for (const g of options.groups ?? []) s.addMembership(g);
    } catch (e) {
      s.close();
      throw e;
    }
    if (options.ref === false) raw.unref();
    return s;
  }

  private get name(): string {
    return netlinkProtocolName(this.protocol);
  }

  /** The socket's port id (nl_pid), as the kernel addresses unicast replies. */
  get portId(): number {
    return this.raw.address().port;
  }

  /** A fresh sequence number for the next request. */
  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  addMembership(group: number): void {
    try {
      this.raw.addMembership(group);
    } catch (e) {
      throw fromSystemError(e, `joining ${this.name} multicast group ${group}`);
    }
  }

  dropMembership(group: number): void {
    try {
      this.raw.dropMembership(group);
    } catch (e) {
      throw fromSystemError(e, `leaving ${this.name} multicast group ${group}`);
    }
  }

  /** SO_RCVBUF as the kernel set it (twice the request, capped by net.core.rmem_max). */
  get recvBufferSize(): number {
    return this.raw.getRecvBufferSize();
  }

  ref(): void {
    this.raw.ref();
  }
  unref(): void {
    this.raw.unref();
  }

  /**
   * Sends one request (as built by NlWriter, with a seq from nextSeq()) and waits for its end: the
   * ACK for ordinary requests (NLM_F_ACK is added when missing), NLMSG_DONE for dumps. Replies go
   * to `options.onMessage`. Rejects with NetlinkError when the kernel answers with an errno.
   */
  request(msg: Buffer, options: RequestOptions): Promise<RequestResult> {
    if (this.closed)
      return Promise.reject(
        new NetlinkError(errnoFault(EBADF, options.operation, 'the netlink socket is closed')),
      );
    const flags = u16h(msg, 6);
    const dump = (flags & NLM_F_DUMP) === NLM_F_DUMP;
    if (!dump && (flags & NLM_F_ACK) === 0) putU16h(msg, 6, flags | NLM_F_ACK);
    const seq = u32h(msg, 8);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    return new Promise<RequestResult>((resolve, reject) => {
      const p = this.requests.add(seq, dump, options, timeoutMs, resolve, reject);
      try {
        this.raw.send(msg, {}, (err) => {
          if (!err) return;
          try {
            this.requests.settle(p, fromSystemError(err, options.operation, options.hints));
          } catch {
            /* never let a send callback throw into native code */
          }
        });
      } catch (e) {
        this.requests.settle(p, fromSystemError(e, options.operation, options.hints));
      }
    });
  }

  /**
   * Sends `len` bytes of `buf` now, in this call, when direct I/O is on (the buffer is free again
   * on return). Returns false when it is off or the call failed: send() it then.
   */
  sendNow(buf: Uint8Array, len: number): boolean {
    return this.direct !== null && !this.closed && this.direct.send(buf, len) === 0;
  }

  /**
   * Sends without waiting (verdicts, config that needs no answer). Errors go to 'error'.
   * `onSent` runs once the kernel took the datagram (or it failed): until then the package holds
   * `msg`, so a caller reusing its buffers waits for it. Never called after close().
   */
  send(msg: Uint8Array | Uint8Array[], onSent?: (failed: boolean) => void): void {
    if (this.closed) return;
    try {
      this.raw.send(msg, {}, (err) => {
        try {
          onSent?.(err !== undefined);
        } catch (e) {
          rethrowLater(e);
        }
        if (err) this.safeEmitError(fromSystemError(err, `${this.name} send`));
      });
    } catch (e) {
      onSent?.(true);
      this.safeEmitError(fromSystemError(e, `${this.name} send`));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dropWatch?.stop();
    this.requests.failAll(
      (p) =>
        new NetlinkError(
          errnoFault(
            EBADF,
            p.options.operation,
            'the netlink socket was closed before the answer came',
          ),
        ),
    );
    // Never close the native socket inside one of its own callbacks (a request settled there
    // lets an awaiting caller run close() before the callback returns): the package frees the
    // callback's async context while it is still in use and the process aborts. Close it on the
    // next turn of the event loop instead; it is deaf already.
    this.raw.removeAllListeners('message');
    this.onMessage = null;
    this.onBatchEnd = null;
    this.direct = null;
    const raw = this.raw;
    setImmediate(() => {
      try {
        raw.close();
      } catch {
        /* already closed */
      }
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private receive(msg: Uint8Array, end: number, from: number): void {
    try {
      forEachMessage(msg, end, this.view, this.dispatchBound, from);
    } catch (e) {
      // a malformed datagram: fail the requests waiting on this socket rather than hang them
      const err = e instanceof Error ? e : new Error(String(e));
      if (this.requests.size > 0) this.requests.failAll(() => err);
      else this.safeEmitError(err);
    }
  }

  private dispatch(m: NlMsgView): void {
    // replies carry our own port id in nlmsg_pid (the kernel echoes the requester); events carry 0
    if (this.requests.answer(m)) return;
    if (m.type === NLMSG_NOOP || m.type === NLMSG_OVERRUN) return;
    const h = this.onMessage;
    if (h) {
      try {
        h(m);
      } catch (e) {
        rethrowLater(e);
      }
    }
  }

  private rawError(err: { errno?: number; code?: string }): void {
    try {
      // Only a socket without NETLINK_NO_ENOBUFS gets here with ENOBUFS: one made with over(), or
      // one whose option could not be set (no /proc, no FFI). recvmsg then reports the overrun
      // this way when it sees it before epoll does (epoll's EPOLLERR aborts in the package).
      if (Math.abs(err.errno ?? 0) === ENOBUFS || err.code === 'ENOBUFS') {
        if (this.listenerCount('overrun') > 0) this.emit('overrun');
        return;
      }
      const e = fromSystemError(err, `${this.name} receive`);
      this.requests.failAll(() => e);
      this.safeEmitError(e);
    } catch (e) {
      rethrowLater(e);
    }
  }

  private safeEmitError(e: Error): void {
    try {
      if (this.listenerCount('error') > 0) this.emit('error', e);
    } catch (x) {
      rethrowLater(x);
    }
  }
}
