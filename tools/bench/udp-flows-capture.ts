// A capture of many one-packet UDP flows, streamed to disk with the core's builder and pcap writer:
// the worst case for anything that keeps state per flow (`rope classify`'s memory bench). Flow i
// goes from 198.18.x.y (RFC 2544's benchmarking range) port 1024 + i % 60000 to 192.0.2.1:53
// with one payload byte, `spacingUs` microseconds after flow i − 1 (45 bytes per record:
// 2,000,000 flows make a 90 MB file). Nothing is kept in memory, so N is bounded only by the disk.
//
//   node --conditions=source --import tsx tools/bench/udp-flows-capture.ts OUT.pcap N [SPACING_US]
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildUdpPacket } from '@p2pwall/core';
import { PcapWriter } from '@p2pwall/core/pcap';

const PORTS = 60_000;
const START_SECONDS = 1_700_000_000;

/** Writes `n` one-packet UDP flows to `path`; returns the bytes of one record's packet. */
export function writeUdpFlowsCapture(path: string, n: number, spacingUs = 10): number {
  const w = new PcapWriter(path); // LINKTYPE_RAW
  const src = new Uint8Array([198, 18, 0, 0]);
  const dst = new Uint8Array([192, 0, 2, 1]);
  const payload = new Uint8Array([0x42]);
  let length = 0;
  try {
    for (let i = 0; i < n; i++) {
      const host = Math.floor(i / PORTS);
      // 198.18.0.0/15: 131,072 addresses × 60,000 ports
      src[1] = 18 + ((host >>> 16) & 1);
      src[2] = (host >>> 8) & 0xff;
      src[3] = host & 0xff;
      const b = buildUdpPacket({ src, dst, srcPort: 1024 + (i % PORTS), dstPort: 53, payload });
      length = b.length;
      const us = i * spacingUs;
      w.write(b, START_SECONDS + Math.floor(us / 1e6), (us % 1e6) * 1000);
    }
  } finally {
    w.close();
  }
  return length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out, count, spacing] = process.argv.slice(2);
  if (!out || !/^\d+$/.test(count ?? '')) {
    process.stderr.write('usage: udp-flows-capture.ts OUT.pcap N [SPACING_US]\n');
    process.exit(2);
  }
  writeUdpFlowsCapture(out, Number(count), spacing === undefined ? 10 : Number(spacing));
}
