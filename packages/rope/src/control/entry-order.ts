// The order entries are listed in: locks before blocks; IPv4 before IPv6; addresses by value
// (so 192.0.2.9 comes before 192.0.2.10); a whole host before its ports, ports ascending.
import { parseIp } from '@p2pwall/core';

interface Ordered {
  kind: 'lock' | 'block';
  address: string;
  port: number | null;
}

function compareAddresses(a: string, b: string): number {
  const x = parseIp(a);
  const y = parseIp(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

export function compareEntries(a: Ordered, b: Ordered): number {
  if (a.kind !== b.kind) return a.kind === 'lock' ? -1 : 1;
  return compareAddresses(a.address, b.address) || (a.port ?? 0) - (b.port ?? 0);
}
