// Flow classification: `rope classify` with the built-in scripts against ndpiReader (nDPI 4.2,
// Debian's libndpi-bin), the tool an administrator would reach for, in the same run on the same
// captures. Speed: packets per second over the whole corpus (each tool as one process, start-up
// included, and rope's classifier in-process), and over one large synthetic capture (the corpus
// replayed many times with distinct addresses) where start-up no longer counts. Accuracy: per
// class, recall and false positives of both against truth.tsv (shared/spec/detection.md).
// Memory: peak RSS of both over a capture of two million one-packet UDP flows
// (udp-flows-capture.ts), where a tool that kept every flow would grow with the capture.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { compile, DEFAULT_SCRIPTS, compileBuiltin, type ClassifierRule } from '@p2pwall/rope';
import { classifyCapture } from '../../packages/rope/src/classify/classify-capture.js';
import { onPath, repoRoot } from '../../test/support/environment.js';
import { score, type LabelledFlow, type Score } from '../../test/support/score.js';
import { CLASSES, readTruth } from '../../test/support/truth.js';
import { corpusCaptures, machineLine, rate, table, type BenchModule } from './frame.js';
import { interleaved, type Measured } from './interleaved.js';
import { timed } from './measure.js';
import { writeReplayedCapture } from './replayed-capture.js';
import { writeUdpFlowsCapture } from './udp-flows-capture.js';

const ROPE_BIN = join(repoRoot, 'packages', 'rope', 'bin', 'rope.js');
const ROPE_MAIN_SRC = join(repoRoot, 'packages', 'rope', 'src', 'cli', 'main.ts');

function rules(): ClassifierRule[] {
  return DEFAULT_SCRIPTS.map((name) => ({ script: compileBuiltin(name) }));
}

/**
 * One script that only says `no`: the classifier's own work (reading, decoding, the flow table,
 * the window, a script run per windowed packet) without the built-in scripts' — the floor under
 * the in-process figure, whatever the scripts become.
 */
function floorRules(): ClassifierRule[] {
  const { script } = compile('no\n', 'no.rope');
  if (script === null) throw new Error('the floor script does not compile');
  return [{ script }];
}

/**
 * rope's classifier over the files, in this process, handing each flow out as `rope classify
 * --json` takes it (a view of the flow and its labels, no report object); records read. What
 * the in-process speed rows time: the classifier's work, not the bench's scoring.
 */
function classifyViews(files: string[], r: ClassifierRule[]): number {
  let records = 0;
  let flows = 0;
  for (const f of files) {
    records += classifyCapture(f, r, { onFlowView: () => void flows++ }).records;
  }
  if (flows === 0) throw new Error('no flow was handed out');
  return records;
}

/** rope's classifier over the files, in this process; flows with labels, and records read. */
function classifyFiles(
  files: string[],
  r: ClassifierRule[],
): { records: number; flows: LabelledFlow[] } {
  let records = 0;
  const flows: LabelledFlow[] = [];
  for (const f of files) {
    const report = classifyCapture(f, r);
    records += report.records;
    const capture = f.slice(f.lastIndexOf('/') + 1);
    for (const x of report.flows)
      flows.push({ capture, l4: x.l4, a: x.a, b: x.b, labels: x.labels });
  }
  return { records, flows };
}

/** The command that runs `rope` as users do: the built launcher, or the sources when not built. */
function ropeCommand(): string[] {
  try {
    statSync(join(repoRoot, 'packages', 'rope', 'dist', 'cli', 'main.js'));
    return [process.execPath, ROPE_BIN];
  } catch {
    return [process.execPath, '--conditions=source', '--import', 'tsx', ROPE_MAIN_SRC];
  }
}

// `\t12\tTCP 192.168.1.3:52915 <-> 198.100.146.9:60163 [proto: 37/BitTorrent][…`
const NDPI_FLOW = /^\s*\d+\s+(TCP|UDP)\s+(\S+)\s+<?->\s+(\S+)\s.*?\[proto: [\d.]+\/([^\]]+)\]/;

