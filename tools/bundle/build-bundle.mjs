#!/usr/bin/env node
// Bundles each CLI's compiled code (dist/, from `tsc -b`) with the @p2pwall/core code it uses into
// a few files in dist/bundle/: the entry file, the worker of `rope run`, and chunks for what the
// commands import lazily. Node then starts a command by reading one file instead of resolving and
// compiling some two hundred small modules one by one (see docs/performance.md, "Start-up").
// bin/rope.js and bin/cutter.js load the bundle when it is newer than the last `tsc -b` of the
// package and of core, and dist/cli/main.js otherwise, so a stale bundle never runs.
//
//   node tools/bundle/build-bundle.mjs [PACKAGE...]
//
// PACKAGE: rope, cutter (default: both).
//
// Third-party packages stay outside the bundle, imported as usual: the native add-ons cannot be
// bundled, and Ink, React, prom-client and redis are imported only by the commands that need them.
// The dependencies of core (netlink, @neuralegion/raw-socket, koffi) are installed next to core,
// not next to rope or cutter (`npm install -g` gives each package its own node_modules), so the
// bundled core code requires them from core's own location.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRIES = {
  rope: { rope: 'dist/cli/main.js', 'queue-worker': 'dist/live/queue-worker.js' },
  cutter: { cutter: 'dist/cli/main.js' },
};

const wanted = process.argv.slice(2);
const packages = wanted.length > 0 ? wanted : Object.keys(ENTRIES);

function fail(message) {
  process.stderr.write(`build-bundle: ${message}\n`);
  process.exit(1);
}

const coreDir = join(root, 'packages', 'core');
const coreDeps = Object.keys(
  JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')).dependencies ?? {},
);
const packageOf = (spec) => spec.split('/', spec.startsWith('@') ? 2 : 1).join('/');

/** @p2pwall/* goes into the bundle, core's dependencies are required from core, the rest stays. */
const placement = {
  name: 'p2pwall-placement',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.path.startsWith('node:') || a.path.startsWith('@p2pwall/')) return undefined;
      if (coreDeps.includes(packageOf(a.path)) && a.resolveDir.startsWith(coreDir))
        return { path: a.path, namespace: 'core-dependency' };
      return { path: a.path, external: true };
    });
    b.onLoad({ filter: /.*/, namespace: 'core-dependency' }, (a) => ({
      contents: `module.exports = __p2pwallCoreRequire(${JSON.stringify(a.path)});`,
      loader: 'js',
    }));
    // socket-options.js requires koffi lazily, from where its own file is: in the bundle that is
    // rope's or cutter's directory, so it asks core's location instead
    b.onLoad({ filter: /packages\/core\/dist\/.*\.js$/ }, (a) => {
      const text = readFileSync(a.path, 'utf8');
      return {
        contents: text.replaceAll('createRequire(import.meta.url)', '__p2pwallCoreRequireFn()'),
        loader: 'js',
      };
    });
  },
};

// esbuild's ESM output has no `require` of its own for the CommonJS code it wraps
const banner = `import { createRequire as __p2pwallCreateRequire } from 'node:module';
const require = __p2pwallCreateRequire(import.meta.url);
let __p2pwallCoreRequireCache;
const __p2pwallCoreRequireFn = () => (__p2pwallCoreRequireCache ??= __p2pwallCreateRequire(import.meta.resolve('@p2pwall/core')));
const __p2pwallCoreRequire = (id) => __p2pwallCoreRequireFn()(id);`;

for (const p of packages) {
  const entries = ENTRIES[p];
  if (!entries) fail(`unknown package ${p} (rope or cutter)`);
  const dir = join(root, 'packages', p);
  rmSync(join(dir, 'dist', 'bundle'), { recursive: true, force: true });
  await build({
    absWorkingDir: dir,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, join(dir, v)])),
    outdir: join(dir, 'dist', 'bundle'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // dist/bundle/ is as deep as dist/cli/: the code's paths relative to its own file
    // (../../package.json, ../../builtins/) resolve the same from there
    chunkNames: 'chunk-[hash]',
    banner: { js: banner },
    plugins: [placement],
    legalComments: 'none',
    logLevel: 'warning',
  }).catch(() => fail(`bundling ${p} failed (see above)`));
}
