// One direction of one flow as a firewall rule matches it: protocol, source and destination
// address and port. Addresses are IPv4 or IPv6 text; both ends must be of one family.
import { isIPv4, isIPv6 } from 'node:net';

export interface FlowMatch {
  /** IP protocol number (6 TCP, 17 UDP). */
  proto: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

export function flowFamily(f: FlowMatch): 4 | 6 {
  if (isIPv4(f.src) && isIPv4(f.dst)) return 4;
  if (isIPv6(f.src) && isIPv6(f.dst)) return 6;
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
