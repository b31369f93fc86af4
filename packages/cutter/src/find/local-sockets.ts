// Which conntrack entries end on this machine: their tuple is a local TCP socket (sock_diag).
// An IPv4 peer of a dual-stack socket shows as ::ffff:a.b.c.d there; keys use the plain form.
import { IPPROTO_TCP } from '@p2pwall/core';
import { SockDiag, TCPF_CONNECTED, type TcpSocketInfo } from '@p2pwall/core/netlink';
import type { Connection } from './connection.js';

function plain(a: string): string {
  return a.startsWith('::ffff:') && a.includes('.') ? a.slice(7) : a;
}

export function socketKey(src: string, sport: number, dst: string, dport: number): string {
  return `${plain(src)}|${sport}|${plain(dst)}|${dport}`;
}

export class LocalSockets {
  private byKey = new Map<string, TcpSocketInfo>();

  /** Reads the machine's connected TCP sockets. */
  async refresh(diag: SockDiag): Promise<void> {
    const list = await diag.listTcp({ states: TCPF_CONNECTED });
    this.byKey = new Map(list.map((s) => [socketKey(s.src, s.srcPort, s.dst, s.dstPort), s]));
  }

  /** The local socket of `c` and which end it is, or null for a forwarded connection. */
  find(c: Connection): { end: 'initiator' | 'responder'; socket: TcpSocketInfo } | null {
    if (c.protoNum !== IPPROTO_TCP) return null;
    const o = c.entry.orig;
    const r = c.entry.reply;
    const ini = this.byKey.get(socketKey(o.src, o.srcPort ?? 0, o.dst, o.dstPort ?? 0));
    if (ini) return { end: 'initiator', socket: ini };
    const res = this.byKey.get(socketKey(r.src, r.srcPort ?? 0, r.dst, r.dstPort ?? 0));
    if (res) return { end: 'responder', socket: res };
    return null;
  }

  /**
   * Marks `c.local` when one end is a socket of this machine (which the cut destroys through
   * sock_diag, whatever TCP options it uses).
   */
  classify(c: Connection): void {
    const f = this.find(c);
    if (f) c.local = f.end;
  }
}