/** ndpiReader's verdicts per flow of one capture (`-v 2` lists every flow with its protocol). */
function ndpiFlows(capture: string, path: string): LabelledFlow[] {
  const r = spawnSync('ndpiReader', ['-i', path, '-v', '2'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const out: LabelledFlow[] = [];
  for (const line of (r.stdout ?? '').split('\n')) {
    const m = NDPI_FLOW.exec(line);
    if (!m) continue;
    // master.app names, e.g. HTTP.BitTorrent
    const parts = m[4].split('.');
    const labels: string[] = [];
    if (parts.includes('BitTorrent')) labels.push('bittorrent');
    if (parts.includes('Gnutella')) labels.push('gnutella');
    out.push({ capture, l4: m[1].toLowerCase() as 'tcp' | 'udp', a: m[2], b: m[3], labels });
  }
  return out;
}

/** ndpiReader's own figure for its packet loop (`nDPI throughput: 586.36 K pps`), in packets/s. */
function ndpiInternalRate(input: string): number | null {
  const r = spawnSync('ndpiReader', ['-i', input], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /nDPI throughput:\s+([\d.]+) (K|M)? ?pps/.exec(r.stdout ?? '');
  if (!m) return null;
  return Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'K' ? 1e3 : 1);
}

/** Peak RSS in bytes and wall time of one run of a command (GNU time), or null when unavailable. */
function peakMemory(
  ctx: { tmpDir: string; log(line: string): void },
  argv: readonly string[],
): { bytes: number; seconds: number } | null {
  const TIME = '/usr/bin/time';
  if (!onPath(TIME) || !onPath(argv[0])) {
    ctx.log(`${onPath(TIME) ? argv[0] : TIME} not found: its memory row is left out`);
    return null;
  }
  const out = join(ctx.tmpDir, 'time.out');
  const r = spawnSync(TIME, ['-f', '%M %e', '-o', out, ...argv], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.status !== 0) {
    ctx.log(`${argv.join(' ').slice(0, 120)} failed: ${String(r.stderr).slice(0, 400)}`);
    return null;
  }
  const [kb, seconds] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { bytes: kb * 1024, seconds };
}

function accuracyRows(ours: Score, ndpi: Score | null): (string | number)[][] {
  const cell = (s: Score, c: (typeof CLASSES)[number]) =>
    `${((100 * s[c].found) / Math.max(1, s[c].yes)).toFixed(1)} % (${s[c].found}/${s[c].yes})`;
  return CLASSES.map((c) => [
    c.replace('_', '-'),
    cell(ours, c),
    ours[c].falsePositives,
    ndpi ? (c === 'http_large' ? 'n/a (no such class)' : cell(ndpi, c)) : '—',
    ndpi ? (c === 'http_large' ? 'n/a' : ndpi[c].falsePositives) : '—',
  ]);
}

export const bench: BenchModule = {
  name: 'classify',
  async run(ctx) {
    const title = 'Flow classification (rope classify vs ndpiReader)';
    if (!ctx.corpusDir) return { title, markdown: '_Skipped: ../shared/corpus not found._' };
    const { files } = corpusCaptures(ctx.corpusDir, false);
    const dir = join(ctx.corpusDir, 'pcap');
    const truth = readTruth(ctx.corpusDir);
    const runs = ctx.quick ? 1 : 5;
    const compiled = rules();
    const loadAverage = loadavg()[0];

    // accuracy, both tools, every capture of the truth
    const truthFiles = [...new Set(truth.map((r) => r.pcap))].sort().map((c) => join(dir, c));
    const oursScore = score(truth, classifyFiles(truthFiles, compiled).flows);
    const haveNdpi = onPath('ndpiReader');
    let ndpiScore: Score | null = null;
    if (haveNdpi) {
      ctx.log('ndpiReader -v 2 per capture for its labels');
      ndpiScore = score(
        truth,
        truthFiles.flatMap((f) => ndpiFlows(f.slice(f.lastIndexOf('/') + 1), f)),
      );
    } else ctx.log('ndpiReader not found: its columns are left empty');

    // speed over the corpus
    let records = 0;
    const inProcess = timed(() => {
      records = classifyViews(files, compiled);
      return records;
    }, runs);
    const playlist = join(ctx.tmpDir, 'corpus.list');
    writeFileSync(playlist, files.join('\n') + '\n');
    const rope = ropeCommand();
    const jobs = Math.max(2, availableParallelism());
    const [ropeWall, ropeJobs, ndpiWall] = interleaved(
      ctx,
      [
        [...rope, 'classify', '--json', ...files],
        [...rope, 'classify', '--json', '--jobs', String(jobs), ...files],
        ['ndpiReader', '-i', playlist, '-q'],
      ],
      runs,
    );
    const ndpiLoop = haveNdpi ? ndpiInternalRate(playlist) : null;

    // speed over one large capture
    const times = ctx.quick ? 2 : 10;
    const big = join(ctx.tmpDir, 'corpus-x.pcap');
    const bigPackets = writeReplayedCapture(files, big, times);
    const bigMB = statSync(big).size / 1e6;
    const bigRuns = ctx.quick ? 1 : 3;
    const [ropeBig, ndpiBig] = interleaved(
      ctx,
      [
        [...rope, 'classify', '--json', big],
        ['ndpiReader', '-i', big, '-q'],
      ],
      bigRuns,
    );
    const bigInProcess = timed(() => classifyViews([big], compiled), 1);
    const floor = floorRules();
    const bigFloor = timed(() => classifyViews([big], floor), 1);
    const ndpiBigLoop = haveNdpi ? ndpiInternalRate(big) : null;

    // memory over many flows: the capture streams to disk, never into memory
    const flowCount = ctx.quick ? 200_000 : 2_000_000;
    const udp = join(ctx.tmpDir, 'udp-flows.pcap');
    ctx.log(`writing ${flowCount} one-packet UDP flows`);
    writeUdpFlowsCapture(udp, flowCount);
    const udpMB = statSync(udp).size / 1e6;
    const ropeMemory = peakMemory(ctx, [...rope, 'classify', '--json', udp]);
    const ndpiMemory = haveNdpi ? peakMemory(ctx, ['ndpiReader', '-i', udp, '-q']) : null;

    const speed = (s: number | null) => (s === null ? '—' : `${(s * 1000).toFixed(0)} ms`);
    const wall = (m: Measured | null) => speed(m?.seconds ?? null);
    const rss = (m: Measured | null) =>
      m?.peakRss == null ? '—' : `${(m.peakRss / 1e6).toFixed(0)} MB`;
    const ratio = (ours: number | null, theirs: number | null) =>
      ours === null || theirs === null ? '—' : `${(theirs / ours).toFixed(2)}×`;
    const bigRate = bigPackets / bigInProcess.seconds;
    const memory = (m: { bytes: number; seconds: number } | null) =>
      m === null ? ['—', '—'] : [`${(m.bytes / 1e6).toFixed(0)} MB`, `${m.seconds.toFixed(1)} s`];
    const pps = (s: number | null, n: number) => (s === null ? '—' : rate(n / s));
    const markdown = [
      `${machineLine()} (load average ${loadAverage.toFixed(1)} when the section started: other work on the machine slows both tools). Built-in scripts (${DEFAULT_SCRIPTS.join(', ')}), default window (10 payload packets per direction). ` +
        `ndpiReader 4.2 with its defaults; its flow list (\`-v 2\`) gives its labels, and nDPI has no class for large HTTP downloads.`,
      '',
      "**Ratios** (this run, same inputs; speed ratio = ndpiReader's time / rope's time, above 1 means rope is faster; targets of issue #16):",
      '',
      table(
        ['measure', 'rope', 'ndpiReader', 'ratio', 'target'],
        [
          [
            'one large capture, `rope classify --json` vs `ndpiReader -i`, wall',
            wall(ropeBig),
            wall(ndpiBig),
            ratio(ropeBig?.seconds ?? null, ndpiBig?.seconds ?? null),
            '≥ 1.2×',
          ],
          [
            'in-process classifier on the large capture (ndpiReader: its own packet-loop figure)',
            rate(bigRate),
            ndpiBigLoop === null ? '—' : rate(ndpiBigLoop),
            ndpiBigLoop === null ? '—' : `${(bigRate / ndpiBigLoop).toFixed(2)}×`,
            '≥ 2 M/s',
          ],
          [
            `the corpus as one process, wall (rope: one thread / \`--jobs ${jobs}\`)`,
            `${wall(ropeWall)} / ${wall(ropeJobs)}`,
            wall(ndpiWall),
            `${ratio(ropeWall?.seconds ?? null, ndpiWall?.seconds ?? null)} / ${ratio(ropeJobs?.seconds ?? null, ndpiWall?.seconds ?? null)}`,
            '≥ 0.8×',
          ],
        ],
      ),
      '',
      `**Accuracy** on the ${truthFiles.length} corpus captures of truth.tsv (${truth.length} flows): recall on \`yes\` flows, false positives on \`no\` flows (\`any\` flows count for neither).`,
      '',
      table(
        [
          'Class',
          'rope recall',
          'rope false positives',
          'ndpiReader recall',
          'ndpiReader false positives',
        ],
        accuracyRows(oursScore, ndpiScore),
      ),
      '',
      `**Speed, corpus**: ${files.length} files, ${records.toLocaleString('en')} packets; each tool as one process over all files (start-up included), median of ${runs} runs interleaved (each round runs every command once), peak RSS the largest of the runs.`,
      '',
      table(
        ['Tool', 'Work', 'Time', 'Packets', 'Peak RSS'],
        [
          [
            '`rope classify --json` (Node)',
            'read, decode, flow table, 3 scripts, JSON per flow',
            wall(ropeWall),
            pps(ropeWall?.seconds ?? null, records),
            rss(ropeWall),
          ],
          [
            `\`rope classify --json --jobs ${jobs}\``,
            `the same, ${jobs} captures at once in worker threads`,
            wall(ropeJobs),
            pps(ropeJobs?.seconds ?? null, records),
            rss(ropeJobs),
          ],
          [
            'rope classifier in-process',
            'the same without process start-up and writing, warm',
            speed(inProcess.seconds),
            pps(inProcess.seconds, records),
            '—',
          ],
          [
            '`ndpiReader -i playlist -q`',
            'read, decode, flows, all nDPI dissectors',
            wall(ndpiWall),
            pps(ndpiWall?.seconds ?? null, records),
            rss(ndpiWall),
          ],
          [
            'ndpiReader, its own packet-loop figure',
            '"nDPI throughput" it reports',
            '—',
            ndpiLoop === null ? '—' : rate(ndpiLoop),
            '—',
          ],
        ],
      ),
      '',
      `**Speed, one large capture**: the corpus replayed ${times} times into one raw-IP pcap (${bigPackets.toLocaleString('en')} packets, ${bigMB.toFixed(0)} MB, distinct addresses per replay), median of ${bigRuns} interleaved runs. One capture is one thread: its flows teach each other through tables (see docs/performance.md).`,
      '',
      table(
        ['Tool', 'Time', 'Packets', 'Peak RSS'],
        [
          [
            '`rope classify --json`',
            wall(ropeBig),
            pps(ropeBig?.seconds ?? null, bigPackets),
            rss(ropeBig),
          ],
          [
            'rope classifier in-process, warm (flows handed out as `--json` takes them, not written)',
            speed(bigInProcess.seconds),
            pps(bigInProcess.seconds, bigPackets),
            '—',
          ],
          [
            'rope classifier in-process, warm, one script that only says `no` (everything but the scripts)',
            speed(bigFloor.seconds),
            pps(bigFloor.seconds, bigPackets),
            '—',
          ],
          [
            '`ndpiReader -i big.pcap -q`',
            wall(ndpiBig),
            pps(ndpiBig?.seconds ?? null, bigPackets),
            rss(ndpiBig),
          ],
          [
            'ndpiReader, its own packet-loop figure',
            '—',
            ndpiBigLoop === null ? '—' : rate(ndpiBigLoop),
            '—',
          ],
        ],
      ),
      '',
      `**Memory, many flows**: a capture of ${flowCount.toLocaleString('en')} one-packet UDP flows, 10 µs apart (${udpMB.toFixed(0)} MB); peak resident memory of one run. ` +
        'rope classify writes each flow out as it ends and forgets it: its flow table holds at most 262,144 flows (`--max-flows`), so memory stays the same for any larger capture.',
      '',
      table(
        ['Tool', 'Peak RSS', 'Time'],
        [
          ['`rope classify --json`', ...memory(ropeMemory)],
          ['`ndpiReader -i udp-flows.pcap -q`', ...memory(ndpiMemory)],
        ],
      ),
      '',
      'rope runs each script on the first 10 payload packets of each direction of a flow and not at all once the flow is labelled; ' +
        'ndpiReader runs its dissectors until a flow is detected or gives up (80 TCP / 24 UDP packets). ' +
        'Misses and false positives of both tools are listed by `npm run bench -- classify` on stderr.',
    ].join('\n');
    for (const [who, s] of [
      ['rope', oursScore],
      ['ndpiReader', ndpiScore],
    ] as const) {
      if (!s) continue;
      for (const c of CLASSES) {
        for (const m of s[c].missed) ctx.log(`${who} ${c} missed: ${m}`);
        for (const m of s[c].wrong) ctx.log(`${who} ${c} false positive: ${m}`);
      }
    }
    return { title, markdown };
  },
};
