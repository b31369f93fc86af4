// A bound NFQUEUE: packets that rules send with `-j NFQUEUE --queue-num N` (iptables) or
// `queue num N` (nft) arrive here and wait in the kernel until they get a verdict.
//
// Every packet gets a verdict, always: the handler fills in a decision (pre-set to the default
// verdict); if it throws, the default stands. Verdicts are staged and sent together: one
// VERDICT_BATCH where the packets agree, single verdicts otherwise, in one datagram written into
// a preallocated send buffer. How many go together adapts to the load: the socket reads what
// waits with one recvmmsg per run (see direct-io.ts) and the run's verdicts leave with one send
// as soon as it is decided — one packet when idle, up to a run's worth under a flood — so no
// packet waits for a later one. Where direct I/O is unavailable, the `netlink` package delivers
// datagrams one by one and the verdicts of one event-loop turn go out from setImmediate.
// Nothing on the per-packet path allocates in JavaScript.
import { NETLINK_NETFILTER, NLMSG_ERROR } from '../constants.js';
import { EAGAIN, EBUSY, ENOENT, EOPNOTSUPP, EPERM } from '../errno.js';
import {
  errnoFault,
  NetlinkDecodeError,
  NetlinkError,
  type NetlinkDecodeProblem,
  type NetlinkErrnoFault,
} from '../errors.js';
import type { NlMsgView } from '../message.js';
import { NetlinkSocket } from '../transport.js';
import { NlWriter } from '../writer.js';
import { writeNfqConfig, type NfqConfig } from './config.js';
import {
  NF_ACCEPT,
  NFQA_CFG_F_CONNTRACK,
  NFQA_CFG_F_FAIL_OPEN,
  NFQA_CFG_F_GSO,
  NFQA_CFG_F_UID_GID,
  NFQNL_CFG_CMD_BIND,
  NFQNL_CFG_CMD_UNBIND,
  NFQNL_COPY_PACKET,
} from './constants.js';
import { NFQ_PACKET_TYPE, NfqPacket } from './packet.js';
import type { NfqDecision, NfQueueOptions, NfQueueStats, QueueSocket } from './queue-options.js';
import { bindRefusalHint } from './bind-refusal.js';
import { readNfqProcStats, type NfqProcStats } from './proc-stats.js';
import { KEEP_MARK } from './verdict.js';
import { VerdictBatch } from './verdict-batch.js';

export type { NfqDecision, NfQueueOptions, NfQueueStats, QueueSocket } from './queue-options.js';

const MANAGED_FLAGS =
  NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_CONNTRACK | NFQA_CFG_F_GSO | NFQA_CFG_F_UID_GID;
const SEND_SLOTS = 8;
const SEND_SLOT_BYTES = 16 * 1024;
/** recvmmsg slots per run (see NetlinkSocketOptions.directReceive). */
const RECEIVE_SLOTS = 16;

/** Why `conntrack` is off on a queue that asked for it: the kernel lacks the glue. */
function conntrackGlueMissing(queue: number): NetlinkErrnoFault {
  return errnoFault(
    EOPNOTSUPP,
    `enabling conntrack info on NFQUEUE ${queue}`,
    'this kernel cannot attach conntrack data to queued packets (CONFIG_NETFILTER_NETLINK_GLUE_CT is off)',
  );
}

export class NfQueue {
  readonly queue: number;
  /** The kernel sends conntrack info and honours connmark verdicts on this queue. */
  conntrack = false;
  /** The refusal that left `conntrack` off although it was asked for ('auto'), or null. */
  conntrackRefusal: NetlinkErrnoFault | null = null;
  /** Why `conntrack` is off although it was asked for ('auto'), in words, or null. */
  get conntrackUnavailable(): string | null {
    return this.conntrackRefusal?.hint ?? null;
  }

  private readonly packet = new NfqPacket();
  private readonly decision: NfqDecision = {
    verdict: NF_ACCEPT,
    mark: KEEP_MARK,
    connmark: KEEP_MARK,
  };
  private readonly batch: VerdictBatch;
  private readonly writer = new NlWriter(128);
  private readonly slots: Buffer[] = [];
  private readonly busy: boolean[] = [];
  private readonly releasers: ((failed: boolean) => void)[] = [];
  private readonly defaultVerdict: number;
  private readonly onPacket: (p: NfqPacket, d: NfqDecision) => void;
  private readonly onError: (e: Error) => void;
  private flushScheduled = false;
  /** The socket ends each run of received packets with onBatchEnd: flush there, not per turn. */
  private readonly flushPerRun: boolean;
  /** Where verdicts are written for sendNow (free again as soon as it returns). */
  private readonly directSlot = Buffer.allocUnsafe(SEND_SLOT_BYTES);
  private closing: Promise<void> | null = null;
  private readonly flushNow = () => this.flush();
  private readonly counters = {
    packets: 0,
    verdicts: 0,
    datagrams: 0,
    overruns: 0,
    handlerErrors: 0,
    verdictErrors: 0,
    decodeErrors: 0,
    extraSendBuffers: 0,
  };

