// Set-element changes as nf_tables batches: NFNL_MSG_BATCH_BEGIN, one or more
// NFT_MSG_{NEW,DEL,DESTROY}SETELEM messages, NFNL_MSG_BATCH_END — the framing libnftnl and nft
// use, nfgenmsg.res_id = NFNL_SUBSYS_NFTABLES on the begin and end messages. The kernel applies a
// batch all or nothing and answers every failed message with an NLMSG_ERROR carrying that
// message's sequence number; so each batch keeps a table from sequence number to what the message
// held, and an error is turned into a fault naming the set and, with extended ACKs, the element.
//
// Sizes: a message holds at most `maxElementsPerMessage` elements (its element list is one
// attribute, whose length is a u16), and a batch at most `maxBatchBytes` (one datagram, which the
// socket's send buffer must hold); larger changes become several batches, each atomic by itself.
import {
  AF_UNSPEC,
  NFNETLINK_V0,
  NFNL_MSG_BATCH_BEGIN,
  NFNL_MSG_BATCH_END,
  NFNL_SUBSYS_NFTABLES,
  NLM_F_CREATE,
  NLM_F_EXCL,
  NLM_F_REQUEST,
} from '../constants.js';
import { NLA_HDRLEN, nlaAlign } from '../attr.js';
import { NFGENMSG_LEN, NLMSG_HDRLEN } from '../message.js';
import { NlWriter } from '../writer.js';
import { NFT_MSG_DELSETELEM, NFT_MSG_DESTROYSETELEM, NFT_MSG_NEWSETELEM } from './constants.js';
import { nftElementSize, type NftElement } from './element.js';
import { writeNftElementsMessage, type NftElementsLayout } from './elements-message.js';
import { nftKernelFault, NftSetError, type NftRefusedPart, type NftSetFault } from './errors.js';
import { formatNftKey, type NftElementKey, type NftKeyType } from './key-types.js';
import type { NlmsgErr } from './nlmsgerr.js';
import { nftFamilyNumber, nftSetLabel, type NftSetRef } from './set-ref.js';

/** One change to one set. */
export type NftSetOp =
  | {
      op: 'add';
      set: NftSetRef;
      elements: readonly NftElement[];
      /** NLM_F_EXCL: an element already in the set fails the batch (EEXIST). */
      exclusive?: boolean;
    }
  | {
      op: 'delete';
      set: NftSetRef;
      elements: readonly NftElementKey[];
      /** NFT_MSG_DESTROYSETELEM (Linux 6.3): elements not in the set are no error. */
      ignoreMissing?: boolean;
    }
  | { op: 'flush'; set: NftSetRef };

export interface NftBatchLimits {
  maxElementsPerMessage: number;
  maxBatchBytes: number;
}

export const NFT_BATCH_DEFAULTS: NftBatchLimits = {
  maxElementsPerMessage: 1000,
  // the default send buffer (net.core.wmem_default, 208 KiB) holds this with room to spare
  maxBatchBytes: 160 * 1024,
};

/** What one message of a batch carried, found again by its sequence number. */
export interface NftBatchEntry {
  role: 'begin' | 'end' | 'elements';
  /** For 'elements': the operation, and the index of its first element in this message. */
  op?: NftSetOp;
  first?: number;
  layout?: NftElementsLayout;
}

export interface NftBatch {
  /** The datagram: begin, messages, end. */
  bytes: Buffer;
  entries: Map<number, NftBatchEntry>;
  /** Elements the batch adds or deletes (a flush counts 0). */
  elements: number;
}

const BATCH_FRAME = NLMSG_HDRLEN + NFGENMSG_LEN;

function stringAttrSize(s: string): number {
  return NLA_HDRLEN + nlaAlign(Buffer.byteLength(s) + 1);
}

/** NFNL_MSG_BATCH_BEGIN or _END: the frame around the messages of one nf_tables transaction. */
export function writeBatchFrame(w: NlWriter, type: number, seq: number): void {
  w.begin(type, NLM_F_REQUEST, seq).nfgenmsg(AF_UNSPEC, NFNETLINK_V0, NFNL_SUBSYS_NFTABLES).end();
}

/** Fills batches one message at a time, closing one when the next message would not fit. */
class BatchAssembler {
  readonly batches: NftBatch[] = [];
  private w: NlWriter | null = null;
  private current: NftBatch | null = null;

  constructor(
    private readonly nextSeq: () => number,
    private readonly limits: NftBatchLimits,
  ) {}

  /** The open batch's writer (a batch is opened when none is). */
  writer(): NlWriter {
    if (!this.w) {
      this.w = new NlWriter(4096);
      this.current = { bytes: Buffer.alloc(0), entries: new Map(), elements: 0 };
      const seq = this.nextSeq();
      writeBatchFrame(this.w, NFNL_MSG_BATCH_BEGIN, seq);
      this.current.entries.set(seq, { role: 'begin' });
    }
    return this.w;
  }

  /** Bytes one more message may take in the open batch, keeping room for the end message. */
  room(): number {
    return this.limits.maxBatchBytes - this.writer().length - BATCH_FRAME;
  }

