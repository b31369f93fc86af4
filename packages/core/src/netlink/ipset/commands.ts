// ipset commands about whole sets and the kernel: PROTOCOL and TYPE queries with their answers,
// HEADER (a set's type and family) with its answer, CREATE, DESTROY, FLUSH. Every request starts
// the way the ipset command's do:
//
//   nlmsghdr  type NFNL_SUBSYS_IPSET << 8 | IPSET_CMD_*, flags NLM_F_REQUEST | NLM_F_ACK [| EXCL]
//   nfgenmsg  family AF_INET (the kernel reads the family from IPSET_ATTR_FAMILY), res_id 0
//   IPSET_ATTR_PROTOCOL  u8   the protocol version spoken (6 or 7)
//   IPSET_ATTR_SETNAME   string
//
// Without NLM_F_EXCL the kernel applies ipset's -exist: creating a set that exists with the same
// type and options, destroying a set that is gone, adding an element that is in the set (its
// timeout is renewed) and deleting one that is not are no errors.
import {
  AF_INET,
  NFNETLINK_V0,
  NFNL_SUBSYS_IPSET,
  NLA_F_NET_BYTEORDER,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  nfnlMsgType,
} from '../constants.js';
import { AttrTable } from '../attr.js';
import type { NlMsgView } from '../message.js';
import type { NlWriter } from '../writer.js';
import {
  IPSET_ATTR_CMD_MAX,
  IPSET_ATTR_DATA,
  IPSET_ATTR_FAMILY,
  IPSET_ATTR_HASHSIZE,
  IPSET_ATTR_MAXELEM,
  IPSET_ATTR_PROTOCOL,
  IPSET_ATTR_PROTOCOL_MIN,
  IPSET_ATTR_REVISION,
  IPSET_ATTR_REVISION_MIN,
  IPSET_ATTR_SETNAME,
  IPSET_ATTR_TIMEOUT,
  IPSET_ATTR_TYPENAME,
  IPSET_CMD_CREATE,
  IPSET_CMD_PROTOCOL,
  IPSET_CMD_TYPE,
  IPSET_FAMILIES,
  type IpsetFamily,
} from './constants.js';
import type { IpsetType } from './element.js';

/** Starts an ipset request: header, nfgenmsg, IPSET_ATTR_PROTOCOL. */
export function beginIpsetRequest(
  w: NlWriter,
  cmd: number,
  flags: number,
  seq: number,
  protocol: number,
): NlWriter {
  return w
    .begin(nfnlMsgType(NFNL_SUBSYS_IPSET, cmd), NLM_F_REQUEST | flags, seq)
    .nfgenmsg(AF_INET, NFNETLINK_V0, 0)
    .u8(IPSET_ATTR_PROTOCOL, protocol);
}

/** IPSET_CMD_PROTOCOL: which protocol versions the kernel speaks. */
export function writeIpsetProtocolQuery(w: NlWriter, seq: number, protocol: number): NlWriter {
  return beginIpsetRequest(w, IPSET_CMD_PROTOCOL, NLM_F_ACK, seq, protocol).end();
}

/** IPSET_CMD_TYPE: the revisions of a set type the kernel has. */
export function writeIpsetTypeQuery(
  w: NlWriter,
  seq: number,
  protocol: number,
  type: IpsetType,
  family: IpsetFamily,
): NlWriter {
  return beginIpsetRequest(w, IPSET_CMD_TYPE, NLM_F_ACK, seq, protocol)
    .string(IPSET_ATTR_TYPENAME, type)
    .u8(IPSET_ATTR_FAMILY, IPSET_FAMILIES[family])
    .end();
}

/** IPSET_CMD_DESTROY, IPSET_CMD_FLUSH, IPSET_CMD_HEADER: a command naming one set. */
export function writeIpsetSetCommand(
  w: NlWriter,
  cmd: number,
  seq: number,
  protocol: number,
  name: string,
  exclusive = false,
): NlWriter {
  return beginIpsetRequest(w, cmd, NLM_F_ACK | (exclusive ? NLM_F_EXCL : 0), seq, protocol)
    .string(IPSET_ATTR_SETNAME, name)
    .end();
}

