// One direction of one flow as a firewall rule matches it: protocol, source and destination
// address and port. Addresses are IPv4 or IPv6 text; both ends must be of one family.
import { parseIpInto } from '../wire/address.js';

export interface FlowMatch {
  /** IP protocol number (6 TCP, 17 UDP). */
  proto: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

// the flows' addresses are parsed into scratch space: a cut's rules ask each flow's family once
// per family, for thousands of flows
const SCRATCH = new Uint8Array(16);

export function flowFamily(f: FlowMatch): 4 | 6 {
  const src = parseIpInto(f.src, SCRATCH, 0);
  if (src !== 0 && parseIpInto(f.dst, SCRATCH, 0) === src) return src === 4 ? 4 : 6;
  throw new RangeError(`flow ${f.src} -> ${f.dst} mixes or misspells address families`);
}

export function protoName(proto: number): string {
  return proto === 6
    ? 'tcp'
    : proto === 17
      ? 'udp'
      : proto === 132
        ? 'sctp'
        : proto === 33
          ? 'dccp'
          : String(proto);
}

/** Rule owner tag: "<owner> <pid>", the comment every rule carries. */
export function ownerTag(owner: string, pid: number): string {
  return `${owner} ${pid}`;
}
