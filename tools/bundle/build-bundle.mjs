#!/usr/bin/env node
// Bundles each CLI's compiled code (dist/, from `tsc -b`) with the @p2pwall/core and @p2pwall/tui
// code it uses, so that Node starts a command by reading a few files instead of resolving and
// compiling some two hundred small modules one by one (docs/performance.md, "Start-up"). Two
// outputs per CLI, in dist/bundle/:
//
//   NAME.js (+ chunk-*.js)  the whole program: the entry, rope's workers (`rope run`, `rope
//                           classify --jobs`: started by path, next to the code starting them)
//                           and a chunk for each part the commands import when they run
//   parser.cjs (rope)       the script parser with Chevrotain, required by the program only when
//                           a script has no parsed form from the build (parse-on-demand.ts)
//                           rope's program carries the identity of the parser and checker code it
//                           was built from (ROPE_CODE_IDENTITY, parsed-cache.ts), the one the
//                           parsed forms of the built-in scripts were made with: it hashes nothing
//                           at start to trust them
//   rope-commands.cjs       the program as one CommonJS file, without what must stay ES modules:
//   cutter-scripted.cjs     no ES module loader and no chunks to resolve, read and link one by
//                           one (30–40 ms of a start). rope's leaves out `run` and `top` (the
//                           commands marked esModuleProgram), cutter's the interactive view: Ink
//                           cannot be required (top-level await). Such a start is handed to the
//                           ES module program beside it before anything is done (main.ts,
//                           P2PWALL_ESM_PROGRAM); what is left out stays as paths into dist/
//   classify-job-worker.cjs the workers of `rope classify --jobs` that rope-commands.cjs starts
//   NAME-help.cjs           one file that answers --help, --version, `completion` and usage
//                           errors: everything the commands import when they run is left out
//                           (imported from dist/ should it ever be reached; bin/ sends only those
//                           arguments here), and so is every core module help does not use.
//                           CommonJS, as bin/ is: such a start never loads Node's ES module
//                           loader (~10 ms)
//
// The files are built in memory and then put in place one by one (replace-files.mjs), so a
// command started during a rebuild never finds one missing.
//
// bin/rope.js and bin/cutter.js pick one when it is newer than the last `tsc -b` of the package,
// of core and of tui, and dist/cli/main.js otherwise, so a stale bundle never runs.
//
//   node tools/bundle/build-bundle.mjs [PACKAGE...]      PACKAGE: rope, cutter (default: both)
//
// Third-party packages stay outside, imported as usual: the native add-ons cannot be bundled, and
// Ink, React, prom-client and redis are imported only by the commands that need them. The bundled
// tui code imports Ink and React from the CLI's location, as the view itself does, so both draw
// with one React. The dependencies of core (netlink, @neuralegion/raw-socket, koffi) are installed
// next to core, not next to rope or cutter (`npm install -g` gives each package its own
// node_modules), so the bundled core code requires them from core's own location.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { replaceFiles } from './replace-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENTRIES = {
  rope: {
    rope: 'dist/cli/main.js',
    'queue-worker': 'dist/live/queue-worker.js',
    'classify-job-worker': 'dist/cli/classify-job-worker.js',
  },
  cutter: { cutter: 'dist/cli/main.js' },
};

const wanted = process.argv.slice(2);
const packages = wanted.length > 0 ? wanted : Object.keys(ENTRIES);

function fail(message) {
  process.stderr.write(`build-bundle: ${message}\n`);
  process.exit(1);
}

const coreDir = join(root, 'packages', 'core') + sep;
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
    b.onLoad({ filter: /[\\/]packages[\\/]core[\\/]dist[\\/].*\.js$/ }, (a) => ({
      contents: readFileSync(a.path, 'utf8').replaceAll(
        'createRequire(import.meta.url)',
        '__p2pwallCoreRequireFn()',
      ),
      loader: 'js',
    }));
  },
};

/**
 * For NAME-help.js: what is imported with import() stays out (as a path into dist/), and core's
 * modules count as free of side effects, so those whose exports help does not use are dropped
 * with what they import (the netlink sockets and their native add-on among them).
 */
