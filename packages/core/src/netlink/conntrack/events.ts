// Conntrack events: NEW (CT_NEW with NLM_F_CREATE|NLM_F_EXCL), UPDATE (CT_NEW without them) and
// DESTROY (CT_DELETE) from the NFNLGRP_CONNTRACK_* multicast groups. When the receive buffer
// overflows events are lost (the transport sees the socket's drop counter grow and emits
// 'overrun'); the subscription then re-dumps the table and hands the consumer a fresh snapshot,
// so its view converges again.
import {
  NETLINK_NETFILTER,
  NFNL_SUBSYS_CTNETLINK,
  NLM_F_CREATE,
  NLM_F_EXCL,
  nfnlMsgType,
} from '../constants.js';
import type { NlMsgView } from '../message.js';
import { NetlinkSocket } from '../transport.js';
import { Conntrack, familyNumber, type FamilyChoice } from './client.js';
import {
  IPCTNL_MSG_CT_DELETE,
  IPCTNL_MSG_CT_NEW,
  NFNLGRP_CONNTRACK_DESTROY,
  NFNLGRP_CONNTRACK_NEW,
  NFNLGRP_CONNTRACK_UPDATE,
} from './constants.js';
import { decodeEntry, type ConntrackEntry } from './entry.js';
import type { DumpFilter } from './filter.js';

export type ConntrackEventType = 'new' | 'update' | 'destroy';

export interface ConntrackEvent {
  type: ConntrackEventType;
  entry: ConntrackEntry;
}

const CT_NEW = nfnlMsgType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW);
const CT_DELETE = nfnlMsgType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE);

/** The event an ctnetlink multicast message stands for, or null for other messages. */
export function eventType(type: number, flags: number): ConntrackEventType | null {
  if (type === CT_DELETE) return 'destroy';
  if (type !== CT_NEW) return null;
  return (flags & (NLM_F_CREATE | NLM_F_EXCL)) === (NLM_F_CREATE | NLM_F_EXCL) ? 'new' : 'update';
}

/** Decodes one multicast message into an event, or null when it is not a conntrack event. */
export function decodeEvent(m: NlMsgView): ConntrackEvent | null {
  const type = eventType(m.type, m.flags);
  if (!type) return null;
  return { type, entry: decodeEntry(m.buf, m.nfAttrOffset, m.end, m.nfgenFamily) };
}

export interface WatchOptions {
  /** Which events (default all three). */
  events?: ConntrackEventType[];
  /** Only entries of this family (filtered in user space; the groups carry both). */
  family?: FamilyChoice;
  /**
   * Dump the table once the subscription is live, and again after an overrun. The snapshot goes to
   * onSnapshot; events that raced the dump may follow it (apply them in order: destroy wins).
   */
  snapshot?: boolean;
  /** Kernel-side filter for the snapshot dumps. */
  filter?: DumpFilter;
  /** Receive buffer in bytes (default 8 MiB; see NetlinkSocketOptions.recvBufferSize). */
  recvBufferSize?: number;
  onEvent(e: ConntrackEvent): void;
  onSnapshot?(entries: ConntrackEntry[], reason: 'initial' | 'overrun'): void;
  /** Errors that do not end the subscription (a failed re-dump, a malformed message). */
  onError?(e: Error): void;
}

/** A live subscription; close() leaves the groups and closes both sockets. */
export class ConntrackWatch {
  /** How many times the kernel was seen to drop events (the socket's drop counter grew). */
  overruns = 0;
  private readonly events: NetlinkSocket;
  private readonly requests: Conntrack;
  private resyncing = false;
  private resyncAgain = false;
  private closed = false;

  private constructor(
    private readonly options: WatchOptions,
    events: NetlinkSocket,
    requests: Conntrack,
  ) {
    this.events = events;
    this.requests = requests;
    const family = familyNumber(options.family);
    events.onMessage = (m) => {
      let ev: ConntrackEvent | null;
      try {
        ev = decodeEvent(m);
      } catch (e) {
        options.onError?.(e as Error);
        return;
      }
      if (!ev || (family !== 0 && ev.entry.family !== family)) return;
      options.onEvent(ev);
    };
    events.on('overrun', () => {
      this.overruns++;
      void this.resync('overrun');
    });
    events.on('error', (e) => options.onError?.(e));
  }

  /** Subscribes (and, with `snapshot`, dumps once the subscription is live). */
  static async start(options: WatchOptions): Promise<ConntrackWatch> {
    const wanted = options.events ?? ['new', 'update', 'destroy'];
    const groups = wanted.map((e) =>
      e === 'new'
        ? NFNLGRP_CONNTRACK_NEW
        : e === 'update'
          ? NFNLGRP_CONNTRACK_UPDATE
          : NFNLGRP_CONNTRACK_DESTROY,
    );
    const events = NetlinkSocket.open(NETLINK_NETFILTER, {
      groups,
      recvBufferSize: options.recvBufferSize ?? 8 << 20,
    });
    let requests: Conntrack;
    try {
      requests = Conntrack.open();
    } catch (e) {
      events.close();
      throw e;
    }
    const w = new ConntrackWatch(options, events, requests);
    if (options.snapshot) {
      try {
        const entries = await requests.dump({ family: options.family, filter: options.filter });
        options.onSnapshot?.(entries, 'initial');
      } catch (e) {
        w.close();
        throw e;
      }
    }
    return w;
  }

  private async resync(reason: 'overrun'): Promise<void> {
    if (!this.options.snapshot || this.closed) return;
    if (this.resyncing) {
      this.resyncAgain = true;
      return;
    }
    this.resyncing = true;
    try {
      do {
        this.resyncAgain = false;
        const entries = await this.requests.dump({
          family: this.options.family,
          filter: this.options.filter,
        });
        if (this.closed) return;
        this.options.onSnapshot?.(entries, reason);
      } while (this.resyncAgain && !this.closed);
    } catch (e) {
      this.options.onError?.(e as Error);
    } finally {
      this.resyncing = false;
    }
  }

  /** Let the process exit while the watch is open (it keeps the event loop alive by default). */
  unref(): void {
    this.events.unref();
    this.requests.socket.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.close();
    this.requests.close();
  }
}
