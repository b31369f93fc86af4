// ctnetlink requests: dump, get, delete, mark update, create. One request socket per client.
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  NETLINK_NETFILTER,
  NFNETLINK_V0,
  NFNL_SUBSYS_CTNETLINK,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  nfnlMsgType,
} from '../constants.js';
import { ENOENT } from '../errno.js';
import { NetlinkError } from '../errors.js';
import type { NlMsgView } from '../message.js';
import { NetlinkSocket, type NetlinkSocketOptions } from '../transport.js';
import { NlWriter } from '../writer.js';
import {
  CTA_ID,
  CTA_MARK,
  CTA_MARK_MASK,
  CTA_STATUS,
  CTA_TIMEOUT,
  CTA_TUPLE_ORIG,
  CTA_TUPLE_REPLY,
  CTA_ZONE,
  IPCTNL_MSG_CT_DELETE,
  IPCTNL_MSG_CT_GET,
  IPCTNL_MSG_CT_GET_CTRZERO,
  IPCTNL_MSG_CT_NEW,
  CTA_PROTOINFO,
  IPS_CONFIRMED,
} from './constants.js';
import { decodeEntry, entryFamily, type ConntrackEntry } from './entry.js';
import { encodeDumpFilter, usesTupleFilter, type DumpFilter } from './filter.js';
import { encodeProtoInfo, type ProtoInfo } from './protoinfo.js';
import { encodeTuple, type Tuple } from './tuple.js';

export type FamilyChoice = 4 | 6 | 'all';

export function familyNumber(f: FamilyChoice | undefined): number {
  return f === 4 ? AF_INET : f === 6 ? AF_INET6 : AF_UNSPEC;
}

export interface DumpOptions {
  /** Default 'all'. A tuple filter (filter.orig/reply) needs 4 or 6. */
  family?: FamilyChoice;
  filter?: DumpFilter;
  /** Dump and zero the counters in one step (IPCTNL_MSG_CT_GET_CTRZERO). */
  zeroCounters?: boolean;
}

export interface DumpResult {
  count: number;
  /** The table changed during the dump (NLM_F_DUMP_INTR); entries may be missing or doubled. */
  interrupted: boolean;
}

/** What identifies one entry for get/delete/update: a tuple, and ideally the CTA_ID. */
export interface EntryKey {
  /** The original tuple (or give `reply` instead). Needs addresses, protocol and both ports. */
  orig?: Tuple;
  reply?: Tuple;
  /** CTA_ID from a dump: a reused tuple with another id is left alone (ENOENT). */
  id?: number;
  zone?: number;
}

export interface CreateSpec {
  orig: Tuple;
  reply: Tuple;
  /** Seconds (required by the kernel). */
  timeout: number;
  status?: number;
  mark?: number;
  zone?: number;
  protoinfo?: ProtoInfo;
}

/** What dumps and gets answer with, one message per entry. */
const CT_NEW = nfnlMsgType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW);

function keyTuple(k: EntryKey): [number, Tuple] {
  if (k.orig) return [CTA_TUPLE_ORIG, k.orig];
  if (k.reply) return [CTA_TUPLE_REPLY, k.reply];
  throw new RangeError('a conntrack entry key needs its original or reply tuple');
}

export class Conntrack {
  private readonly writer = new NlWriter(512);

  constructor(readonly socket: NetlinkSocket) {}

  /** Opens a NETLINK_NETFILTER request socket. */
  static open(options: NetlinkSocketOptions = {}): Conntrack {
    return new Conntrack(
      NetlinkSocket.open(NETLINK_NETFILTER, { recvBufferSize: 1 << 20, ...options }),
    );
  }

  close(): void {
    this.socket.close();
  }

  private begin(msg: number, flags: number, family: number): NlWriter {
    return this.writer
      .begin(nfnlMsgType(NFNL_SUBSYS_CTNETLINK, msg), NLM_F_REQUEST | flags, this.socket.nextSeq())
      .nfgenmsg(family, NFNETLINK_V0, 0);
  }

  /**
   * Streams every entry (matching the kernel-side filter) to `onEntry`. Entries are decoded
   * fresh for each message, so they may be kept.
   */
  async dumpEach(options: DumpOptions, onEntry: (e: ConntrackEntry) => void): Promise<DumpResult> {
    const family = familyNumber(options.family);
    if (family === AF_UNSPEC && usesTupleFilter(options.filter)) {
      throw new RangeError('a conntrack tuple filter needs one address family (4 or 6), not "all"');
    }
    const w = this.begin(
      options.zeroCounters ? IPCTNL_MSG_CT_GET_CTRZERO : IPCTNL_MSG_CT_GET,
      NLM_F_DUMP,
      family,
    );
    if (options.filter) encodeDumpFilter(w, options.filter);
    let count = 0;
    const r = await this.socket.request(w.finish(), {
      operation: 'conntrack dump',
      hints: {
        EOPNOTSUPP:
          'the kernel does not support this conntrack dump filter (CTA_FILTER needs Linux 5.8)',
      },
      timeoutMs: 30_000,
      onMessage: (m: NlMsgView) => {
        if (m.type !== CT_NEW) return;
        onEntry(decodeEntry(m.buf, m.nfAttrOffset, m.end, m.nfgenFamily));
        count++;
      },
    });
    return { count, interrupted: r.interrupted };
  }

