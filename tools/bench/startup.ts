// Cold start of the CLIs beside Node alone (`node -e 0`, the floor every Node program pays): `rope
// --help`, `cutter --help` and `rope classify` of one small capture, each as users start it (bin/,
// which loads the esbuild bundle) and from the compiled modules (dist/cli/main.js, what bin/
// falls back to when the bundle is stale). The commands run interleaved, one of each per round,
// so that load from other work on the machine falls on all of them alike.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { onPath, repoRoot } from '../../test/support/environment.js';
import { machineLine, table, type BenchContext, type BenchModule } from './frame.js';
import { buildBundles } from './bundles.js';
import { median } from './measure.js';

interface Row {
  what: string;
  start: string;
  argv: string[];
}

interface Sample {
  wallMs: number;
  /** user + system CPU time, and peak resident memory: from /usr/bin/time when installed */
  cpuMs: number | null;
  rssMb: number | null;
}

const TIME = '/usr/bin/time';

function once(argv: string[], timed: boolean): Sample {
  const full = timed ? [TIME, '-f', '@@ %U %S %M', ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 24,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(`${argv.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 300)}`);
  const m = timed ? /^@@ ([\d.]+) ([\d.]+) (\d+)$/m.exec(String(r.stderr)) : null;
  return {
    wallMs,
    cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : null,
    rssMb: m ? Number(m[3]) / 1024 : null,
  };
}

export const bench: BenchModule = {
  name: 'startup',
  async run(ctx: BenchContext) {
    buildBundles();
    const node = process.execPath;
    const rope = join(repoRoot, 'packages/rope');
    const cutter = join(repoRoot, 'packages/cutter');
    const sample = join(rope, 'samples/http-downloads.pcap');
    const rows: Row[] = [
      { what: 'Node alone', start: '`node -e 0`', argv: [node, '-e', '0'] },
      {
        what: '`rope --help`',
        start: 'bin/rope.js (bundle)',
        argv: [node, join(rope, 'bin/rope.js'), '--help'],
      },
      {
        what: '`rope --help`',
        start: 'dist/cli/main.js (modules)',
        argv: [node, join(rope, 'dist/cli/main.js'), '--help'],
      },
      {
        what: '`cutter --help`',
        start: 'bin/cutter.js (bundle)',
        argv: [node, join(cutter, 'bin/cutter.js'), '--help'],
      },
      {
        what: '`cutter --help`',
        start: 'dist/cli/main.js (modules)',
        argv: [node, join(cutter, 'dist/cli/main.js'), '--help'],
      },
      {
        what: '`rope classify --json` (1 small capture)',
        start: 'bin/rope.js (bundle)',
        argv: [node, join(rope, 'bin/rope.js'), 'classify', '--json', sample],
      },
      {
        what: '`rope classify --json` (1 small capture)',
        start: 'dist/bundle/rope.js (ES module chunks)',
        argv: [node, join(rope, 'dist/bundle/rope.js'), 'classify', '--json', sample],
      },
      {
        what: '`rope classify --json` (1 small capture)',
        start: 'dist/cli/main.js (modules)',
        argv: [node, join(rope, 'dist/cli/main.js'), 'classify', '--json', sample],
      },
    ];
    const timed = onPath(TIME);
    if (!timed) ctx.log(`${TIME} not found: no CPU time or peak RSS columns`);
    const rounds = ctx.quick ? 5 : 30;
    const load = loadavg()[0];
    const samples: Sample[][] = rows.map(() => []);
    for (let round = 0; round <= rounds; round++) {
      for (const [i, row] of rows.entries()) {
        const s = once(row.argv, timed);
        // the first round fills the page cache and is left out
        if (round > 0) samples[i].push(s);
      }
    }
    const floor = median(samples[0].map((s) => s.wallMs));
    const cpuFloor = timed ? median(samples[0].map((s) => s.cpuMs!)) : 1;
    const cells = rows.map((row, i) => {
      const wall = median(samples[i].map((s) => s.wallMs));
      const cpu = timed ? median(samples[i].map((s) => s.cpuMs!)) : null;
      const rss = timed ? median(samples[i].map((s) => s.rssMb!)) : null;
      return [
        row.what,
        row.start,
        `${wall.toFixed(1)} ms`,
        i === 0 ? '—' : `${wall >= floor ? '+' : '−'}${Math.abs(wall - floor).toFixed(1)} ms`,
        cpu === null ? '—' : `${cpu.toFixed(0)} ms`,
        cpu === null || i === 0 ? '—' : `${(cpu / cpuFloor).toFixed(2)}×`,
        rss === null ? '—' : `${rss.toFixed(1)} MB`,
      ];
    });
    const markdown = [
      `${machineLine()} (load average ${load.toFixed(1)} when the section started).`,
      `Each command ${rounds} times, interleaved (one of each per round, after a round that fills the`,
      'page cache); median wall time of the spawn as `spawnSync` sees it, and beside it the median',
      'user + system CPU time and peak RSS that `/usr/bin/time` reports. "Bundle" is how users start',
      'the tools (bin/ loads dist/bundle/, made by `npm run build` and `npm pack`: the help file, or',
      'the program as one CommonJS file); "ES module chunks" is the program as esbuild splits it, what',
      'bin/ loaded before and what the CommonJS file hands `rope run` and `rope top` to; "modules" is',
      "the compiled code module by module, what bin/ falls back to when the bundle is older than tsc's",
      'output. Before the bundle and the lazy imports of issue #16, `rope --help` and `cutter --help`',
      "took 186 ms on this machine against Node's 81 ms.",
      '',
      table(
        [
          'command',
          'started from',
          'wall (median)',
          'over Node alone',
          'CPU',
          'CPU / Node alone',
          'peak RSS',
        ],
        cells,
      ),
      '',
      "The small capture is rope's samples/http-downloads.pcap; classify compiles the three default",
      'built-in scripts from the parsed forms the build made, so the bundle never loads the parser or',
      'Chevrotain (the modules do load them). Wall time on a busy machine rises with its load (other',
      'work shares the two cores); CPU time, and its ratio to Node alone in the same rounds, moves less.',
    ].join('\n');
    return { title: 'Start-up (rope, cutter vs Node alone)', markdown };
  },
};