export interface IpsetCreateOptions {
  type: IpsetType;
  family: IpsetFamily;
  /**
   * Default timeout of the set's elements, which also gives the set timeout support (elements
   * may then carry their own). ipset counts whole seconds (rounded up). Left out: no timeouts.
   */
  timeoutMs?: number;
  hashSize?: number;
  maxElements?: number;
}

/** IPSET_CMD_CREATE at the type's `revision` (the newest, from IPSET_CMD_TYPE). */
export function writeIpsetCreate(
  w: NlWriter,
  seq: number,
  protocol: number,
  name: string,
  revision: number,
  options: IpsetCreateOptions,
  exclusive: boolean,
): NlWriter {
  beginIpsetRequest(
    w,
    IPSET_CMD_CREATE,
    NLM_F_ACK | NLM_F_CREATE | (exclusive ? NLM_F_EXCL : 0),
    seq,
    protocol,
  )
    .string(IPSET_ATTR_SETNAME, name)
    .string(IPSET_ATTR_TYPENAME, options.type)
    .u8(IPSET_ATTR_REVISION, revision)
    .u8(IPSET_ATTR_FAMILY, IPSET_FAMILIES[options.family]);
  const data = w.nestStart(IPSET_ATTR_DATA);
  if (options.timeoutMs !== undefined)
    w.be32(IPSET_ATTR_TIMEOUT | NLA_F_NET_BYTEORDER, Math.ceil(options.timeoutMs / 1000));
  if (options.hashSize !== undefined)
    w.be32(IPSET_ATTR_HASHSIZE | NLA_F_NET_BYTEORDER, options.hashSize);
  if (options.maxElements !== undefined)
    w.be32(IPSET_ATTR_MAXELEM | NLA_F_NET_BYTEORDER, options.maxElements);
  w.nestEnd(data);
  return w.end();
}

const cmdTable = new AttrTable(IPSET_ATTR_CMD_MAX);

/** The answer to IPSET_CMD_PROTOCOL: the newest and oldest protocol versions of the kernel. */
export function decodeIpsetProtocol(m: NlMsgView): { protocol: number; protocolMin: number } {
  const t = cmdTable.parseOrThrow(m.buf, m.nfAttrOffset, m.end);
  const protocol = t.u8(IPSET_ATTR_PROTOCOL);
  return { protocol, protocolMin: t.u8(IPSET_ATTR_PROTOCOL_MIN, protocol) };
}

/** The answer to IPSET_CMD_TYPE: the type's newest and oldest revisions. */
export function decodeIpsetTypeRevisions(m: NlMsgView): { revision: number; revisionMin: number } {
  const t = cmdTable.parseOrThrow(m.buf, m.nfAttrOffset, m.end);
  return { revision: t.u8(IPSET_ATTR_REVISION), revisionMin: t.u8(IPSET_ATTR_REVISION_MIN) };
}

export interface IpsetHeader {
  name: string;
  /** The type name as the kernel has it ("hash:ip", "hash:net", …). */
  type: string;
  family: IpsetFamily | number;
  revision: number;
}

/** IPSET_ATTR_FAMILY as a family name when it is one ipset has. */
export function ipsetFamilyName(nfproto: number): IpsetFamily | number {
  for (const [name, n] of Object.entries(IPSET_FAMILIES))
    if (n === nfproto) return name as IpsetFamily;
  return nfproto;
}

/** The answer to IPSET_CMD_HEADER (and the header part of the first list message). */
export function decodeIpsetHeader(m: NlMsgView): IpsetHeader {
  const t = cmdTable.parseOrThrow(m.buf, m.nfAttrOffset, m.end);
  return {
    name: t.string(IPSET_ATTR_SETNAME) ?? '',
    type: t.string(IPSET_ATTR_TYPENAME) ?? '',
    family: ipsetFamilyName(t.u8(IPSET_ATTR_FAMILY)),
    revision: t.u8(IPSET_ATTR_REVISION),
  };
}