  private constructor(
    readonly socket: QueueSocket,
    options: NfQueueOptions,
  ) {
    this.queue = options.queue;
    this.batch = new VerdictBatch(options.queue, 256, options.batch ?? true);
    this.defaultVerdict = options.defaultVerdict ?? NF_ACCEPT;
    this.onPacket = options.onPacket;
    this.onError = options.onError ?? (() => {});
    for (let i = 0; i < SEND_SLOTS; i++) {
      this.slots.push(Buffer.allocUnsafe(SEND_SLOT_BYTES));
      this.busy.push(false);
      this.releasers.push(() => {
        this.busy[i] = false;
      });
    }
    socket.onMessage = (m) => this.receive(m);
    this.flushPerRun = socket.receivesInRuns === true;
    if (this.flushPerRun) socket.onBatchEnd = this.flushNow;
    socket.on('overrun', () => {
      this.counters.overruns++;
      options.onOverrun?.();
    });
    socket.on('error', (e) => this.onError(e));
  }

  /**
   * Binds the queue and configures it. Throws NetlinkError with an actionable message: EPERM
   * (no CAP_NET_ADMIN), EBUSY (another program holds the queue), EOPNOTSUPP (a flag this kernel
   * lacks).
   */
  static async open(options: NfQueueOptions): Promise<NfQueue> {
    const queue = options.queue;
    if (!Number.isInteger(queue) || queue < 0 || queue > 0xffff)
      throw new RangeError(`queue number ${queue} is not in 0..65535`);
    // a packet message is its copy (at most 64 KiB) plus attributes well under 4 KiB
    const copy = Math.min(options.copyRange ?? 0xffff, 0xffff);
    const socket = NetlinkSocket.open(NETLINK_NETFILTER, {
      recvBufferSize: options.recvBufferSize ?? 8 << 20,
      directReceive: {
        slots: RECEIVE_SLOTS,
        slotBytes: ((copy + 4096 + 4095) >> 12) << 12,
        lingerMs: options.lingerMs ?? 0,
      },
    });
    return NfQueue.attach(socket, options);
  }

  /** Binds and configures the queue over a socket the caller opened (open() uses a new one). */
  static async attach(socket: QueueSocket, options: NfQueueOptions): Promise<NfQueue> {
    const queue = options.queue;
    const q = new NfQueue(socket, options);
    try {
      try {
        await q.configure({ command: NFQNL_CFG_CMD_BIND }, `binding NFQUEUE ${queue}`);
      } catch (e) {
        if (e instanceof NetlinkError && (e.errno === EPERM || e.errno === EBUSY))
          throw new NetlinkError(
            errnoFault(e.errno, `binding NFQUEUE ${queue}`, bindRefusalHint(queue)),
          );
        throw e;
      }
      await q.configure(
        {
          copyMode: options.copyMode ?? NFQNL_COPY_PACKET,
          copyRange: options.copyRange ?? 0xffff,
          ...(options.maxLen !== undefined ? { maxLen: options.maxLen } : {}),
        },
        `configuring NFQUEUE ${queue}`,
      );
      const base =
        (options.failOpen ? NFQA_CFG_F_FAIL_OPEN : 0) |
        (options.gso ? NFQA_CFG_F_GSO : 0) |
        (options.uidGid ? NFQA_CFG_F_UID_GID : 0);
      const wantCt = options.conntrack === true || options.conntrack === 'auto';
      try {
        await q.setFlags(base | (wantCt ? NFQA_CFG_F_CONNTRACK : 0));
        q.conntrack = wantCt;
      } catch (e) {
        if (!(e instanceof NetlinkError) || e.errno !== EOPNOTSUPP || !wantCt) throw e;
        // which flag did the kernel refuse? without CONNTRACK it takes the rest: then that was it
        await q.setFlags(base);
        if (options.conntrack === true) throw new NetlinkError(conntrackGlueMissing(queue));
        q.conntrack = false;
        q.conntrackRefusal = conntrackGlueMissing(queue);
      }
    } catch (e) {
      socket.close();
      throw e;
    }
    return q;
  }

  private async configure(cfg: NfqConfig, operation: string): Promise<void> {
    writeNfqConfig(this.writer, this.socket.nextSeq(), this.queue, cfg);
    await this.socket.request(this.writer.finish(), { operation });
  }

