// The temporary table of nft.ts made, changed and removed over nf_tables netlink instead of by
// `nft -f -`: the same table, sets, chains and rules (nftScript is the text of the same thing, and
// a privileged test checks that `nft list table` shows both alike), sent as one transaction.
// Starting nft cost cutter 15 ms for one connection and 60 ms for a thousand (nft parses every
// element), and blocked Node's thread while it forked.
import { NF_INET_LOCAL_OUT, NF_INET_PRE_ROUTING } from '../netlink/constants.js';
import { putU32h } from '../netlink/host-order.js';
import { NF_ACCEPT, NF_DROP } from '../netlink/nfqueue/constants.js';
import type { NlWriter } from '../netlink/writer.js';
import {
  NFPROTO_INET,
  NFT_CMP_EQ,
  NFT_CMP_NEQ,
  NFT_META_L4PROTO,
  NFT_META_MARK,
  NFT_META_NFPROTO,
  NFT_PAYLOAD_NETWORK_HEADER,
  NFT_PAYLOAD_TRANSPORT_HEADER,
  NFT_REG32_00,
  NFT_REG_1,
  NFT_SET_TIMEOUT,
} from '../netlink/nftables/constants.js';
import {
  writeCmp,
  writeLog,
  writeLookup,
  writeMeta,
  writeNotrack,
  writePayload,
  writeVerdictExpr,
} from '../netlink/nftables/expressions.js';
import {
  tupleElementBytes,
  tupleElementsPerMessage,
  writeDelTable,
  writeNewBaseChain,
  writeNewRule,
  writeNewTable,
  writeNewTupleSet,
  writeTupleElements,
  type NftTableRef,
  type NftTupleElement,
  type NftTupleSet,
} from '../netlink/nftables/ruleset-messages.js';
import type { NftTransactionBuilder } from '../netlink/nftables/transaction.js';
import { nftTupleKeyType } from '../netlink/nftables/tuple-key.js';
import type { InitialFlows, TemporaryRulesSpec } from './backend.js';
import { flowFamily, ownerTag, protoName, type FlowMatch } from './flow-match.js';

/** The family's IP header offsets of the source and destination address, and its NFPROTO. */
const LAYOUT = {
  4: { nfproto: 2, addrLen: 4, src: 12, dst: 16 },
  6: { nfproto: 10, addrLen: 16, src: 8, dst: 24 },
} as const;

/** Set ids within the transaction, in nft's order: log4, log6, drop4, drop6. */
const SETS: { name: string; family: 4 | 6; flags: number }[] = [
  { name: 'log4', family: 4, flags: 0 },
  { name: 'log6', family: 6, flags: 0 },
  { name: 'drop4', family: 4, flags: NFT_SET_TIMEOUT },
  { name: 'drop6', family: 6, flags: NFT_SET_TIMEOUT },
];

function tupleSet(name: string): NftTupleSet {
  const i = SETS.findIndex((s) => s.name === name);
  const s = SETS[i];
  return { name, id: i + 1, type: nftTupleKeyType(s.family), flags: s.flags };
}

/** Registers a concatenation of `proto . saddr . sport . daddr . dport` lands in, as nft picks them. */
function writeTupleLookup(w: NlWriter, family: 4 | 6, set: NftTupleSet): void {
  const l = LAYOUT[family];
  // each field takes 4-byte registers from NFT_REG32_00 on (reg 1 holds the first 16 bytes)
  const reg32 = (byteOffset: number) => NFT_REG32_00 + byteOffset / 4;
  const compact = (r: number) => ((r - NFT_REG32_00) % 4 === 0 ? (r - NFT_REG32_00) / 4 + 1 : r);
  writeMeta(w, NFT_META_NFPROTO, NFT_REG_1);
  writeCmp(w, NFT_REG_1, NFT_CMP_EQ, Uint8Array.of(l.nfproto));
  writeMeta(w, NFT_META_L4PROTO, NFT_REG_1);
  const sport = 4 + l.addrLen;
  const daddr = sport + 4;
  const dport = daddr + l.addrLen;
  writePayload(w, NFT_PAYLOAD_NETWORK_HEADER, l.src, l.addrLen, compact(reg32(4)));
  writePayload(w, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, compact(reg32(sport)));
  writePayload(w, NFT_PAYLOAD_NETWORK_HEADER, l.dst, l.addrLen, compact(reg32(daddr)));
  writePayload(w, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, compact(reg32(dport)));
  writeLookup(w, NFT_REG_1, set.name, set.id);
}

