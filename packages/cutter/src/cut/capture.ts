// The NFLOG reader of a cut: every packet the endpoints send (copied by the temporary rule) is
// decoded in place and handed to the session that owns its direction. Allocation per packet: one
// short map key.
import { IPPROTO_TCP, Packet } from '@p2pwall/core';
import { Nflog, type NflogPacket } from '@p2pwall/core/netlink';
import type { EndpointState } from './endpoint-state.js';
import { packetKey } from './flow-key.js';
import type { CutSession } from './session.js';

/** TCP option kinds that change what a forged RST can do. */
export const TCPOPT_MD5SIG = 19;
export const TCPOPT_AO = 29;
export const TCPOPT_MPTCP = 30;

/** The first MD5, AO or MPTCP option in b[off, end), or 0. */
export function signatureOption(b: Uint8Array, off: number, end: number): number {
  let i = off;
  while (i < end) {
    const kind = b[i];
    if (kind === 0) return 0;
    if (kind === 1) {
      i++;
      continue;
    }
    if (kind === TCPOPT_MD5SIG || kind === TCPOPT_AO || kind === TCPOPT_MPTCP) return kind;
    const len = i + 1 < end ? b[i + 1] : 0;
    if (len < 2) return 0;
    i += len;
  }
  return 0;
}

export class EndpointCapture {
  private readonly routes = new Map<string, { session: CutSession; end: EndpointState }>();
  private readonly packet = new Packet();
  /** Packets copied to us, and those that belonged to no session. */
  received = 0;
  unmatched = 0;

  private constructor(readonly log: Nflog) {}

  /** Binds a free NFLOG group (tries `first`, then the next ones). */
  static async open(first: number, tries = 32): Promise<EndpointCapture> {
    let last: Error | null = null;
    for (let g = first; g < first + tries; g++) {
      const holder: { cap: EndpointCapture | null } = { cap: null };
      try {
        const log = await Nflog.open({
          group: g % 65536,
          copyRange: 80,
          onPacket: (p) => holder.cap?.onPacket(p),
        });
        holder.cap = new EndpointCapture(log);
        return holder.cap;
      } catch (e) {
        last = e as Error;
        if (!/EBUSY/.test(last.message)) throw e;
      }
    }
    throw last ?? new Error('no free NFLOG group');
  }

  get group(): number {
    return this.log.group;
  }

  add(session: CutSession): void {
    this.routes.set(session.initiator.key, { session, end: session.initiator });
    this.routes.set(session.responder.key, { session, end: session.responder });
  }

  remove(session: CutSession): void {
    this.routes.delete(session.initiator.key);
    this.routes.delete(session.responder.key);
  }

  private onPacket(p: NflogPacket): void {
    this.received++;
    const pk = this.packet;
    if (
      !pk.decode(p.buf, p.payloadOffset, p.payloadLength) ||
      pk.protocol !== IPPROTO_TCP ||
      !pk.hasPorts
    )
      return;
    const route = this.routes.get(
      packetKey(pk.buf, pk.srcOffset, pk.dstOffset, pk.addrLength, pk.srcPort, pk.dstPort),
    );
    if (!route) {
      this.unmatched++;
      return;
    }
    const t = pk.tcp;
    // the IP total length tells the payload length even when the copy was cut at 80 bytes
    const payload = pk.ipLength - pk.ipHeaderLength - t.headerLength;
    if (t.headerLength > 20) {
      const kind = signatureOption(pk.buf, t.optionsOffset, t.optionsOffset + t.optionsLength);
      if (kind) route.session.onOption(route.end, kind);
    }
    route.session.onPacket(route.end, t.seq, t.ack, t.flags, payload, t.window);
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