function helpOnly(outDir) {
  return {
    name: 'p2pwall-help-only',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (a) => {
        if (a.pluginData?.inner || a.path.startsWith('node:')) return undefined;
        const r = await b.resolve(a.path, {
          kind: a.kind,
          importer: a.importer,
          resolveDir: a.resolveDir,
          pluginData: { inner: true },
        });
        if (r.errors.length > 0 || r.external || r.namespace !== 'file') return r;
        if (a.kind === 'dynamic-import' && !r.path.includes(`${sep}node_modules${sep}`))
          return { path: `./${relative(outDir, r.path).split(sep).join('/')}`, external: true };
        return r.path.startsWith(coreDir) ? { ...r, sideEffects: false } : r;
      });
    },
  };
}

/**
 * For the CommonJS program: what `leaveOut(path, importer)` names among the dynamic imports stays
 * out, as a path into dist/ (the program hands those starts to the ES module program first).
 */
function leaveOutOf(outDir, leaveOut) {
  return {
    name: 'p2pwall-leave-out',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (a) => {
        if (a.kind !== 'dynamic-import' || a.pluginData?.inner) return undefined;
        const r = await b.resolve(a.path, {
          kind: a.kind,
          importer: a.importer,
          resolveDir: a.resolveDir,
          pluginData: { inner: true },
        });
        if (r.errors.length > 0 || r.namespace !== 'file' || !leaveOut(r.path, a.importer))
          return r;
        return { path: `./${relative(outDir, r.path).split(sep).join('/')}`, external: true };
      });
    },
  };
}

/** What each CLI's CommonJS program is called and leaves out (see the top of this file). */
async function commonJsProgram(p, dir) {
  if (p === 'cutter')
    return {
      file: 'cutter-scripted.cjs',
      leaveOut: (path) => path.includes(`${sep}dist${sep}tui${sep}`),
    };
  const { COMMANDS } = await import(join(dir, 'dist', 'cli', 'commands', 'index.js'));
  const importers = COMMANDS.filter((c) => c.esModuleProgram).map((c) =>
    join(dir, 'dist', 'cli', 'commands', `${c.name}.js`),
  );
  return { file: 'rope-commands.cjs', leaveOut: (_path, importer) => importers.includes(importer) };
}

/**
 * For rope's program: compile.js gets parse-on-demand.js for parse.js, so the parser and Chevrotain
 * stay out of the program's chunks (they are parser.cjs).
 */
const parserOnDemand = {
  name: 'p2pwall-parser-on-demand',
  setup(b) {
    b.onResolve({ filter: /[\\/]parser[\\/]parse\.js$/ }, (a) =>
      /[\\/]dist[\\/]compile[\\/]compile\.js$/.test(a.importer)
        ? { path: join(a.resolveDir, '..', 'parser', 'parse-on-demand.js') }
        : undefined,
    );
  },
};

/**
 * For parser.cjs: Chevrotain statically, from the single file it ships (its package entry
 * imports lodash-es as hundreds of modules), instead of chevrotain.js's top-level await, which
 * CommonJS cannot have.
 */
function chevrotainStatic(dir) {
  const require = createRequire(join(dir, 'package.json'));
  const lib = join(dirname(require.resolve('chevrotain')), '..');
  const file = ['chevrotain.min.mjs', 'chevrotain.mjs'].map((f) => join(lib, f)).find(existsSync);
  if (!file) fail(`no single-file Chevrotain in ${lib}`);
  return {
    name: 'p2pwall-chevrotain-static',
    setup(b) {
      b.onLoad({ filter: /[\\/]dist[\\/]parser[\\/]chevrotain\.js$/ }, () => ({
        contents: `export { EmbeddedActionsParser, Lexer, createToken, createTokenInstance } from ${JSON.stringify(file)};`,
        loader: 'js',
        resolveDir: lib,
      }));
    },
  };
}

/**
 * The require of core's location (see `placement`), made on first use: `makeRequire` is the
 * expression that builds it in the file's module format.
 */
const coreRequire = (makeRequire) => `let __p2pwallCoreRequireCache;
const __p2pwallCoreRequireFn = () => (__p2pwallCoreRequireCache ??= ${makeRequire});
const __p2pwallCoreRequire = (id) => __p2pwallCoreRequireFn()(id);`;

