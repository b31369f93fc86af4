// The nft set client: adds elements with per-element timeouts, deletes them, flushes a set, all
// as nf_tables batches over one NETLINK_NETFILTER socket (no nft process per change); lists a
// set's elements with their time left; describes a set. Tables and sets themselves are made
// elsewhere (transaction.ts: whole tables such as cutter's, in one transaction; nft; rope's rule installer).
//
// A batch is sent without waiting and followed by NFT_MSG_GETGEN (see generation.ts): the batch's
// errors arrive before that answer, routed here by sequence number. Batches of one commit go one
// after the other and the first failed one stops the commit.
import {
  NFNETLINK_V0,
  NFNL_SUBSYS_NFTABLES,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  NLMSG_ERROR,
  nfnlMsgType,
} from '../constants.js';
import { EMSGSIZE, ENOENT } from '../errno.js';
import { NetlinkError } from '../errors.js';
import type { NlMsgView } from '../message.js';
import type { NetlinkSocket, NetlinkSocketOptions } from '../transport.js';
import { openNftSocket } from './socket.js';
import { NlWriter } from '../writer.js';
import {
  nftBatchFault,
  NFT_BATCH_DEFAULTS,
  planNftBatches,
  type NftBatch,
  type NftBatchLimits,
  type NftSetOp,
} from './batch.js';
import {
  NFT_MSG_GETSETELEM,
  NFT_MSG_GETTABLE,
  NFT_MSG_NEWSET,
  NFT_MSG_NEWSETELEM,
  NFTA_SET_ELEM_LIST_SET,
  NFTA_SET_ELEM_LIST_TABLE,
  NFTA_TABLE_NAME,
} from './constants.js';
import type { NftElement, NftListedElement } from './element.js';
import { decodeNftElementsMessage } from './elements-message.js';
import {
  nftKernelFault,
  NftSetError,
  type NftRefusedPart,
  type NftSetFault,
  type NftSetOperation,
} from './errors.js';
import { writeNftGetGen } from './generation.js';
import { nftKeyType, type NftElementKey, type NftKeyType } from './key-types.js';
import { decodeNlmsgErr, type NlmsgErr } from './nlmsgerr.js';
import { decodeNftSetInfo, writeNftGetSet, type NftSetInfo } from './set-info.js';
import { nftFamilyNumber, nftSetLabel, type NftSetRef } from './set-ref.js';

export interface NftSetClientOptions extends NetlinkSocketOptions {
  limits?: Partial<NftBatchLimits>;
}

export interface NftCommitResult {
  /** Batches sent (each committed all or nothing). */
  batches: number;
  /** Elements added or deleted. */
  elements: number;
}

/** With CAP_NET_ADMIN (the send buffer forced up, socket.ts) batches may be this large. */
const LARGE_BATCH_BYTES = 1 << 20;

export class NftSetClient {
  private readonly writer = new NlWriter(256);
  /** Key types of sets described so far, by label. */
  private readonly keyTypes = new Map<string, NftKeyType>();
  /** Error sinks of the batches in flight, by sequence number. */
  private readonly sinks = new Map<number, (err: NlmsgErr) => void>();
  private readonly limits: NftBatchLimits;
  private lastSocketError: Error | null = null;

  constructor(
    readonly socket: NetlinkSocket,
    limits: Partial<NftBatchLimits> = {},
  ) {
    this.limits = { ...NFT_BATCH_DEFAULTS, ...limits };
    socket.onMessage = (m: NlMsgView) => {
      if (m.type !== NLMSG_ERROR) return;
      const err = decodeNlmsgErr(m);
      if (err) this.sinks.get(err.requestSeq)?.(err);
    };
    socket.on('error', (e) => (this.lastSocketError = e));
  }

  /**
   * Opens a NETLINK_NETFILTER socket with extended ACKs (errors name the refused element) and
   * capped ACKs; with CAP_NET_ADMIN its send buffer is forced up so a batch may reach 1 MiB.
   */
  static open(options: NftSetClientOptions = {}): NftSetClient {
    const { limits, ...socketOptions } = options;
    const { socket, sendBufferForced } = openNftSocket(socketOptions);
    const maxBatchBytes = sendBufferForced ? LARGE_BATCH_BYTES : NFT_BATCH_DEFAULTS.maxBatchBytes;
    return new NftSetClient(socket, { maxBatchBytes, ...limits });
  }

