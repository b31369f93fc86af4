// The NFLOG reader of a cut: every packet the endpoints send (copied by the temporary rule) is
// decoded in place and handed to the session that owns its direction. Nothing is allocated per
// packet: the direction is read into one reused flow key, found by its hash and compared.
import { IPPROTO_TCP, Packet, TCP_MIN_HEADER, TcpOptionWalk } from '@p2pwall/core';
import { FlowKey } from '@p2pwall/core/flow';
import { Nflog, NetlinkError, type NflogPacket } from '@p2pwall/core/netlink';
import type { EndpointState } from './endpoint-state.js';
import { optionThatMatters, type CutSession } from './session.js';

interface Route {
  session: CutSession;
  end: EndpointState;
}

export class EndpointCapture {
  /** By direction hash; a bucket holds the rare directions whose hashes collide. */
  private readonly routes = new Map<number, Route[]>();
  private readonly packet = new Packet();
  private readonly key = new FlowKey();
  private readonly options = new TcpOptionWalk();
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
        if (!(e instanceof NetlinkError && e.code === 'EBUSY')) throw e;
        last = e;
      }
    }
    throw last ?? new Error('no free NFLOG group');
  }

  get group(): number {
    return this.log.group;
  }

  add(session: CutSession): void {
    for (const end of [session.initiator, session.responder]) {
      const hash = end.key.hash();
      // a direction belongs to one session: the latest added for it
      const bucket = (this.routes.get(hash) ?? []).filter((r) => !r.end.key.equals(end.key));
      bucket.push({ session, end });
      this.routes.set(hash, bucket);
    }
  }

  remove(session: CutSession): void {
    for (const end of [session.initiator, session.responder]) {
      const hash = end.key.hash();
      const bucket = this.routes.get(hash)?.filter((r) => r.end !== end);
      if (bucket?.length) this.routes.set(hash, bucket);
      else this.routes.delete(hash);
    }
  }

  private find(pk: Packet): Route | null {
    const key = this.key.readPacket(pk);
    const bucket = this.routes.get(key.hash());
    if (!bucket) return null;
    for (let i = 0; i < bucket.length; i++) {
      const r = bucket[i];
      if (r.end.key.equals(key)) return r;
    }
    return null;
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
    const route = this.find(pk);
    if (!route) {
      this.unmatched++;
      return;
    }
    const t = pk.tcp;
    // the IP total length tells the payload length even when the copy was cut at 80 bytes
    const payload = pk.ipLength - pk.ipHeaderLength - t.headerLength;
    if (t.headerLength > TCP_MIN_HEADER) {
      const kind = optionThatMatters(this.options.reset(pk.buf, t.optionsOffset, t.optionsLength));
      if (kind) route.session.onOption(route.end, kind);
    }
    route.session.onPacket(route.end, t.seq, t.ack, t.flags, payload, t.window);
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
