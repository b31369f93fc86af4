// IPSET_CMD_ADD and IPSET_CMD_DEL: elements added or deleted. One element goes in
// IPSET_ATTR_DATA, as the ipset command sends it; several go in IPSET_ATTR_ADT, a list of
// IPSET_ATTR_DATA nests, which the kernel only takes with IPSET_ATTR_LINENO present (it is the
// restore mode of `ipset restore`). The kernel applies the elements in order and stops at the
// first it refuses: a message is not atomic, unlike an nf_tables batch.
import { NLA_F_NET_BYTEORDER, NLM_F_ACK, NLM_F_EXCL } from '../constants.js';
import type { NlWriter } from '../writer.js';
import {
  IPSET_ATTR_ADT,
  IPSET_ATTR_LINENO,
  IPSET_ATTR_SETNAME,
  IPSET_CMD_ADD,
} from './constants.js';
import { beginIpsetRequest } from './commands.js';
import { writeIpsetData, type IpsetElement, type IpsetType } from './element.js';

export interface IpsetAdtRequest {
  /** IPSET_CMD_ADD or IPSET_CMD_DEL. */
  cmd: number;
  seq: number;
  protocol: number;
  name: string;
  type: IpsetType;
  /** Checked elements (checkIpsetElement). */
  elements: readonly IpsetElement[];
  /** NLM_F_EXCL: an add of a present element, a delete of a missing one, fail (IPSET_ERR_EXIST). */
  exclusive: boolean;
}

export function writeIpsetAdt(w: NlWriter, r: IpsetAdtRequest): NlWriter {
  beginIpsetRequest(w, r.cmd, NLM_F_ACK | (r.exclusive ? NLM_F_EXCL : 0), r.seq, r.protocol).string(
    IPSET_ATTR_SETNAME,
    r.name,
  );
  const withTimeout = r.cmd === IPSET_CMD_ADD;
  if (r.elements.length === 1) {
    writeIpsetData(w, r.type, r.elements[0], withTimeout);
  } else {
    const adt = w.nestStart(IPSET_ATTR_ADT);
    for (const e of r.elements) writeIpsetData(w, r.type, e, withTimeout);
    w.nestEnd(adt);
    w.be32(IPSET_ATTR_LINENO | NLA_F_NET_BYTEORDER, 0);
  }
  return w.end();
}
