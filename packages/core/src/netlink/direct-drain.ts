// The loop that reads a socket's waiting datagrams in runs (recvmmsg, see direct-io.ts) once the
// event loop has said it is readable, and, for a socket that asks for it, lingers: when the
// socket runs dry it waits a little in poll(2) for the next datagram instead of going back to the
// event loop at once.
//
// Why linger: a packet that arrives while the thread sleeps in libuv's epoll reaches JavaScript
// through the `netlink` package's poll callback — a MSG_PEEK to size it, a read into a new
// Buffer, a call into JavaScript — and then our recvmmsg; one that arrives while the thread
// sleeps in poll(2) here costs one recvmmsg. For rope run under moderate load (packets every few
// hundred microseconds) that is most packets, and the RTT through the queue moves toward the C
// loop's (docs/performance.md, "Lingering on the queue"). The event loop still gets its turn
// after `budgetMs` or `budget` datagrams, whichever comes first, and the wait never spins: the
// thread sleeps in the kernel until a datagram comes or the linger ends.

/** What the loop needs of a socket's direct I/O (DirectIo; fakes in tests). */
export interface RunReader {
  readonly slots: number;
  /** Up to `slots` datagrams without blocking: how many, 0 when none, or −errno. */
  receive(): number;
  /** Sleeps up to `ms` for a datagram; true when one waits. */
  waitReadable(ms: number): boolean;
}

export interface DrainLimits {
  /** Datagrams read before the event loop gets its turn back. */
  budget: number;
  /** Milliseconds to wait for the next datagram when the socket runs dry; 0: return at once. */
  lingerMs: number;
  /** Milliseconds after which lingering stops and the event loop gets its turn back. */
  budgetMs: number;
}

/**
 * Reads runs until the socket is dry (and no datagram came while lingering), the budget is spent
 * or `stop()` says so; `onRun(n)` handles each run of n datagrams (n may be 0 after an error),
 * `onError(errno)` a failed read. `now` is a millisecond clock.
 */
export function drainRuns(
  io: RunReader,
  limits: DrainLimits,
  onRun: (n: number) => void,
  onError: (errno: number) => void,
  stop: () => boolean,
  now: () => number,
): void {
  let left = limits.budget;
  const lingerUntil = limits.lingerMs > 0 ? now() + limits.budgetMs : 0;
  for (;;) {
    const n = io.receive();
    if (n < 0) onError(-n);
    const got = n > 0 ? n : 0;
    onRun(got);
    left -= got;
    if (left <= 0 || stop()) return;
    if (got === io.slots) continue;
    // dry (or failed): back to the event loop, unless lingering and a datagram comes in time
    if (limits.lingerMs <= 0 || n < 0) return;
    const rest = lingerUntil - now();
    if (rest <= 0 || !io.waitReadable(Math.min(limits.lingerMs, Math.ceil(rest)))) return;
  }
}
