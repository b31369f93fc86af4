// `npm run bench [-- name…]`: runs the benchmark sections, prints them, writes BENCHMARKS.md.
// Each section lives in its own module and compares against a peer tool in the same run.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bench as capture } from './capture.js';
import { bench as classify } from './classify.js';
import { bench as cutterBench } from './cutter.js';
import { bench as flows } from './flows.js';
import { bench as nfqueue } from './nfqueue.js';
import { bench as ropeMicro } from './rope-micro.js';
import { machineLine, type BenchModule, type BenchSection } from './frame.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const modules: BenchModule[] = [capture, flows, ropeMicro, classify, nfqueue, cutterBench];

const wanted = process.argv.slice(2);
const corpus = process.env.P2PWALL_CORPUS ?? join(root, '..', 'shared', 'corpus');
const tmp = mkdtempSync(join(tmpdir(), 'p2pwall-bench-'));
const ctx = {
  corpusDir: existsSync(join(corpus, 'truth.tsv')) ? corpus : null,
  tmpDir: tmp,
  quick: process.env.BENCH_QUICK === '1',
  log: (line: string) => process.stderr.write(`bench: ${line}\n`),
};

const sections: BenchSection[] = [];
try {
  for (const m of modules) {
    if (wanted.length > 0 && !wanted.includes(m.name)) continue;
    ctx.log(`running ${m.name}`);
    const s = await m.run(ctx);
    sections.push(s);
    process.stdout.write(`\n## ${s.title}\n\n${s.markdown}\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (wanted.length === 0 && !ctx.quick) {
  const doc = [
    '# Benchmarks',
    '',
    `Latest figures from \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machineLine()}.`,
    'Each section runs our tool and the peer a user would pick instead in the same run, on the same input.',
    '',
    ...sections.map((s) => `## ${s.title}\n\n${s.markdown}\n`),
  ].join('\n');
  writeFileSync(join(root, 'BENCHMARKS.md'), doc);
  ctx.log('wrote BENCHMARKS.md');
}
