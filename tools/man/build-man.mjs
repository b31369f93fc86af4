#!/usr/bin/env node
// Builds the man pages with marked-man from their markdown sources, docs/man/NAME.SECTION.md, into
// the package that installs them: each package.json lists its pages in "man" (./man/NAME.SECTION),
// which is also where npm links them from on `npm install -g`. The pages are build output (not in
// git); `npm run build` and each package's prepack make them.
//
//   node tools/man/build-man.mjs [PACKAGE...] [--out DIR]
//
// PACKAGE: core, rope, cutter (default: all). --out writes the pages into DIR instead (tests).
// The date in the header is today's, or SOURCE_DATE_EPOCH's for reproducible builds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const outDir = outAt >= 0 ? args[outAt + 1] : undefined;
if (outAt >= 0 && !outDir) fail('--out needs a directory');
const wanted = args.filter((_, i) => outAt < 0 || (i !== outAt && i !== outAt + 1));
const packages = wanted.length > 0 ? wanted : ['core', 'rope', 'cutter'];

function fail(message) {
  process.stderr.write(`build-man: ${message}\n`);
  process.exit(1);
}

let cli;
try {
  cli = join(
    dirname(createRequire(import.meta.url).resolve('marked-man/package.json')),
    'bin',
    'marked-man.js',
  );
} catch {
  fail('marked-man is not installed (it is a devDependency: run npm ci at the repository root)');
}

let built = 0;
for (const pkg of packages) {
  const dir = join(root, 'packages', pkg);
  if (!existsSync(join(dir, 'package.json'))) fail(`no package '${pkg}' in packages/`);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const pages = [manifest.man ?? []].flat();
  for (const page of pages) {
    const name = basename(page); // rope-run.8
    const section = /\.(\d)$/.exec(name)?.[1];
    if (!section) fail(`${pkg}/package.json: man page '${page}' does not end in .SECTION`);
    const source = join(root, 'docs', 'man', `${name}.md`);
    if (!existsSync(source)) fail(`${pkg}/package.json lists ${page}, but ${source} is missing`);
    const r = spawnSync(
      process.execPath,
      [
        cli,
        '--no-breaks',
        '--version',
        `${manifest.name} ${manifest.version}`,
        '--manual',
        'p2pwall',
        source,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) fail(`marked-man failed on ${source}: ${r.stderr.trim()}`);
    const target = outDir ? join(outDir, name) : join(dir, page);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, r.stdout);
    built++;
  }
}
process.stderr.write(`build-man: ${built} page${built === 1 ? '' : 's'} built\n`);
