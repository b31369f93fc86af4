// Sending whole IP packets (header included) from a raw socket, IPv4 and IPv6, over
// @neuralegion/raw-socket. socket(AF_INET, SOCK_RAW, IPPROTO_RAW) implies IP_HDRINCL; for AF_INET6
// the kernel sets hdrincl itself for IPPROTO_RAW (inet6_create), so the bytes go out as built:
// source address, TTL and checksums are ours (see wire/build.ts for writeTcpPacket and
// fillTransportChecksum). SO_MARK tags the packets so firewall rules can tell them apart
// (cutter's "CT notrack for this mark" rule).
import raw from '@neuralegion/raw-socket';
import { InjectError } from './errors.js';

/** socket option numbers (asm-generic/socket.h, in.h). */
export const SOL_SOCKET = 1;
export const SO_MARK = 36;
export const IPPROTO_RAW = 255;

// the package reports errors as strerror text only (no errno), so classify by text
function classify(e: unknown, what: string): InjectError {
  const text = e instanceof Error ? e.message : String(e);
  if (/not permitted|permission denied/i.test(text)) {
    return what.startsWith('opening') || what.startsWith('setting')
      ? new InjectError({ kind: 'privilege', operation: what, capability: 'CAP_NET_RAW' })
      : new InjectError({ kind: 'firewall', operation: what });
  }
  if (/unreachable|no route/i.test(text))
    return new InjectError({ kind: 'no-route', operation: what, cause: text });
  return new InjectError({ kind: 'system', operation: what, cause: text });
}

interface RawWrap {
  /** Synchronous sendto(2); throws on failure (EAGAIN included), calls back with the byte count. */
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    address: string,
    done: (bytes: number) => void,
  ): void;
}

interface RawSocketLike {
  setOption(level: number, option: number, value: number): void;
  close(): unknown;
  on(event: 'error', listener: (e: Error) => void): unknown;
  /** The native socket. Its queued JS `send` sends one packet per poll event and drops a packet
   * on EAGAIN, so we call sendto through the wrap directly and queue and retry ourselves. */
  wrap: RawWrap;
}

export interface InjectorOptions {
  /** 4 or 6: which raw socket to open. */
  family: 4 | 6;
  /** SO_MARK for every packet (needs CAP_NET_ADMIN or, since Linux 5.17, CAP_NET_RAW). */
  mark?: number;
}

interface Queued {
  packet: Buffer;
  dst: string;
  resolve(): void;
  reject(e: Error): void;
}

// wrap.send calls back synchronously with the byte count; one shared no-op, not one per packet
const ignoreSent = (): void => {};

const isEagain = (e: unknown) =>
  /temporarily unavailable|no buffer space/i.test(e instanceof Error ? e.message : String(e));

/** One raw socket of one family. Close it when done: it keeps the event loop alive. */
export class RawInjector {
  /** Packets handed to the kernel. */
  sent = 0;
  /** Times the socket buffer was full (EAGAIN) and packets waited. */
  stalls = 0;
  private closed = false;
  private readonly queue: Queued[] = [];
  private drainTimer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly socket: RawSocketLike,
    readonly family: 4 | 6,
  ) {}

  static open(options: InjectorOptions): RawInjector {
    const what = `opening a raw IPv${options.family} socket`;
    let socket: RawSocketLike;
    try {
      socket = raw.createSocket({
        protocol: IPPROTO_RAW,
        addressFamily: options.family === 6 ? raw.AddressFamily.IPv6 : raw.AddressFamily.IPv4,
      }) as unknown as RawSocketLike;
    } catch (e) {
      throw classify(e, what);
    }
    // the package closes the socket on an error event; listen so an emit never throws
    socket.on('error', () => {});
    if (typeof socket.wrap?.send !== 'function') {
      socket.close();
      throw new InjectError({ kind: 'package-changed', operation: what });
    }
    if (options.mark !== undefined) {
      try {
        socket.setOption(SOL_SOCKET, SO_MARK, options.mark >>> 0);
      } catch (e) {
        socket.close();
        throw classify(e, `setting SO_MARK on a raw IPv${options.family} socket`);
      }
    }
    return new RawInjector(socket, options.family);
  }

  /** Packets waiting for room in the socket buffer. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Sends one IP packet (header included) towards `dst` (its destination address, which the
   * kernel uses for routing). Resolves once the kernel took it; the buffer must stay unchanged
   * until then.
   */
  send(packet: Uint8Array, dst: string): Promise<void> {
    if (this.closed) return Promise.reject(new InjectError({ kind: 'closed', whileQueued: false }));
    const buf = Buffer.isBuffer(packet)
      ? packet
      : Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    if (this.queue.length === 0) {
      try {
        this.socket.wrap.send(buf, 0, buf.length, dst, ignoreSent);
        this.sent++;
        return Promise.resolve();
      } catch (e) {
        if (!isEagain(e)) return Promise.reject(classify(e, `sending to ${dst}`));
        this.stalls++;
      }
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ packet: buf, dst, resolve, reject });
      this.scheduleDrain();
    });
  }

  private scheduleDrain(): void {
    if (this.drainTimer || this.closed) return;
    // the package offers no writability event to wait on: retry shortly
    this.drainTimer = setTimeout(() => this.drain(), 1);
  }

  private drain(): void {
    this.drainTimer = null;
    while (this.queue.length > 0 && !this.closed) {
      const q = this.queue[0];
      try {
        this.socket.wrap.send(q.packet, 0, q.packet.length, q.dst, ignoreSent);
      } catch (e) {
        if (isEagain(e)) {
          this.stalls++;
          this.scheduleDrain();
          return;
        }
        this.queue.shift();
        q.reject(classify(e, `sending to ${q.dst}`));
        continue;
      }
      this.queue.shift();
      this.sent++;
      q.resolve();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    for (const q of this.queue.splice(0))
      q.reject(new InjectError({ kind: 'closed', whileQueued: true }));
    try {
      this.socket.close();
    } catch {
      /* already closed */
    }
  }
}