  close(): void {
    this.socket.close();
  }

  /** Adds elements, each with its own timeout when it has one. */
  add(
    set: NftSetRef,
    elements: readonly NftElement[],
    options: { exclusive?: boolean } = {},
  ): Promise<NftCommitResult> {
    return this.commit([{ op: 'add', set, elements, exclusive: options.exclusive }]);
  }

  /** Deletes elements; with `ignoreMissing` (Linux 6.3) elements not in the set are no error. */
  delete(
    set: NftSetRef,
    elements: readonly NftElementKey[],
    options: { ignoreMissing?: boolean } = {},
  ): Promise<NftCommitResult> {
    return this.commit([{ op: 'delete', set, elements, ignoreMissing: options.ignoreMissing }]);
  }

  /** Deletes every element of the set. */
  flush(set: NftSetRef): Promise<NftCommitResult> {
    return this.commit([{ op: 'flush', set }]);
  }

  /**
   * Applies changes to one or more sets, in order, in as few batches as the limits allow (one
   * for up to 1000-odd kilobytes of elements). Throws NftSetError naming the set (and, with
   * extended ACKs, the element) when the kernel refuses a batch; that batch changed nothing.
   */
  async commit(ops: readonly NftSetOp[]): Promise<NftCommitResult> {
    for (const op of ops) if (!op.set.key) await this.keyTypeOf(op.set, op.op);
    const batches = planNftBatches(
      ops,
      (ref) => this.cachedKeyType(ref),
      () => this.socket.nextSeq(),
      this.limits,
    );
    let elements = 0;
    for (let i = 0; i < batches.length; i++) {
      const faults = await this.sendBatch(batches[i], ops);
      if (faults.length > 0) throw new NftSetError(faults, i);
      elements += batches[i].elements;
    }
    return { batches: batches.length, elements };
  }

  private async sendBatch(batch: NftBatch, ops: readonly NftSetOp[]): Promise<NftSetFault[]> {
    const faults: NftSetFault[] = [];
    const first = ops[0];
    const sink = (err: NlmsgErr): void => {
      if (err.errno !== 0) faults.push(nftBatchFault(batch, err, first));
    };
    for (const seq of batch.entries.keys()) this.sinks.set(seq, sink);
    let sendFailed = false;
    try {
      this.lastSocketError = null;
      this.socket.send(batch.bytes, (failed) => (sendFailed = failed));
      await this.socket.request(writeNftGetGen(this.writer, this.socket.nextSeq()).finish(), {
        operation: 'nft batch sync',
        // answered once the kernel went through the whole batch before it
        timeoutMs: 30_000,
      });
    } catch (e) {
      // the sync request fails as the batch did when the socket may not talk nf_tables at all
      if (faults.length === 0) faults.push(this.faultOf(e, first.op, first.set));
    } finally {
      for (const seq of batch.entries.keys()) this.sinks.delete(seq);
    }
    if (sendFailed && faults.length === 0) {
      const errno = (this.lastSocketError as NetlinkError | null)?.errno ?? EMSGSIZE;
      faults.push(nftKernelFault(errno, first.op, setNames(first.set)));
    }
    return faults;
  }

  /** The set's flags, key type and default timeout (NFT_MSG_GETSET). */
  describe(set: NftSetRef): Promise<NftSetInfo> {
    return this.describeFor(set, 'describe');
  }

