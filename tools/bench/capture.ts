// Capture reading: our streaming readers with Packet.decode over every corpus capture, against the
// tools an administrator would use for the same pass (tshark printing the addresses and ports,
// capinfos counting records), all on the same bytes in the same run.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Packet } from '@p2pwall/core';
import { forEachPacket, openCapture } from '@p2pwall/core/pcap';
import { corpusCaptures, machineLine, rate, table, type BenchModule } from './frame.js';
import { peer, timed } from './measure.js';
import { onPath } from '../../test/support/environment.js';

function readOnly(paths: string[]): number {
  let n = 0;
  for (const p of paths) {
    const r = openCapture(p);
    while (r.next()) n++;
    r.close();
  }
  return n;
}

function readAndDecode(paths: string[]): number {
  const packet = new Packet();
  let n = 0;
  let ports = 0;
  for (const p of paths) {
    const r = openCapture(p);
    n += forEachPacket(r, packet, (_rec, pk, isIp) => {
      if (isIp && pk.hasPorts) ports += pk.srcPort;
    });
    r.close();
  }
  if (ports < 0) throw new Error('unreachable'); // keeps the decode from being optimised away
  return n;
}

export const bench: BenchModule = {
  name: 'capture',
  async run(ctx) {
    const title = 'Capture reading (pcap/pcapng + link layers + Packet.decode)';
    if (!ctx.corpusDir) return { title, markdown: '_Skipped: ../shared/corpus not found._' };
    const { files, bytes } = corpusCaptures(ctx.corpusDir, ctx.quick);
    const runs = ctx.quick ? 1 : 5;

    ctx.log(`reading ${files.length} captures (${(bytes / 1e6).toFixed(1)} MB), ${runs} runs each`);
    const read = timed(() => readOnly(files), runs);
    const decode = timed(() => readAndDecode(files), runs);
    const rows: (string | number)[][] = [];
    const row = (
      tool: string,
      work: string,
      input: string,
      seconds: number,
      packets: number,
      size: number,
    ) =>
      rows.push([
        tool,
        work,
        input,
        `${(seconds * 1000).toFixed(0)} ms`,
        rate(packets / seconds),
        `${(size / 1e6 / seconds).toFixed(0)} MB/s`,
      ]);
    const perFile = `${files.length} files`;
    row('p2pwall `openCapture`', 'read records', perFile, read.seconds, read.packets, bytes);
    row(
      'p2pwall `forEachPacket`',
      'read + link layer + Packet.decode',
      perFile,
      decode.seconds,
      decode.packets,
      bytes,
    );

    // One merged file, so that peers pay their start-up once, as in a real run over a big capture
    let notes = '';
    if (onPath('mergecap')) {
      const merged = join(ctx.tmpDir, 'corpus-merged.pcapng');
      const m = spawnSync('mergecap', ['-a', '-F', 'pcapng', '-w', merged, ...files], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      if (m.status === 0) {
        const size = statSync(merged).size;
        const one = `1 merged pcapng`;
        const mDecode = timed(() => readAndDecode([merged]), runs);
        row(
          'p2pwall `forEachPacket`',
          'read + link layer + Packet.decode',
          one,
          mDecode.seconds,
          mDecode.packets,
          size,
        );
        const tshark = peer(
          ctx,
          [
            'tshark',
            '-r',
            merged,
            '-T',
            'fields',
            '-e',
            'frame.number',
            '-e',
            'ip.src',
            '-e',
            'ipv6.src',
            '-e',
            'tcp.srcport',
            '-e',
            'udp.srcport',
          ],
          ctx.quick ? 1 : 3,
        );
        if (tshark !== null)
          row(
            'tshark 4 `-T fields` (addresses, ports)',
            'read + full dissection',
            one,
            tshark,
            mDecode.packets,
            size,
          );
        const capinfos = peer(ctx, ['capinfos', '-c', merged], ctx.quick ? 1 : 3);
        if (capinfos !== null)
          row('capinfos `-c`', 'read records (count)', one, capinfos, mDecode.packets, size);
        notes = `The merged file is the corpus concatenated by \`mergecap -a\` (${(size / 1e6).toFixed(1)} MB, ${mDecode.packets} packets); peers run once on it per measurement (start-up included).`;
      } else {
        ctx.log(`mergecap failed: ${m.stderr}`);
      }
    } else {
      ctx.log('mergecap not found: peer rows are left out');
    }

    const markdown = [
      `${machineLine()}. Median of ${runs} runs after a half-second warm-up; files in the page cache.`,
      '',
      table(['Tool', 'Work', 'Input', 'Time', 'Packets', 'Throughput'], rows),
      '',
      notes,
      'tshark dissects every layer it knows (more work than ours, and what a user would run to get the same fields); capinfos only walks the records.',
    ].join('\n');
    return { title, markdown };
  },
};
