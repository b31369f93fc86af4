// Flow tracking: read + decode + flow table over the corpus, against the peers an administrator
// would use to list a capture's flows (tshark's conversation tables, ndpiReader's flow summary);
// and the flow table alone under a flood of distinct flows, with the memory each flow costs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildUdpPacket, Packet } from '@p2pwall/core';
import { FlowTable } from '@p2pwall/core/flow';
import { forEachPacket, openCapture } from '@p2pwall/core/pcap';
import { corpusCaptures, machineLine, rate, table, type BenchModule } from './frame.js';
import { peer, timed } from './measure.js';

function track(paths: string[]): { packets: number; flows: number } {
  const packet = new Packet();
  let packets = 0;
  let flows = 0;
  for (const p of paths) {
    const t = new FlowTable({ onRemove: () => flows++ });
    const r = openCapture(p);
    try {
      packets += forEachPacket(r, packet, (rec, pk, isIp) => {
        if (isIp) t.lookup(pk, rec.tsSec + rec.tsNsec / 1e9);
      });
    } finally {
      r.close();
    }
    t.drain();
  }
  return { packets, flows };
}

/** Lookups/s and heap bytes per flow for `n` distinct UDP flows (IPv4 or IPv6) in one table. */
function flood(n: number, v6: boolean): { perSecond: number; bytesPerFlow: number } {
  const b = v6
    ? buildUdpPacket({ src: '2001:db8::1', dst: '2001:db8:1::1', srcPort: 1, dstPort: 53 })
    : buildUdpPacket({ src: '10.0.0.0', dst: '198.51.100.1', srcPort: 1, dstPort: 53 });
  const so = v6 ? 8 : 12;
  const p = new Packet();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t = new FlowTable({ maxFlows: n });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    b[so + 1] = (i >>> 16) & 0xff;
    b[so + 2] = (i >>> 8) & 0xff;
    b[so + 3] = i & 0xff;
    p.decode(b, 0, b.length);
    t.lookup(p, 0);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  gc?.();
  const bytes = process.memoryUsage().heapUsed - before;
  if (t.size !== n) throw new Error(`flood kept ${t.size} of ${n} flows`);
  return { perSecond: n / seconds, bytesPerFlow: bytes / n };
}

export const bench: BenchModule = {
  name: 'flows',
  async run(ctx) {
    const title = 'Flow tracking (decode + bidirectional flow table)';
    if (!ctx.corpusDir) return { title, markdown: '_Skipped: ../shared/corpus not found._' };
    const { files, bytes } = corpusCaptures(ctx.corpusDir, ctx.quick);
    const runs = ctx.quick ? 1 : 5;
    let flows = 0;
    const ours = timed(() => {
      const r = track(files);
      flows = r.flows;
      return r.packets;
    }, runs);
    const rows: (string | number)[][] = [];
    const row = (tool: string, work: string, seconds: number) =>
      rows.push([tool, work, `${(seconds * 1000).toFixed(0)} ms`, rate(ours.packets / seconds)]);
    row(
      'p2pwall (`forEachPacket` + `FlowTable.lookup`)',
      `${flows} flows, one table per file`,
      ours.seconds,
    );

    // Peers run over the same files: tshark once per file (it has no playlist), ndpiReader once
    // over a playlist (its flow table also runs nDPI's dissectors: more work, but what users run)
    const playlist = join(ctx.tmpDir, 'corpus.list');
    writeFileSync(playlist, files.join('\n') + '\n');
    const peerRuns = ctx.quick ? 1 : 3;
    const ndpi = peer(ctx, ['ndpiReader', '-i', playlist, '-q', '-v', '0'], peerRuns);
    if (ndpi !== null)
      row('ndpiReader 4.2 `-i playlist -q`', 'flows + protocol detection, one process', ndpi);
    let tsharkTotal = 0;
    let tsharkOk = true;
    for (const f of files) {
      const s = peer(ctx, ['tshark', '-r', f, '-q', '-z', 'conv,tcp', '-z', 'conv,udp'], 1);
      if (s === null) {
        tsharkOk = false;
        break;
      }
      tsharkTotal += s;
    }
    if (tsharkOk)
      row(
        'tshark 4 `-q -z conv,tcp -z conv,udp`',
        'conversation tables, one process per file',
        tsharkTotal,
      );

    const n = ctx.quick ? 100_000 : 1_000_000;
    const f4 = flood(n, false);
    const f6 = flood(n, true);
    const markdown = [
      `${machineLine()}. ${files.length} corpus files (${(bytes / 1e6).toFixed(1)} MB, ${ours.packets} packets); ours: median of ${runs} runs after a warm-up.`,
      '',
      table(['Tool', 'Work', 'Time', 'Packets'], rows),
      '',
      `Flow table alone, ${n.toLocaleString('en')} distinct UDP flows inserted into one table (each packet a new flow, the worst case):`,
      '',
      table(
        ['Flows', 'New flows', 'Heap per flow'],
        [
          ['IPv4', rate(f4.perSecond), `${f4.bytesPerFlow.toFixed(0)} bytes`],
          ['IPv6', rate(f6.perSecond), `${f6.bytesPerFlow.toFixed(0)} bytes`],
        ],
      ),
      '',
      'Heap per flow includes the hash bucket array; a flow of a known tuple allocates nothing. With the default maximum of 262,144 flows the table stays under ~80 MB.',
    ].join('\n');
    return { title, markdown };
  },
};