  /** True when the open batch holds no message besides its begin. */
  get fresh(): boolean {
    return !this.current || this.current.entries.size === 1;
  }

  record(seq: number, entry: NftBatchEntry, elements: number): void {
    this.current!.entries.set(seq, entry);
    this.current!.elements += elements;
  }

  close(): void {
    if (!this.w || !this.current) return;
    const seq = this.nextSeq();
    writeBatchFrame(this.w, NFNL_MSG_BATCH_END, seq);
    this.current.entries.set(seq, { role: 'end' });
    this.current.bytes = this.w.finish();
    this.batches.push(this.current);
    this.w = null;
    this.current = null;
  }
}

/**
 * Encodes `ops` as one or more batches. `typeOf` gives each set's key type. Throws NftSetError
 * (kind 'invalid-element') when an element does not fit its set; nothing has been sent then.
 */
export function planNftBatches(
  ops: readonly NftSetOp[],
  typeOf: (ref: NftSetRef) => NftKeyType,
  nextSeq: () => number,
  limits: NftBatchLimits = NFT_BATCH_DEFAULTS,
): NftBatch[] {
  const out = new BatchAssembler(nextSeq, limits);
  const scratch = new Uint8Array(32);
  for (const op of ops) {
    const type = typeOf(op.set);
    const family = nftFamilyNumber(op.set.family);
    const withTimeouts = op.op === 'add';
    const msg =
      op.op === 'add'
        ? NFT_MSG_NEWSETELEM
        : op.op === 'delete' && op.ignoreMissing
          ? NFT_MSG_DESTROYSETELEM
          : NFT_MSG_DELSETELEM;
    const flags = op.op === 'add' ? NLM_F_CREATE | (op.exclusive ? NLM_F_EXCL : 0) : 0;
    const overhead =
      BATCH_FRAME + stringAttrSize(op.set.table) + stringAttrSize(op.set.set) + NLA_HDRLEN;
    const elements = op.op === 'flush' ? undefined : op.elements;
    // an empty list changes nothing (and must not become a flush)
    if (elements && elements.length === 0) continue;
    const total = elements?.length ?? 0;
    const elemSize = nftElementSize(type, withTimeouts);
    const perMessage = Math.max(
      1,
      Math.min(limits.maxElementsPerMessage, Math.floor((0xffff - NLA_HDRLEN) / elemSize)),
    );
    let first = 0;
    for (;;) {
      const room = out.room() - overhead;
      let n = Math.min(total - first, perMessage, Math.floor(room / elemSize));
      const fits = elements ? n > 0 : room >= 0;
      if (!fits && !out.fresh) {
        out.close();
        continue;
      }
      // a message that fits no batch goes alone; the kernel's send-buffer check has the last word
      if (elements) n = Math.max(n, 1);
      const seq = nextSeq();
      const layout = writeNftElementsMessage(out.writer(), {
        msg,
        flags,
        seq,
        family,
        table: op.set.table,
        set: op.set.set,
        type,
        elements: elements?.slice(first, first + n),
        withTimeouts,
        scratch,
      });
      if ('reason' in layout) {
        throw new NftSetError([
          {
            kind: 'invalid-element',
            operation: op.op,
            set: nftSetLabel(op.set),
            index: first + layout.index,
            reason: layout.reason,
          },
        ]);
      }
      out.record(seq, { role: 'elements', op, first, layout }, n);
      first += n;
      if (first >= total) break;
    }
  }
  out.close();
  return out.batches;
}

/** Which part of a message the extended-ACK offset points at, and which element. */
function refusedPart(
  entry: NftBatchEntry,
  attrOffset: number | undefined,
): { part?: NftRefusedPart; element?: NftElementKey } {
  if (entry.role !== 'elements' || !entry.layout) return { part: 'batch' };
  if (attrOffset === undefined) return {};
  const { tableOffset, setOffset, elementOffsets } = entry.layout;
  if (attrOffset === tableOffset) return { part: 'table' };
  if (attrOffset === setOffset) return { part: 'set' };
  if (elementOffsets.length === 0 || attrOffset < elementOffsets[0]) return {};
  // the last element nest starting at or before the offset
  let lo = 0;
  let hi = elementOffsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (elementOffsets[mid] <= attrOffset) lo = mid;
    else hi = mid - 1;
  }
  const op = entry.op!;
  const elements = op.op === 'flush' ? [] : op.elements;
  return { part: 'element', element: elements[entry.first! + lo] };
}

/**
 * The fault an NLMSG_ERROR of `batch` stands for. `fallbackSet` names the set when the error
 * answers the batch frame (EPERM comes back on the begin message).
 */
export function nftBatchFault(batch: NftBatch, err: NlmsgErr, fallbackSet: NftSetOp): NftSetFault {
  const entry = batch.entries.get(err.requestSeq) ?? { role: 'begin' as const };
  const op = entry.op ?? fallbackSet;
  const { part, element } = refusedPart(entry, err.attrOffset);
  return nftKernelFault(
    err.errno,
    op.op,
    { family: op.set.family, table: op.set.table, name: op.set.set },
    part === 'batch' ? undefined : part,
    element ? formatNftKey(element) : undefined,
    err.message,
  );
}
