// The kernel's drop counter of one netlink socket, and the poll that turns its rise into an
// overrun. Sockets opened with NETLINK_NO_ENOBUFS (see socket-options.ts) never see ENOBUFS: a
// full receive buffer shows only as messages the kernel counted as dropped. The counter is read
// with SO_MEMINFO (one system call), falling back to /proc/net/netlink where the FFI is missing.
import { netlinkDrops, socketDrops, type NetlinkSocketInfo } from './socket-options.js';

/** How often the drop counter is read while someone listens for overruns. */
const DROP_POLL_MS = 200;

export class DropWatch {
  private timer: NodeJS.Timeout | null = null;
  private last = 0;

  constructor(
    private readonly socket: NetlinkSocketInfo,
    private readonly onOverrun: () => void,
  ) {}

  /** Messages the kernel dropped since the socket opened (-1 when unknown). */
  count(): number {
    const d = socketDrops(this.socket.fd);
    return d >= 0 ? d : netlinkDrops(this.socket.inode);
  }

  /** Starts polling, once: calls onOverrun each time the counter has risen since the last read. */
  start(): void {
    if (this.timer) return;
    this.last = Math.max(0, this.count());
    this.timer = setInterval(() => {
      const d = this.count();
      if (d > this.last) {
        this.last = d;
        this.onOverrun();
      }
    }, DROP_POLL_MS);
    // the watch alone never keeps the process alive
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