// esbuild's ESM output has no `require` of its own for the CommonJS code it wraps
const banner = `import { createRequire as __p2pwallCreateRequire } from 'node:module';
const require = __p2pwallCreateRequire(import.meta.url);
${coreRequire("__p2pwallCreateRequire(import.meta.resolve('@p2pwall/core'))")}`;

// the CommonJS help file has `require` and no `import.meta` (its url is defined as __p2pwallUrl)
const cjsBanner = `const __p2pwallUrl = require('node:url').pathToFileURL(__filename).href;
${coreRequire("require('node:module').createRequire(require.resolve('@p2pwall/core'))")}`;

// Whitespace and syntax minified, names kept (a stack trace still names the functions): V8 reads
// less before it runs anything, ~10 ms of a `rope classify` start (docs/performance.md).
const minified = { minifyWhitespace: true, minifySyntax: true };

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: banner },
  legalComments: 'none',
  logLevel: 'warning',
  ...minified,
};

for (const p of packages) {
  const entries = ENTRIES[p];
  if (!entries) fail(`unknown package ${p} (rope or cutter)`);
  const dir = join(root, 'packages', p);
  // dist/bundle/ is as deep as dist/cli/: the code's paths relative to its own file
  // (../../package.json, ../../builtins/) resolve the same from there
  const outDir = join(dir, 'dist', 'bundle');
  const outputs = [];
  const keep = (result) => outputs.push(...result.outputFiles);
  // the identity of the parser and checker code in dist/ (what the parsed forms were made with)
  const identity =
    p === 'rope'
      ? (await import(join(dir, 'dist', 'builtins', 'parsed-cache.js'))).codeIdentity()
      : null;
  const withIdentity = identity ? { ROPE_CODE_IDENTITY: JSON.stringify(identity) } : {};
  await build({
    ...common,
    define: withIdentity,
    write: false,
    absWorkingDir: dir,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, join(dir, v)])),
    outdir: outDir,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    plugins: p === 'rope' ? [parserOnDemand, placement] : [placement],
  }).then(keep, () => fail(`bundling ${p} failed (see above)`));
  if (p === 'rope')
    await build({
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      legalComments: 'none',
      logLevel: 'warning',
      ...minified,
      absWorkingDir: dir,
      entryPoints: [join(dir, 'dist', 'parser', 'parse.js')],
      outfile: join(outDir, 'parser.cjs'),
      plugins: [chevrotainStatic(dir)],
    }).then(keep, () => fail('bundling rope’s parser failed (see above)'));
  /** One CommonJS file of dist/`entry`: `import.meta.url` is its own URL, core's add-ons from core. */
  const commonJs = (entry, file, { define = {}, plugins = [] }, what) =>
    build({
      ...common,
      format: 'cjs',
      banner: { js: cjsBanner },
      define: { 'import.meta.url': '__p2pwallUrl', ...define },
      write: false,
      absWorkingDir: dir,
      entryPoints: [join(dir, 'dist', entry)],
      outfile: join(outDir, file),
      plugins: [...plugins, placement],
    }).then(keep, () => fail(`bundling ${what} failed (see above)`));
  const cjs = await commonJsProgram(p, dir);
  await commonJs(
    'cli/main.js',
    cjs.file,
    {
      define: { P2PWALL_ESM_PROGRAM: JSON.stringify(`./${p}.js`), ...withIdentity },
      plugins: [leaveOutOf(outDir, cjs.leaveOut), ...(p === 'rope' ? [parserOnDemand] : [])],
    },
    `${p}'s CommonJS program`,
  );
  // the workers of `rope classify --jobs` that program starts (classify-jobs.ts)
  if (p === 'rope')
    await commonJs(
      'cli/classify-job-worker.js',
      'classify-job-worker.cjs',
      { define: withIdentity, plugins: [parserOnDemand] },
      'rope’s classify worker',
    );
  await commonJs('cli/main.js', `${p}-help.cjs`, { plugins: [helpOnly(outDir)] }, `${p}'s help`);
  replaceFiles(outDir, outputs);
}
