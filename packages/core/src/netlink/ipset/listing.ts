// IPSET_CMD_LIST of one set (a dump) and the messages that answer it: the first carries the
// header (type, family, revision, and in IPSET_ATTR_DATA the set's options and counts), every one
// carries elements in IPSET_ATTR_ADT. Encode and decode side by side.
import { NLM_F_DUMP } from '../constants.js';
import { AttrTable, forEachAttr } from '../attr.js';
import type { NlMsgView } from '../message.js';
import type { NlWriter } from '../writer.js';
import {
  IPSET_ATTR_ADT,
  IPSET_ATTR_CMD_MAX,
  IPSET_ATTR_CREATE_MAX,
  IPSET_ATTR_DATA,
  IPSET_ATTR_ELEMENTS,
  IPSET_ATTR_FAMILY,
  IPSET_ATTR_HASHSIZE,
  IPSET_ATTR_MAXELEM,
  IPSET_ATTR_MEMSIZE,
  IPSET_ATTR_REFERENCES,
  IPSET_ATTR_REVISION,
  IPSET_ATTR_SETNAME,
  IPSET_ATTR_TIMEOUT,
  IPSET_ATTR_TYPENAME,
  IPSET_CMD_LIST,
  type IpsetFamily,
} from './constants.js';
import { beginIpsetRequest, ipsetFamilyName } from './commands.js';
import { decodeIpsetData, type IpsetListedElement } from './element.js';

export function writeIpsetList(w: NlWriter, seq: number, protocol: number, name: string): NlWriter {
  return beginIpsetRequest(w, IPSET_CMD_LIST, NLM_F_DUMP, seq, protocol)
    .string(IPSET_ATTR_SETNAME, name)
    .end();
}

export interface IpsetListing {
  name: string;
  type: string;
  family: IpsetFamily | number;
  revision: number;
  /** The set's default timeout (whole seconds, as ms); present when the set has timeout support. */
  timeoutMs?: number;
  hashSize?: number;
  maxElements?: number;
  /** What the kernel counts: elements, references (iptables rules), bytes of memory. */
  count?: number;
  references?: number;
  memory?: number;
  elements: IpsetListedElement[];
}

const cmdTable = new AttrTable(IPSET_ATTR_CMD_MAX);
const headerTable = new AttrTable(IPSET_ATTR_CREATE_MAX);

/** Adds what one list message holds to `into` (start with an empty listing). */
export function decodeIpsetListMessage(m: NlMsgView, into: IpsetListing): void {
  const t = cmdTable.parseOrThrow(m.buf, m.nfAttrOffset, m.end);
  if (t.has(IPSET_ATTR_TYPENAME)) {
    into.name = t.string(IPSET_ATTR_SETNAME) ?? into.name;
    into.type = t.string(IPSET_ATTR_TYPENAME)!;
    into.family = ipsetFamilyName(t.u8(IPSET_ATTR_FAMILY));
    into.revision = t.u8(IPSET_ATTR_REVISION);
  }
  if (t.nested(IPSET_ATTR_DATA, headerTable)) {
    const h = headerTable;
    if (h.has(IPSET_ATTR_TIMEOUT)) into.timeoutMs = h.be32(IPSET_ATTR_TIMEOUT) * 1000;
    if (h.has(IPSET_ATTR_HASHSIZE)) into.hashSize = h.be32(IPSET_ATTR_HASHSIZE);
    if (h.has(IPSET_ATTR_MAXELEM)) into.maxElements = h.be32(IPSET_ATTR_MAXELEM);
    if (h.has(IPSET_ATTR_ELEMENTS)) into.count = h.be32(IPSET_ATTR_ELEMENTS);
    if (h.has(IPSET_ATTR_REFERENCES)) into.references = h.be32(IPSET_ATTR_REFERENCES);
    if (h.has(IPSET_ATTR_MEMSIZE)) into.memory = h.be32(IPSET_ATTR_MEMSIZE);
  }
  if (!t.has(IPSET_ATTR_ADT)) return;
  const start = t.offset(IPSET_ATTR_ADT);
  const b = m.buf;
  forEachAttr(b, start, start + t.length(IPSET_ATTR_ADT), (type, off, len) => {
    if (type === IPSET_ATTR_DATA) into.elements.push(decodeIpsetData(b, off, off + len));
  });
}

/** An empty listing to decode into. */
export function emptyIpsetListing(name: string): IpsetListing {
  return { name, type: '', family: 0, revision: 0, elements: [] };
}
