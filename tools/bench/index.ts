// `npm run bench [-- name…]`: runs the benchmark sections, prints them, writes BENCHMARKS.md
// (all sections, or with names only those sections, keeping the others as they were). Each section
// lives in its own module and compares against a peer tool in the same run. The npm script builds
// first (`npm run build`): the tools are measured as users run them, from their bundles, which
// bin/ skips for the compiled modules when `tsc -b` is newer than the bundle.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bench as capture } from './capture.js';
import { bench as classify } from './classify.js';
import { bench as cutterBench } from './cutter.js';
import { bench as flood } from './flood.js';
import { bench as flows } from './flows.js';
import { bench as networks } from './networks.js';
import { bench as nfqueue } from './nfqueue.js';
import { bench as ropeMicro } from './rope-micro.js';
import { bench as startup } from './startup.js';
import { bench as tables } from './tables.js';
import { machineLine, type BenchModule, type BenchSection } from './frame.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const modules: BenchModule[] = [
  capture,
  flows,
  ropeMicro,
  classify,
  networks,
  nfqueue,
  flood,
  tables,
  cutterBench,
  startup,
];

const wanted = process.argv.slice(2);
const corpus = process.env.P2PWALL_CORPUS ?? join(root, '..', 'shared', 'corpus');
const tmp = mkdtempSync(join(tmpdir(), 'p2pwall-bench-'));
const ctx = {
  corpusDir: existsSync(join(corpus, 'truth.tsv')) ? corpus : null,
  tmpDir: tmp,
  quick: process.env.BENCH_QUICK === '1',
  log: (line: string) => process.stderr.write(`bench: ${line}\n`),
};

/** `2026-12-06 21:40 UTC` */
function stamp(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const sections: BenchSection[] = [];
try {
  for (const m of modules) {
    if (wanted.length > 0 && !wanted.includes(m.name)) continue;
    ctx.log(`running ${m.name}`);
    const started = new Date();
    const s = await m.run(ctx);
    // each section says when it ran: a partial run keeps the other sections as they were
    s.markdown = `_Measured ${stamp(started)} by \`npm run bench${wanted.length > 0 ? ` -- ${m.name}` : ''}\`._\n\n${s.markdown}`;
    sections.push(s);
    process.stdout.write(`\n## ${s.title}\n\n${s.markdown}\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/** The sections of an existing BENCHMARKS.md, by title, in order. */
function previousSections(path: string): BenchSection[] {
  if (!existsSync(path)) return [];
  const parts = readFileSync(path, 'utf8').split(/^## /m).slice(1);
  return parts.map((p) => {
    const nl = p.indexOf('\n');
    return { title: p.slice(0, nl).trim(), markdown: p.slice(nl).trim() };
  });
}

if (!ctx.quick && sections.length > 0) {
  const path = join(root, 'BENCHMARKS.md');
  // a partial run replaces its own sections in place and keeps the others; new ones go last
  const fresh = new Map(sections.map((s) => [s.title, s]));
  const merged =
    wanted.length === 0 ? sections : previousSections(path).map((s) => fresh.get(s.title) ?? s);
  for (const s of sections) if (!merged.some((m) => m.title === s.title)) merged.push(s);
  const doc = [
    '# Benchmarks',
    '',
    `Figures from \`npm run bench\` on ${machineLine()}. Each section says when it was measured: \`npm run bench -- <section>\` re-runs one section and keeps the others as they were.`,
    'Each section runs our tool and the peer a user would pick instead in the same run, on the same input. The machine is shared and its speed varies by day and hour, so compare ratios within a section, not figures across sections.',
    '',
    ...merged.map((s) => `## ${s.title}\n\n${s.markdown}\n`),
  ].join('\n');
  writeFileSync(path, doc);
  ctx.log('wrote BENCHMARKS.md');
}
