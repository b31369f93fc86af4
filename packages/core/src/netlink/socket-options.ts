// Socket options the `netlink` package cannot set, applied to its socket's file descriptor.
//
// Why: in `netlink` 0.3.0 a receive-buffer overrun aborts the process. The kernel reports the
// overrun by setting sk_err = ENOBUFS; epoll then signals EPOLLERR, libuv hands the package's poll
// callback an error, and the binding builds its exception with a NULL syscall name, which
// terminates the process. With NETLINK_NO_ENOBUFS the kernel drops the messages that do not fit
// without raising the error (it still counts them in the socket's `Drops`, read from
// /proc/net/netlink), so an overrun becomes a counter we watch instead of a crash. SO_RCVBUFFORCE
// (CAP_NET_ADMIN) lets a busy queue or event socket have a receive buffer above net.core.rmem_max.
//
// The package does not expose the descriptor, so it is found the way `ss` would: the socket's
// port id gives its inode in /proc/net/netlink, and /proc/self/fd links to `socket:[inode]`.
// setsockopt is called through koffi (FFI with prebuilt binaries).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { loadKoffi, loadLibc } from '../ffi/koffi.js';
import { NETLINK_NO_ENOBUFS, SOL_NETLINK } from './constants.js';

export { NETLINK_NO_ENOBUFS, SOL_NETLINK };
export const SOL_SOCKET = 1;
export const SO_RCVBUFFORCE = 33;
/** getsockopt(SOL_SOCKET, SO_MEMINFO): u32[SK_MEMINFO_VARS]; SK_MEMINFO_DROPS is sk_drops. */
const SO_MEMINFO = 55;
const SK_MEMINFO_VARS = 9;
const SK_MEMINFO_DROPS = 8;

export interface NetlinkSocketInfo {
  fd: number;
  inode: number;
}

interface ProcRow {
  protocol: number;
  portId: number;
  drops: number;
  inode: number;
}

function procNetlink(): ProcRow[] {
  const rows: ProcRow[] = [];
  let text: string;
  try {
    text = readFileSync('/proc/net/netlink', 'utf8');
  } catch {
    return rows;
  }
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    rows.push({
      protocol: Number(f[1]),
      portId: Number(f[2]) >>> 0,
      drops: Number(f[8]),
      inode: Number(f[9]),
    });
  }
  return rows;
}

/** The descriptor and inode of this process's netlink socket with that protocol and port id. */
export function findNetlinkSocket(protocol: number, portId: number): NetlinkSocketInfo | null {
  const row = procNetlink().find((r) => r.protocol === protocol && r.portId === portId >>> 0);
  if (!row) return null;
  const target = `socket:[${row.inode}]`;
  let fds: string[];
  try {
    fds = readdirSync('/proc/self/fd');
  } catch {
    return null;
  }
  for (const name of fds) {
    try {
      if (readlinkSync(`/proc/self/fd/${name}`) === target)
        return { fd: Number(name), inode: row.inode };
    } catch {
      /* closed meanwhile */
    }
  }
  return null;
}

/** Messages the kernel dropped for this socket so far (the `Drops` column), or -1 if unknown. */
export function netlinkDrops(inode: number): number {
  const row = procNetlink().find((r) => r.inode === inode);
  return row ? row.drops : -1;
}

type SetSockOpt = (fd: number, level: number, name: number, value: Buffer, len: number) => number;
type GetSockOpt = (fd: number, level: number, name: number, value: Buffer, len: Buffer) => number;
type ErrnoFn = () => number;
interface Ffi {
  setsockopt: SetSockOpt;
  getsockopt: GetSockOpt;
  errno: ErrnoFn;
}
let ffi: Ffi | null | undefined;

function loadFfi(): Ffi | null {
  if (ffi !== undefined) return ffi;
  const koffi = loadKoffi();
  const libc = loadLibc();
  ffi = null;
  if (!koffi || !libc) return ffi;
  try {
    ffi = {
      setsockopt: libc.func('int setsockopt(int, int, int, const void *, uint32_t)') as SetSockOpt,
      getsockopt: libc.func('int getsockopt(int, int, int, void *, void *)') as GetSockOpt,
      errno: () => koffi.errno(),
    };
  } catch {
    ffi = null;
  }
  return ffi;
}

/**
 * Sets an integer socket option on `fd`. Returns 0, or the errno (e.g. 1 EPERM for
 * SO_RCVBUFFORCE without CAP_NET_ADMIN), or -1 when the FFI is unavailable on this platform.
 */
export function setIntOption(fd: number, level: number, name: number, value: number): number {
  const f = loadFfi();
  if (!f) return -1;
  const v = Buffer.alloc(4);
  v.writeInt32LE(value | 0);
  return f.setsockopt(fd, level, name, v, 4) === 0 ? 0 : f.errno();
}

/**
 * Finds this process's socket with that protocol and port id and applies what the package cannot:
 * NETLINK_NO_ENOBUFS, and `recvBufferSize` forced past net.core.rmem_max when given. Null when the
 * socket is not found (no /proc).
 */
export function tuneNetlinkSocket(
  protocol: number,
  portId: number,
  recvBufferSize: number | undefined,
): NetlinkSocketInfo | null {
  const info = findNetlinkSocket(protocol, portId);
  if (!info) return null;
  setIntOption(info.fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, 1);
  if (recvBufferSize) setIntOption(info.fd, SOL_SOCKET, SO_RCVBUFFORCE, recvBufferSize);
  return info;
}

const meminfo = Buffer.alloc(SK_MEMINFO_VARS * 4);
const meminfoLen = Buffer.alloc(4);

/**
 * The socket's drop counter (what /proc/net/netlink shows as Drops) read with SO_MEMINFO: a
 * system call instead of reading and parsing the whole /proc table (hundreds of µs, which a
 * 200 ms poll would add to the packet path's latency). -1 when the FFI or the option is missing.
 */
export function socketDrops(fd: number): number {
  const f = loadFfi();
  if (!f) return -1;
  meminfoLen.writeUInt32LE(meminfo.length);
  if (f.getsockopt(fd, SOL_SOCKET, SO_MEMINFO, meminfo, meminfoLen) !== 0) return -1;
  if (meminfoLen.readUInt32LE() < (SK_MEMINFO_DROPS + 1) * 4) return -1;
  return meminfo.readUInt32LE(SK_MEMINFO_DROPS * 4);
}
