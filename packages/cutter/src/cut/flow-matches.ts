// A connection as temporary firewall rules match it: both directions of its conntrack tuple, as
// they arrive here (before NAT).
import type { FlowMatch } from '@p2pwall/core/firewall';
import type { Connection } from '../find/connection.js';

export function flowMatches(c: Connection): FlowMatch[] {
  const o = c.entry.orig;
  const r = c.entry.reply;
  return [
    { proto: o.proto, src: o.src, srcPort: o.srcPort ?? 0, dst: o.dst, dstPort: o.dstPort ?? 0 },
    { proto: r.proto, src: r.src, srcPort: r.srcPort ?? 0, dst: r.dst, dstPort: r.dstPort ?? 0 },
  ];
}
