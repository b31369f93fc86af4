// A bound NFLOG group: packets that rules copy with `log group N` (nft) or `-j NFLOG
// --nflog-group N` (iptables) arrive here. Passive: if this reader dies, traffic is unaffected.
import { NETLINK_NETFILTER } from '../constants.js';
import { NetlinkSocket } from '../transport.js';
import { NlWriter } from '../writer.js';
import { NFULNL_CFG_CMD_BIND, NFULNL_CFG_CMD_UNBIND, NFULNL_COPY_PACKET } from './constants.js';
import { writeNflogConfig, type NflogConfig } from './config.js';
import { NflogPacket } from './packet.js';

export interface NflogOptions extends NflogConfig {
  /** Log group (0–65535). */
  group: number;
  /** Receive buffer in bytes (default 4 MiB; see NetlinkSocketOptions.recvBufferSize). */
  recvBufferSize?: number;
  /** Called for each packet with a reused view: copy what you keep. */
  onPacket(p: NflogPacket): void;
  /** The kernel dropped copies: the receive buffer was full (the socket's drop counter grew). */
  onOverrun?(): void;
}

/** recvmmsg slots per run (see NetlinkSocketOptions.directReceive). */
const RECEIVE_SLOTS = 16;

/** A datagram's largest size: a whole 64 KiB copy plus attributes, or nlbufsiz if larger. */
function slotBytesFor(nlbufsiz = 0): number {
  return ((Math.max(0xffff + 4096, nlbufsiz) + 4095) >> 12) << 12;
}

export class Nflog {
  /** Times the socket's drop counter was seen to grow. */
  overruns = 0;
  private readonly packet = new NflogPacket();
  private readonly writer = new NlWriter(128);

  private constructor(
    readonly socket: NetlinkSocket,
    readonly group: number,
    /** What open() sized the reads for. */
    private readonly nlbufsiz = 0,
  ) {}

  /**
   * Binds `group` with immediate delivery by default: copy whole packets up to `copyRange`
   * (default 0xffff), QTHRESH 1 and TIMEOUT 0 so the kernel never holds copies back.
   */
  static async open(options: NflogOptions): Promise<Nflog> {
    // read in runs (recvmmsg into one arena, no Buffer per copy: a cut of a thousand connections
    // gets thousands of copies back). A slot holds a datagram: one copy of any copy range with
    // its attributes, or up to nlbufsiz bytes of copies when the group batches them; sized for
    // the largest, so configure() can raise the copy range later
    const socket = NetlinkSocket.open(NETLINK_NETFILTER, {
      recvBufferSize: options.recvBufferSize ?? 4 << 20,
      directReceive: { slots: RECEIVE_SLOTS, slotBytes: slotBytesFor(options.nlbufsiz) },
    });
    return Nflog.attach(socket, options);
  }

  /**
   * Binds the group over a socket the caller opened (open() uses a new one; tests pass one over
   * the fake kernel). Closes the socket when the kernel refuses.
   */
  static async attach(socket: NetlinkSocket, options: NflogOptions): Promise<Nflog> {
    const log = new Nflog(socket, options.group, options.nlbufsiz);
    socket.onMessage = (m) => {
      if (log.packet.reset(m) && log.packet.group === options.group) options.onPacket(log.packet);
    };
    socket.on('overrun', () => {
      log.overruns++;
      options.onOverrun?.();
    });
    try {
      writeNflogConfig(log.writer, socket.nextSeq(), options.group, NFULNL_CFG_CMD_BIND, {
        copyMode: options.copyMode ?? NFULNL_COPY_PACKET,
        copyRange: options.copyRange ?? 0xffff,
        qthreshold: options.qthreshold ?? 1,
        timeout: options.timeout ?? 0,
        ...(options.nlbufsiz !== undefined ? { nlbufsiz: options.nlbufsiz } : {}),
        ...(options.flags !== undefined ? { flags: options.flags } : {}),
      });
      await socket.request(log.writer.finish(), {
        operation: `binding NFLOG group ${options.group}`,
        hints: {
          EBUSY: `NFLOG group ${options.group} is bound by another program (ulogd? another cutter?); pick another group`,
          EOPNOTSUPP: 'the kernel lacks nfnetlink_log (CONFIG_NETFILTER_NETLINK_LOG)',
        },
      });
    } catch (e) {
      socket.close();
      throw e;
    }
    return log;
  }

  /** Changes settings of the bound group. */
  async configure(cfg: NflogConfig): Promise<void> {
    if (cfg.nlbufsiz !== undefined && slotBytesFor(cfg.nlbufsiz) > slotBytesFor(this.nlbufsiz))
      throw new RangeError(
        `NFLOG nlbufsiz ${cfg.nlbufsiz} is larger than the reads of this socket allow: give it to open()`,
      );
    writeNflogConfig(this.writer, this.socket.nextSeq(), this.group, null, cfg);
    await this.socket.request(this.writer.finish(), {
      operation: `configuring NFLOG group ${this.group}`,
    });
  }

  /** Unbinds the group (best effort) and closes the socket. */
  async close(): Promise<void> {
    if (this.socket.isClosed) return;
    try {
      writeNflogConfig(this.writer, this.socket.nextSeq(), this.group, NFULNL_CFG_CMD_UNBIND);
      await this.socket.request(this.writer.finish(), {
        operation: `unbinding NFLOG group ${this.group}`,
        timeoutMs: 1000,
      });
    } catch {
      /* closing the socket unbinds too (NETLINK_URELEASE) */
    }
    this.socket.close();
  }
}