  /** All entries (matching the filter). */
  async dump(options: DumpOptions = {}): Promise<ConntrackEntry[]> {
    const out: ConntrackEntry[] = [];
    await this.dumpEach(options, (e) => out.push(e));
    return out;
  }

  /** The entry with this tuple, or null when there is none. */
  async get(key: EntryKey): Promise<ConntrackEntry | null> {
    const [type, tuple] = keyTuple(key);
    const w = this.begin(IPCTNL_MSG_CT_GET, NLM_F_ACK, entryFamily(tuple));
    encodeTuple(w, type, tuple);
    if (key.zone !== undefined) w.be16(CTA_ZONE, key.zone);
    let found: ConntrackEntry | null = null;
    try {
      await this.socket.request(w.finish(), {
        operation: 'conntrack get',
        onMessage: (m) => {
          if (m.type === CT_NEW) found = decodeEntry(m.buf, m.nfAttrOffset, m.end, m.nfgenFamily);
        },
      });
    } catch (e) {
      if (e instanceof NetlinkError && e.errno === ENOENT) return null;
      throw e;
    }
    if (found && key.id !== undefined && (found as ConntrackEntry).id !== key.id) return null;
    return found;
  }

  /**
   * Deletes one entry. With `id` (CTA_ID) only that very entry goes, never a newer connection
   * that reuses the tuple. Returns false when it was already gone (ENOENT).
   */
  async delete(key: EntryKey): Promise<boolean> {
    const [type, tuple] = keyTuple(key);
    if (
      tuple.srcPort === undefined &&
      tuple.icmpId === undefined &&
      (tuple.proto === 6 || tuple.proto === 17)
    ) {
      // without a complete tuple the kernel would flush instead
      throw new RangeError(
        'conntrack delete needs a complete tuple (addresses, protocol and ports)',
      );
    }
    const w = this.begin(IPCTNL_MSG_CT_DELETE, NLM_F_ACK, entryFamily(tuple));
    encodeTuple(w, type, tuple);
    if (key.zone !== undefined) w.be16(CTA_ZONE, key.zone);
    if (key.id !== undefined) w.be32(CTA_ID, key.id);
    try {
      await this.socket.request(w.finish(), { operation: 'conntrack delete' });
      return true;
    } catch (e) {
      if (e instanceof NetlinkError && e.errno === ENOENT) return false;
      throw e;
    }
  }

  /**
   * Sets the connection mark: new = (old & ~mask) | (mark & mask). Returns false when the entry is
   * gone.
   */
  async setMark(key: EntryKey, mark: number, mask = 0xffffffff): Promise<boolean> {
    const [type, tuple] = keyTuple(key);
    const w = this.begin(IPCTNL_MSG_CT_NEW, NLM_F_ACK, entryFamily(tuple));
    encodeTuple(w, type, tuple);
    if (key.zone !== undefined) w.be16(CTA_ZONE, key.zone);
    if (key.id !== undefined) w.be32(CTA_ID, key.id);
    w.be32(CTA_MARK, (mark & mask) >>> 0);
    // the kernel keeps the bits of CTA_MARK_MASK's complement: (old & ~mask) ^ mark
    if (mask !== 0xffffffff) w.be32(CTA_MARK_MASK, mask >>> 0);
    try {
      await this.socket.request(w.finish(), { operation: 'conntrack mark update' });
      return true;
    } catch (e) {
      if (e instanceof NetlinkError && e.errno === ENOENT) return false;
      throw e;
    }
  }

  /** Creates an entry (NLM_F_CREATE|NLM_F_EXCL): EEXIST when the tuple is taken. */
  async create(spec: CreateSpec): Promise<void> {
    const w = this.begin(
      IPCTNL_MSG_CT_NEW,
      NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
      entryFamily(spec.orig),
    );
    encodeTuple(w, CTA_TUPLE_ORIG, spec.orig);
    encodeTuple(w, CTA_TUPLE_REPLY, spec.reply);
    if (spec.zone !== undefined) w.be16(CTA_ZONE, spec.zone);
    w.be32(CTA_TIMEOUT, spec.timeout);
    // the kernel confirms (inserts) the entry itself: a status without IPS_CONFIRMED reads as an
    // attempt to clear an unchangeable bit (EBUSY)
    if (spec.status !== undefined) w.be32(CTA_STATUS, (spec.status | IPS_CONFIRMED) >>> 0);
    if (spec.mark !== undefined) w.be32(CTA_MARK, spec.mark);
    if (spec.protoinfo) encodeProtoInfo(w, CTA_PROTOINFO, spec.protoinfo);
    await this.socket.request(w.finish(), {
      operation: 'conntrack create',
      hints: { EEXIST: 'an entry with this tuple exists already' },
    });
  }
}