function inRange(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

function markBytes(mark: number): Uint8Array {
  // meta mark loads the mark in host order
  const b = new Uint8Array(4);
  putU32h(b, 0, mark >>> 0);
  return b;
}

/** `timeout Ns` as nftScript writes it: whole seconds, at least one. */
function timeoutMsOf(timeoutSec: number | undefined): number | undefined {
  return timeoutSec ? Math.max(1, Math.ceil(timeoutSec)) * 1000 : undefined;
}

/**
 * `flows` split by family, in their order. Each flow's family is read once: a cut of a thousand
 * connections puts four thousand flow directions in these sets, and reading the family per set
 * parsed every address four times.
 */
function byFamily(flows: readonly FlowMatch[]): Record<4 | 6, FlowMatch[]> {
  const out: Record<4 | 6, FlowMatch[]> = { 4: [], 6: [] };
  for (const f of flows) out[flowFamily(f)].push(f);
  return out;
}

/** Set elements for `flows`, with the timeout if there is one (the fields copied, not spread). */
function withTimeout(flows: FlowMatch[], timeoutSec?: number): NftTupleElement[] {
  const timeoutMs = timeoutMsOf(timeoutSec);
  if (timeoutMs === undefined) return flows;
  return flows.map((f) => ({
    proto: f.proto,
    src: f.src,
    srcPort: f.srcPort,
    dst: f.dst,
    dstPort: f.dstPort,
    timeoutMs,
  }));
}

/** NEWSETELEM (or DELSETELEM) messages for `elements`, as many as the attribute size needs. */
export function addTupleElements(
  b: NftTransactionBuilder,
  ref: NftTableRef,
  setName: string,
  op: 'add' | 'delete',
  elements: NftTupleElement[],
  withSetId: boolean,
): void {
  const set = tupleSet(setName);
  const per = tupleElementsPerMessage(set.type);
  // room for every element at once, and the headers of each message (table and set names)
  b.writer.ensureCapacity(
    elements.length * tupleElementBytes(set.type) + Math.ceil(elements.length / per + 1) * 64,
  );
  for (let first = 0; first < elements.length; first += per) {
    const part = elements.slice(first, first + per);
    b.add(`${op === 'add' ? 'adding to' : 'removing from'} set ${setName}`, (w, seq) => {
      const bad = writeTupleElements(
        w,
        seq,
        ref,
        withSetId ? set : { name: set.name, type: set.type },
        op,
        part,
      );
      if (bad) {
        const f = part[bad.index];
        throw new RangeError(
          `set ${setName}: ${protoName(f.proto)} ${f.src}:${f.srcPort} -> ${f.dst}:${f.dstPort}: ${bad.reason}`,
        );
      }
    });
  }
}

/**
 * The whole table of `spec` with `initial` elements, as nftScript(spec, initial) describes it:
 * table with comment, four tuple sets, the prerouting and output chains at raw priority, rules.
 */
export function buildTemporaryTable(
  b: NftTransactionBuilder,
  spec: TemporaryRulesSpec,
  initial: InitialFlows,
  table: string,
  comment: string,
  rawPriority: number,
): void {
  const ref: NftTableRef = { family: NFPROTO_INET, table };
  const tag = ownerTag(spec.owner, spec.pid);
  // nft would refuse these in the script; the attributes would silently cut them to size
  if (spec.logGroup !== undefined && !inRange(spec.logGroup, 0xffff))
    throw new RangeError(`NFLOG group ${spec.logGroup} is not in 0..65535`);
  if (spec.snaplen !== undefined && !inRange(spec.snaplen, 0xffffffff))
    throw new RangeError(`snaplen ${spec.snaplen} is not a byte count`);
  // in nft's order: the table, its chains, each set followed by its elements, the rules
  b.add(`table ${table}`, (w, seq) => writeNewTable(w, seq, ref, comment));
  const chains = [
    { name: 'prerouting', hook: NF_INET_PRE_ROUTING },
    { name: 'output', hook: NF_INET_LOCAL_OUT },
  ];
  for (const c of chains)
    b.add(`chain ${c.name}`, (w, seq) =>
      writeNewBaseChain(w, seq, ref, { ...c, priority: rawPriority, policy: NF_ACCEPT }),
    );
  const log = byFamily(initial.log ?? []);
  const drops = [
    { flows: initial.drop ?? [], timeoutSec: initial.dropTimeoutSec },
    ...(initial.dropGroups ?? []),
  ].map((g) => ({ split: byFamily(g.flows), timeoutSec: g.timeoutSec }));
  for (const s of SETS) {
    b.add(`set ${s.name}`, (w, seq) => writeNewTupleSet(w, seq, ref, tupleSet(s.name)));
    const elements =
      s.name === `log${s.family}`
        ? log[s.family]
        : drops.flatMap((g) => withTimeout(g.split[s.family], g.timeoutSec));
    addTupleElements(b, ref, s.name, 'add', elements, true);
  }
  let n = 0;
  const rule = (chain: string, body: (w: NlWriter) => void) =>
    b.add(`rule ${++n} (chain ${chain})`, (w, seq) => writeNewRule(w, seq, ref, chain, tag, body));
  if (spec.logGroup !== undefined) {
    const group = spec.logGroup;
    for (const v of [4, 6] as const)
      rule('prerouting', (w) => {
        writeTupleLookup(w, v, tupleSet(`log${v}`));
        writeLog(w, group, spec.snaplen ?? 80, 1);
      });
  }
  for (const v of [4, 6] as const)
    rule('prerouting', (w) => {
      writeTupleLookup(w, v, tupleSet(`drop${v}`));
      writeVerdictExpr(w, NF_DROP);
    });
  const mark = spec.notrackMark;
  if (mark !== undefined)
    rule('output', (w) => {
      writeMeta(w, NFT_META_MARK, NFT_REG_1);
      writeCmp(w, NFT_REG_1, NFT_CMP_EQ, markBytes(mark));
      writeNotrack(w);
    });
  for (const v of [4, 6] as const)
    rule('output', (w) => {
      if (mark !== undefined) {
        writeMeta(w, NFT_META_MARK, NFT_REG_1);
        writeCmp(w, NFT_REG_1, NFT_CMP_NEQ, markBytes(mark));
      }
      writeTupleLookup(w, v, tupleSet(`drop${v}`));
      writeVerdictExpr(w, NF_DROP);
    });
}

/** Elements added to or removed from one of the table's sets (the table exists already). */
export function buildElementChange(
  b: NftTransactionBuilder,
  table: string,
  set: 'log' | 'drop',
  op: 'add' | 'delete',
  flows: FlowMatch[],
  timeoutSec?: number,
): void {
  const ref: NftTableRef = { family: NFPROTO_INET, table };
  const split = byFamily(flows);
  for (const v of [4, 6] as const)
    addTupleElements(
      b,
      ref,
      `${set}${v}`,
      op,
      withTimeout(split[v], op === 'add' ? timeoutSec : undefined),
      false,
    );
}

/** Removing the table and all it holds. */
export function buildTableRemoval(b: NftTransactionBuilder, table: string): void {
  b.add(`table ${table}`, (w, seq) => writeDelTable(w, seq, { family: NFPROTO_INET, table }));
}
