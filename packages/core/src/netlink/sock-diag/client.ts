// Local TCP sockets over NETLINK_SOCK_DIAG: list them (what `ss -t` shows) and destroy one
// (SOCK_DESTROY, what `ss -K` does): the kernel aborts the socket, tells its owner ECONNABORTED
// and sends the peer a RST with the right sequence number.
import {
  AF_INET,
  AF_INET6,
  NETLINK_SOCK_DIAG,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
} from '../constants.js';
import { IPPROTO_TCP } from '../../wire/ip-proto.js';
import { ENOENT } from '../errno.js';
import { NetlinkError } from '../errors.js';
import { NetlinkSocket, type NetlinkSocketOptions } from '../transport.js';
import { NlWriter } from '../writer.js';
import {
  INET_DIAG_MARK,
  INET_DIAG_MD5SIG,
  INET_DIAG_REQ_V2_LEN,
  INET_DIAG_SHUTDOWN,
  INET_DIAG_ULP_INFO,
  SOCK_DESTROY,
  SOCK_DIAG_BY_FAMILY,
  TCPF_CONNECTED,
} from './constants.js';
import { decodeDiagMsg, putDiagRequest, type SocketId, type TcpSocketInfo } from './inet-diag.js';

export interface SocketFilter {
  /** Default 'all'. */
  family?: 4 | 6 | 'all';
  /** Bitmask of 1 << TCP_* (default: connected states, i.e. not LISTEN/TIME_WAIT). Applied by the kernel. */
  states?: number;
  /** Matched in user space: any of the socket's two ports, its local or its remote port. */
  port?: number;
  localPort?: number;
  remotePort?: number;
  /** Matched in user space: exact addresses (IPv4 also matches ::ffff:a.b.c.d). */
  address?: string;
  localAddress?: string;
  remoteAddress?: string;
}

const DESTROY_HINTS = {
  EOPNOTSUPP: 'this kernel cannot destroy sockets: it was built without CONFIG_INET_DIAG_DESTROY',
};

function sameAddress(a: string, b: string): boolean {
  return a === b || a === `::ffff:${b}` || b === `::ffff:${a}`;
}

export function matchesSocket(s: TcpSocketInfo, f: SocketFilter): boolean {
  if (f.port !== undefined && s.srcPort !== f.port && s.dstPort !== f.port) return false;
  if (f.localPort !== undefined && s.srcPort !== f.localPort) return false;
  if (f.remotePort !== undefined && s.dstPort !== f.remotePort) return false;
  if (f.address !== undefined && !sameAddress(s.src, f.address) && !sameAddress(s.dst, f.address))
    return false;
  if (f.localAddress !== undefined && !sameAddress(s.src, f.localAddress)) return false;
  if (f.remoteAddress !== undefined && !sameAddress(s.dst, f.remoteAddress)) return false;
  return true;
}

export class SockDiag {
  private readonly writer = new NlWriter(128);

  constructor(readonly socket: NetlinkSocket) {}

  static open(options: NetlinkSocketOptions = {}): SockDiag {
    return new SockDiag(
      NetlinkSocket.open(NETLINK_SOCK_DIAG, { recvBufferSize: 1 << 20, ...options }),
    );
  }

  close(): void {
    this.socket.close();
  }

  /** Local TCP sockets matching the filter. */
  async listTcp(filter: SocketFilter = {}): Promise<TcpSocketInfo[]> {
    const families =
      filter.family === 4 ? [AF_INET] : filter.family === 6 ? [AF_INET6] : [AF_INET, AF_INET6];
    const out: TcpSocketInfo[] = [];
    for (const family of families) {
      const ext =
        (1 << (INET_DIAG_SHUTDOWN - 1)) |
        (1 << (INET_DIAG_MD5SIG - 1)) |
        (1 << (INET_DIAG_ULP_INFO - 1)) |
        (1 << (INET_DIAG_MARK - 1));
      this.writer
        .begin(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, this.socket.nextSeq())
        .struct(INET_DIAG_REQ_V2_LEN, (b, off) =>
          putDiagRequest(b, off, {
            family,
            protocol: IPPROTO_TCP,
            ext: ext & 0xff,
            states: filter.states ?? TCPF_CONNECTED,
          }),
        );
      await this.socket.request(this.writer.finish(), {
        operation: 'listing TCP sockets (sock_diag)',
        onMessage: (m) => {
          if (m.type !== SOCK_DIAG_BY_FAMILY) return;
          const s = decodeDiagMsg(m.buf, m.payloadOffset, m.end);
          if (matchesSocket(s, filter)) out.push(s);
        },
      });
    }
    return out;
  }

  /**
   * Destroys the socket with this id (SOCK_DESTROY). Returns false when no such socket exists
   * (any more). Throws NetlinkError with a clear hint when the kernel lacks
   * CONFIG_INET_DIAG_DESTROY or the caller lacks CAP_NET_ADMIN.
   */
  async destroy(id: SocketId): Promise<boolean> {
    this.writer
      .begin(SOCK_DESTROY, NLM_F_REQUEST | NLM_F_ACK, this.socket.nextSeq())
      .struct(INET_DIAG_REQ_V2_LEN, (b, off) =>
        putDiagRequest(b, off, {
          family: id.family,
          protocol: IPPROTO_TCP,
          states: 0xffffffff,
          id,
        }),
      );
    try {
      await this.socket.request(this.writer.finish(), {
        operation: 'destroying a TCP socket (SOCK_DESTROY)',
        hints: DESTROY_HINTS,
      });
      return true;
    } catch (e) {
      if (e instanceof NetlinkError && e.errno === ENOENT) return false;
      throw e;
    }
  }
}
