// Reads ../shared/corpus/truth.tsv: one row per TCP/UDP flow with its expected classes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIp, parseIp } from '@p2pwall/core';

export type TruthValue = 'yes' | 'no' | 'any';
export const CLASSES = ['bittorrent', 'gnutella', 'http_large'] as const;
export type TruthClass = (typeof CLASSES)[number];

/**
 * Rows of truth.tsv whose packets are not in the capture: gnutella.pcap keeps half of the flows of
 * nDPI's original capture, and this DHCPv6 row survived the cut while its packets did not
 * (`tshark -r gnutella.pcap -Y udp.port==547` shows none). Written as `<pcap> <l4> <a> <b>`.
 */
export const ABSENT_FROM_CAPTURES: readonly string[] = [
  'gnutella.pcap udp [fe80::c50d:519f:96a4:e108]:546 [ff02::1:2]:547',
];

export interface TruthRow {
  pcap: string;
  l4: 'tcp' | 'udp';
  a: string;
  b: string;
  classes: Record<TruthClass, TruthValue>;
}

/** Key of a flow independent of direction: `<pcap> <l4> <lower endpoint> <higher endpoint>`. */
export function flowKey(pcap: string, l4: string, a: string, b: string): string {
  return [pcap, l4.toLowerCase(), ...[a, b].sort()].join(' ');
}

/**
 * The RFC 5952 spellings an endpoint of truth.tsv may stand for. The truth inherits nDPI's
 * address printer, which also compresses a single zero group (`3ffe:507::1:200:…`, parseable) and
 * sometimes writes `::` twice (`2600:1901::7a0b::`, ambiguous): each `::` then stands for one or
 * more zero groups, and every expansion to eight groups is a candidate.
 */
export function endpointVariants(text: string): string[] {
  const m = /^\[(.*)\]:(\d+)$/.exec(text);
  if (!m) return [text];
  const [, addr, port] = m;
  const parts = addr.split('::');
  const candidates: string[] = [];
  if (parts.length <= 2) candidates.push(addr);
  else {
    const groups = parts.map((p) => (p === '' ? [] : p.split(':')));
    const fixed = groups.reduce((n, g) => n + g.length, 0);
    const gaps = parts.length - 1;
    const spread = (left: number, slots: number): number[][] =>
      slots === 1
        ? [[left]]
        : Array.from({ length: left - slots + 1 }, (_, i) => i + 1).flatMap((k) =>
            spread(left - k, slots - 1).map((r) => [k, ...r]),
          );
    for (const zeros of 8 - fixed >= gaps ? spread(8 - fixed, gaps) : []) {
      const full: string[] = [];
      groups.forEach((g, i) => {
        full.push(...g);
        if (i < gaps) full.push(...new Array<string>(zeros[i]).fill('0'));
      });
      candidates.push(full.join(':'));
    }
  }
  return candidates.flatMap((c) => {
    const bytes = parseIp(c);
    return bytes && bytes.length === 16 ? [`[${formatIp(bytes, 0, 16)}]:${port}`] : [];
  });
}

/** Every direction-independent key a truth row may match. */
export function truthKeys(r: TruthRow): string[] {
  return endpointVariants(r.a).flatMap((a) =>
    endpointVariants(r.b).map((b) => flowKey(r.pcap, r.l4, a, b)),
  );
}

export function readTruth(corpusDir: string): TruthRow[] {
  const lines = readFileSync(join(corpusDir, 'truth.tsv'), 'utf8').trim().split('\n');
  const header = lines[0].split('\t');
  const col = (name: string) => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const f = line.split('\t');
    return {
      pcap: f[col('pcap')],
      l4: f[col('l4')].toLowerCase() as 'tcp' | 'udp',
      a: f[col('a')],
      b: f[col('b')],
      classes: {
        bittorrent: f[col('bittorrent')] as TruthValue,
        gnutella: f[col('gnutella')] as TruthValue,
        http_large: f[col('http_large')] as TruthValue,
      },
    };
  });
}