  private async setFlags(flags: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.configure({ flags, mask: MANAGED_FLAGS }, `setting NFQUEUE ${this.queue} flags`);
        return;
      } catch (e) {
        // the kernel may answer EAGAIN once while it loads nf_conntrack_netlink for CONNTRACK
        if (e instanceof NetlinkError && e.errno === EAGAIN && attempt < 3) continue;
        throw e;
      }
    }
  }

  private receive(m: NlMsgView): void {
    if (m.type === NFQ_PACKET_TYPE) {
      const p = this.packet;
      if (!p.reset(m) || p.queue !== this.queue) {
        this.counters.decodeErrors++;
        const problem: NetlinkDecodeProblem = p.fault ?? { kind: 'other-queue', queue: p.queue };
        this.report(
          new NetlinkDecodeError({
            kind: 'ignored',
            subsystem: 'NFQUEUE',
            id: this.queue,
            offset: m.off,
            problem,
          }),
        );
        return;
      }
      this.counters.packets++;
      const d = this.decision;
      d.verdict = this.defaultVerdict;
      d.mark = KEEP_MARK;
      d.connmark = KEEP_MARK;
      try {
        this.onPacket(p, d);
      } catch (e) {
        this.counters.handlerErrors++;
        d.verdict = this.defaultVerdict;
        d.mark = KEEP_MARK;
        d.connmark = KEEP_MARK;
        this.report(e instanceof Error ? e : new Error(String(e)));
      }
      this.batch.stage(p.id, d.verdict, d.mark, this.conntrack ? d.connmark : KEEP_MARK);
      this.counters.verdicts++;
      if (!this.flushPerRun && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flushNow);
      }
      return;
    }
    if (m.type === NLMSG_ERROR && m.error !== 0) {
      // a verdict the kernel refused (ENOENT: unknown id); verdicts carry no ACK flag, so only
      // failures come back
      this.counters.verdictErrors++;
      this.report(
        new NetlinkError(
          errnoFault(
            -m.error,
            `NFQUEUE ${this.queue} verdict`,
            -m.error === ENOENT ? 'the kernel no longer holds that packet' : undefined,
          ),
        ),
      );
    }
  }

  private report(e: Error): void {
    try {
      this.onError(e);
    } catch {
      /* an error reporter must not break the packet path */
    }
  }

  /** Sends the staged verdicts now (normally done once per event-loop turn). */
  flush(): void {
    this.flushScheduled = false;
    if (this.batch.count === 0 || this.socket.isClosed) return;
    const need = this.batch.maxBytes;
    if (this.flushPerRun && need <= SEND_SLOT_BYTES && this.socket.sendNow) {
      const len = this.batch.write(this.directSlot);
      this.counters.datagrams++;
      // refused (a full send buffer…): the package's send queues a copy and reports the error
      if (!this.socket.sendNow(this.directSlot, len))
        this.socket.send(Buffer.from(this.directSlot.subarray(0, len)));
      return;
    }
    let slot = -1;
    if (need <= SEND_SLOT_BYTES) {
      for (let i = 0; i < SEND_SLOTS; i++) {
        if (!this.busy[i]) {
          slot = i;
          break;
        }
      }
    }
    let buf: Buffer;
    if (slot >= 0) {
      buf = this.slots[slot];
      this.busy[slot] = true;
    } else {
      buf = Buffer.allocUnsafe(Math.max(need, SEND_SLOT_BYTES));
      this.counters.extraSendBuffers++;
    }
    const len = this.batch.write(buf);
    this.counters.datagrams++;
    this.socket.send(buf.subarray(0, len), slot >= 0 ? this.releasers[slot] : undefined);
  }

  stats(): NfQueueStats {
    const c = this.counters;
    return {
      queue: this.queue,
      packets: c.packets,
      verdicts: c.verdicts,
      batchMessages: this.batch.batches,
      singleMessages: this.batch.singles,
      batchedPackets: this.batch.batchedPackets,
      datagrams: c.datagrams,
      overruns: c.overruns,
      handlerErrors: c.handlerErrors,
      verdictErrors: c.verdictErrors,
      decodeErrors: c.decodeErrors,
      extraSendBuffers: c.extraSendBuffers,
    };
  }

  /** This queue's line of /proc/net/netfilter/nfnetlink_queue (kernel-side drops), or null. */
  procStats(): NfqProcStats | null {
    return (
      readNfqProcStats().find((s) => s.queue === this.queue && s.portId === this.socket.portId) ??
      null
    );
  }

  /** Sends what is staged, unbinds the queue and closes the socket. Safe to call twice. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.socket.isClosed) return;
      this.flush();
      try {
        await this.configure({ command: NFQNL_CFG_CMD_UNBIND }, `unbinding NFQUEUE ${this.queue}`);
      } catch {
        /* closing the socket unbinds too (NETLINK_URELEASE) */
      }
      this.socket.close();
    })();
    return this.closing;
  }
}
