// Direct system calls on a netlink socket's descriptor, beside the `netlink` package: recvmmsg
// into a preallocated arena and a synchronous send.
//
// Why: the package reads one datagram per two system calls (a MSG_PEEK to size it, then the read),
// wraps each in a freshly allocated Buffer with a finalizer, and calls into JavaScript once per
// datagram; it sends from its poll callback on the next turn of the event loop. On a busy NFQUEUE
// that is most of the cost outside rope's own work. Here one recvmmsg takes up to `slots`
// datagrams into fixed slots of one arena (nothing allocated per datagram), and a verdict goes to
// the kernel in the same turn as the packets it answers (the kernel applies it inside the call).
//
// Layout of struct mmsghdr and struct iovec is the LP64 one (x86-64, arm64, …); on other
// platforms, or without koffi, `DirectIo.open` returns null and callers keep the package's path.
import { loadKoffi, loadLibc as cLibrary } from '../ffi/koffi.js';

const MSG_DONTWAIT = 0x40;
const MSG_TRUNC = 0x20;
const EINTR = 4;
const POLLIN = 1;
/** sizeof(struct mmsghdr) on LP64: struct msghdr (56) + msg_len (4) + padding. */
const MMSGHDR = 64;
const IOVEC = 16;
const MSGHDR_IOV = 16;
const MSGHDR_IOVLEN = 24;
const MSGHDR_FLAGS = 48;
const MMSG_LEN = 56;

type RecvMmsg = (fd: number, vec: Buffer, vlen: number, flags: number, timeout: null) => number;
type Send = (fd: number, buf: Uint8Array, len: number, flags: number) => number;
type Poll = (fds: Buffer, nfds: number, timeoutMs: number) => number;

interface Libc {
  recvmmsg: RecvMmsg;
  send: Send;
  poll: Poll;
  errno(): number;
}

let libc: Libc | null | undefined;

/** The calls DirectIo makes, bound once (null where they cannot be). */
function directCalls(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (
    process.platform !== 'linux' ||
    !['x64', 'arm64', 'ppc64', 's390x', 'riscv64'].includes(process.arch)
  )
    return libc;
  const koffi = loadKoffi();
  const lib = cLibrary();
  if (!koffi || !lib || koffi.sizeof('void *') !== 8) return libc;
  try {
    libc = {
      recvmmsg: lib.func(
        'int recvmmsg(int, void *, unsigned int, int, void *)',
      ) as unknown as RecvMmsg,
      send: lib.func('intptr_t send(int, const void *, size_t, int)') as unknown as Send,
      poll: lib.func('int poll(void *, unsigned long, int)') as unknown as Poll,
      errno: () => koffi.errno(),
    };
  } catch {
    libc = null;
  }
  return libc;
}

function addressOf(b: Buffer): bigint {
  return loadKoffi()!.address(b);
}

export class DirectIo {
  /** The arena: datagram i of the last receive() starts at offset(i), length(i) bytes long. */
  readonly arena: Buffer;
  private readonly hdrs: Buffer;
  private readonly iovs: Buffer;
  /** One struct pollfd (fd, POLLIN) for waitReadable. */
  private readonly pollFd = Buffer.alloc(8);

  private constructor(
    private readonly lib: Libc,
    readonly fd: number,
    readonly slots: number,
    readonly slotBytes: number,
  ) {
    this.arena = Buffer.alloc(slots * slotBytes);
    this.pollFd.writeInt32LE(fd, 0);
    this.pollFd.writeInt16LE(POLLIN, 4);
    this.iovs = Buffer.alloc(slots * IOVEC);
    this.hdrs = Buffer.alloc(slots * MMSGHDR);
    // Buffers of this size own their memory, which the garbage collector never moves
    const arena = addressOf(this.arena);
    const iovs = addressOf(this.iovs);
    for (let i = 0; i < slots; i++) {
      this.iovs.writeBigUInt64LE(arena + BigInt(i * slotBytes), i * IOVEC);
      this.iovs.writeBigUInt64LE(BigInt(slotBytes), i * IOVEC + 8);
      this.hdrs.writeBigUInt64LE(iovs + BigInt(i * IOVEC), i * MMSGHDR + MSGHDR_IOV);
      this.hdrs.writeBigUInt64LE(1n, i * MMSGHDR + MSGHDR_IOVLEN);
    }
  }

  /**
   * Direct I/O on `fd`, or null where it is unavailable (no koffi, not an LP64 Linux) or turned
   * off with P2PWALL_DIRECT_IO=0 (the package's reads then, for comparison or as a way out).
   */
  static open(fd: number, slots: number, slotBytes: number): DirectIo | null {
    if (process.env.P2PWALL_DIRECT_IO === '0') return null;
    const lib = directCalls();
    return lib ? new DirectIo(lib, fd, slots, slotBytes) : null;
  }

  /**
   * Takes what is waiting, up to `slots` datagrams, without blocking. Returns how many, 0 when
   * none was waiting, or -errno on a failure other than EAGAIN.
   */
  receive(): number {
    for (;;) {
      const n = this.lib.recvmmsg(this.fd, this.hdrs, this.slots, MSG_DONTWAIT, null);
      if (n >= 0) return n;
      const e = this.lib.errno();
      if (e === EINTR) continue;
      return e === 11 ? 0 : -e;
    }
  }

  /**
   * Sleeps in poll(2) up to `ms` milliseconds until a datagram waits; true when one does (false
   * on a timeout, a signal or an error: the caller goes back to the event loop, which sees it).
   */
  waitReadable(ms: number): boolean {
    this.pollFd.writeInt16LE(0, 6);
    return this.lib.poll(this.pollFd, 1, ms) > 0 && (this.pollFd.readInt16LE(6) & POLLIN) !== 0;
  }

  offset(i: number): number {
    return i * this.slotBytes;
  }

  /** Bytes of datagram i of the last receive() (at most slotBytes). */
  length(i: number): number {
    return Math.min(this.hdrs.readUInt32LE(i * MMSGHDR + MMSG_LEN), this.slotBytes);
  }

  /** Datagram i was longer than its slot (its tail is lost). */
  truncated(i: number): boolean {
    return (this.hdrs.readInt32LE(i * MMSGHDR + MSGHDR_FLAGS) & MSG_TRUNC) !== 0;
  }

  /** Sends `len` bytes of `buf` at once; returns 0 or the errno. The buffer is free on return. */
  send(buf: Uint8Array, len: number): number {
    for (;;) {
      if (this.lib.send(this.fd, buf, len, MSG_DONTWAIT) >= 0) return 0;
      const e = this.lib.errno();
      if (e !== EINTR) return e;
    }
  }
}