  private async describeFor(set: NftSetRef, operation: NftSetOperation): Promise<NftSetInfo> {
    let info: NftSetInfo | null = null;
    const w = writeNftGetSet(
      this.writer,
      this.socket.nextSeq(),
      nftFamilyNumber(set.family),
      set.table,
      set.set,
    );
    try {
      await this.socket.request(w.finish(), {
        operation: `nft describe set ${nftSetLabel(set)}`,
        onMessage: (m) => {
          if (m.type === nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWSET))
            info = decodeNftSetInfo(m);
        },
      });
    } catch (e) {
      throw new NftSetError([await this.faultWithPart(e, operation, set)]);
    }
    if (!info) throw new NftSetError([nftKernelFault(ENOENT, operation, setNames(set), 'set')]);
    const found = info as NftSetInfo;
    if (found.key) this.keyTypes.set(nftSetLabel(set), nftKeyType(found.key));
    return found;
  }

  /** Every element of the set with its timeout and time left (NFT_MSG_GETSETELEM dump). */
  async list(set: NftSetRef): Promise<NftListedElement[]> {
    const type = set.key ? nftKeyType(set.key) : await this.keyTypeOf(set, 'list');
    const out: NftListedElement[] = [];
    const w = this.writer
      .begin(
        nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETSETELEM),
        NLM_F_REQUEST | NLM_F_DUMP,
        this.socket.nextSeq(),
      )
      .nfgenmsg(nftFamilyNumber(set.family), NFNETLINK_V0, 0)
      .string(NFTA_SET_ELEM_LIST_TABLE, set.table)
      .string(NFTA_SET_ELEM_LIST_SET, set.set);
    const newSetElem = nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWSETELEM);
    try {
      await this.socket.request(w.finish(), {
        operation: `nft list set ${nftSetLabel(set)}`,
        timeoutMs: 30_000,
        onMessage: (m) => {
          if (m.type === newSetElem) out.push(...decodeNftElementsMessage(m, type).elements);
        },
      });
    } catch (e) {
      throw new NftSetError([await this.faultWithPart(e, 'list', set)]);
    }
    return out;
  }

  private cachedKeyType(ref: NftSetRef): NftKeyType {
    return ref.key ? nftKeyType(ref.key) : this.keyTypes.get(nftSetLabel(ref))!;
  }

  /** The set's key type, described once per client. */
  private async keyTypeOf(ref: NftSetRef, operation: NftSetOperation): Promise<NftKeyType> {
    const known = this.keyTypes.get(nftSetLabel(ref));
    if (known) return known;
    const info = await this.describeFor(ref, operation);
    if (!info.key)
      throw new NftSetError([
        {
          kind: 'unknown-key-type',
          operation,
          set: nftSetLabel(ref),
          keyTypeId: info.keyTypeId,
          keyLength: info.keyLength,
          reason: `its key (type id ${info.keyTypeId}, ${info.keyLength} bytes) is none of ipv4_addr, ipv6_addr, ipv4_addr . inet_service, ipv6_addr . inet_service`,
        },
      ]);
    return nftKeyType(info.key);
  }

  private faultOf(
    e: unknown,
    operation: NftSetOperation,
    set: NftSetRef,
    part?: NftRefusedPart,
  ): NftSetFault {
    if (e instanceof NftSetError) return e.fault;
    const errno = e instanceof NetlinkError ? e.errno : 0;
    if (errno === 0) throw e;
    return nftKernelFault(errno, operation, setNames(set), part);
  }

  /** For a request refused with ENOENT: asks whether the table exists, to say which is missing. */
  private async faultWithPart(
    e: unknown,
    operation: NftSetOperation,
    set: NftSetRef,
  ): Promise<NftSetFault> {
    if (!(e instanceof NetlinkError) || e.errno !== ENOENT) return this.faultOf(e, operation, set);
    let part: NftRefusedPart = 'set';
    try {
      const w = this.writer
        .begin(
          nfnlMsgType(NFNL_SUBSYS_NFTABLES, NFT_MSG_GETTABLE),
          NLM_F_REQUEST | NLM_F_ACK,
          this.socket.nextSeq(),
        )
        .nfgenmsg(nftFamilyNumber(set.family), NFNETLINK_V0, 0)
        .string(NFTA_TABLE_NAME, set.table);
      await this.socket.request(w.finish(), { operation: 'nft get table' });
    } catch (t) {
      if (t instanceof NetlinkError && t.errno === ENOENT) part = 'table';
    }
    return this.faultOf(e, operation, set, part);
  }
}

function setNames(ref: NftSetRef): { family: string; table: string; name: string } {
  return { family: ref.family, table: ref.table, name: ref.set };
}
