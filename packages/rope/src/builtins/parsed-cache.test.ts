// The built-in scripts' parsed form stands in for the parser and the checker only when it is
// exactly what they give: same text, same code; and compiled dist/ code finds the forms the build
// wrote (npm test writes them first, as npm run build does).
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from '../check/checker.js';
import { parse } from '../parser/parse.js';
import { SourceFile } from '../source.js';
import { BUILTIN_SCRIPTS, builtinScriptPath } from './builtin-scripts.js';
import { callNodes } from './checked-form.js';
import { cachedForm, FORM_CODE_DIRS, FORM_CODE_MODULES, writeParsedForms } from './parsed-cache.js';
import { withTempDir } from '../../../../test/support/temp-dir.js';

function withForms(run: (dir: string) => void): void {
  withTempDir('rope-ast-', (dir) => {
    const written = writeParsedForms((file, source) => {
      const r = parse(new SourceFile(file, source));
      return { program: r.program, problems: r.diagnostics.length };
    }, dir);
    assert.deepEqual(written, [...BUILTIN_SCRIPTS]);
    run(dir);
  });
}

const scripts = BUILTIN_SCRIPTS.map((name) => {
  const file = builtinScriptPath(name)!;
  return { name, file, source: readFileSync(file, 'utf8') };
});

test('the parsed form of each built-in script is what the parser gives', () =>
  withForms((dir) => {
    for (const s of scripts) {
      const cached = cachedForm(s.file, s.source, dir);
      assert.ok(cached, s.name);
      assert.deepEqual(cached.program, parse(new SourceFile(s.file, s.source)).program, s.name);
    }
  }));

test('the checked form of each built-in script is what the checker gives', () =>
  withForms((dir) => {
    let calls = 0;
    for (const s of scripts) {
      const cached = cachedForm(s.file, s.source, dir)!;
      assert.ok(cached.checked, `${s.name}: no checked form`);
      const fresh = check(cached.program, new SourceFile(s.file, s.source));
      // the same call nodes of the same program, with the same counts
      const nodes = callNodes(cached.program.body);
      const numbered = (m: Map<unknown, number>): [number, number][] =>
        [...m].map(([node, n]): [number, number] => [nodes.indexOf(node as never), n]).sort();
      calls += fresh.staticCalls.size;
      assert.deepEqual(numbered(cached.checked.staticCalls), numbered(fresh.staticCalls), s.name);
      assert.equal(cached.checked.usesFlowRegisters, fresh.usesFlowRegisters, s.name);
      assert.deepEqual(cached.checked.namedRegisters, fresh.namedRegisters, s.name);
      assert.deepEqual(cached.checked.tables, fresh.tables, s.name);
      assert.deepEqual(cached.checked.body, fresh.body, s.name);
      assert.deepEqual(cached.checked.diagnostics, fresh.diagnostics, s.name);
    }
    assert.ok(calls > 0, 'no built-in script has an anchor call with static arguments');
  }));

test('a form whose check does not fit its program, or is not of its shape, is checked again', () =>
  withForms((dir) => {
    const s = scripts.find((x) => x.name === 'bittorrent')!;
    const path = join(dir, `${s.name}.json`);
    const form = JSON.parse(readFileSync(path, 'utf8')) as {
      checked: { staticCalls: [number, number][] };
    };
    const good = form.checked;
    const broken: unknown[] = [
      { ...good, staticCalls: [...good.staticCalls, [1_000_000, 2]] },
      { ...good, staticCalls: [...good.staticCalls, [0.5, 2]] },
      { ...good, staticCalls: [...good.staticCalls, [0, -1]] },
      { ...good, staticCalls: [...good.staticCalls, 'x'] },
      { ...good, staticCalls: 7 },
      { staticCalls: good.staticCalls },
    ];
    for (const checked of broken) {
      writeFileSync(path, JSON.stringify({ ...form, checked }));
      const cached = cachedForm(s.file, s.source, dir);
      assert.ok(cached, JSON.stringify(checked).slice(-40));
      assert.equal(cached.checked, null, JSON.stringify(checked).slice(-40));
    }
    writeFileSync(path, JSON.stringify(form));
    assert.ok(cachedForm(s.file, s.source, dir)?.checked);
  }));

test('the identity covers every module the parser and the checker import', () => {
  const src = dirname(dirname(fileURLToPath(import.meta.url)));
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // value imports only: `import type` is erased and decides nothing at run time
    for (const m of text.matchAll(/^(?:import|export) (?!type )[^;]*? from '(\.[^']+)\.js';/gms))
      visit(join(dirname(file), `${m[1]}.ts`));
  };
  visit(join(src, 'check', 'checker.ts'));
  visit(join(src, 'parser', 'parse.ts'));
  visit(join(src, 'builtins', 'checked-form.ts'));
  assert.ok(seen.size > 40, `only ${seen.size} modules found: the import scan is broken`);
  for (const file of seen) {
    const rel = relative(src, file).replace(/\.ts$/, '');
    const covered =
      FORM_CODE_MODULES.includes(rel) || FORM_CODE_DIRS.some((d) => rel.startsWith(`${d}/`));
    assert.ok(covered, `${rel} decides what a parse or a check gives but is not in FORM_CODE_*`);
  }
});

test('a changed script, another parser, another file or the switch: the parser runs', () =>
  withForms((dir) => {
    const s = scripts[0];
    assert.equal(cachedForm(s.file, s.source + '\n', dir), null);
    assert.equal(cachedForm('/tmp/bittorrent.rope', s.source, dir), null);
    const path = join(dir, `${s.name}.json`);
    const form = JSON.parse(readFileSync(path, 'utf8')) as { code: string };
    writeFileSync(path, JSON.stringify({ ...form, code: 'another' }));
    assert.equal(cachedForm(s.file, s.source, dir), null);
    writeFileSync(path, JSON.stringify({ ...form, format: 1 }));
    assert.equal(cachedForm(s.file, s.source, dir), null);
    writeFileSync(path, '{"format":2,');
    assert.equal(cachedForm(s.file, s.source, dir), null);
    writeFileSync(path, JSON.stringify(form));
    assert.ok(cachedForm(s.file, s.source, dir));
    process.env.P2PWALL_AST_CACHE = '0';
    try {
      assert.equal(cachedForm(s.file, s.source, dir), null);
    } finally {
      delete process.env.P2PWALL_AST_CACHE;
    }
  }));

test('compiled rope finds the forms the build wrote for its own parser and checker', async () => {
  const dist = new URL('../../dist/builtins/parsed-cache.js', import.meta.url).href;
  const built = (await import(dist)) as typeof import('./parsed-cache.js');
  for (const s of scripts) {
    const form = built.cachedForm(s.file, s.source);
    assert.ok(form, `${s.name}: no parsed form for dist's parser (npm run build writes them)`);
    assert.ok(form.checked, `${s.name}: the form carries no check`);
  }
});

test('a damaged parsed form in dist/: the built-in script is parsed and compiles all the same', () => {
  // dist's own compile, with every read of bittorrent's form answered by a damaged form whose
  // identity and text match (fs.readFileSync replaced before dist loads): a tree that is not a
  // tree (cachedForm sets it aside), and a node of no kind (found only by the compiler)
  const dist = (m: string) => JSON.stringify(new URL(`../../dist/${m}`, import.meta.url).href);
  for (const [damage, found] of [
    ['form.program = { body: 5 }', false],
    ["form.program.body.push({ kind: 'no such kind' })", true],
  ] as const) {
    const program = `
      const fs = (await import('node:fs')).default;
      const read = fs.readFileSync;
      fs.readFileSync = function (p, ...rest) {
        const text = read.call(this, p, ...rest);
        if (!String(p).endsWith('/builtin-ast/bittorrent.json')) return text;
        const form = JSON.parse(String(text));
        ${damage};
        return JSON.stringify(form);
      };
      (await import('node:module')).default.syncBuiltinESMExports();
      const { compileBuiltin } = await import(${dist('builtins/compile-builtin.js')});
      const { cachedForm } = await import(${dist('builtins/parsed-cache.js')});
      const { builtinScriptPath } = await import(${dist('builtins/builtin-scripts.js')});
      const file = builtinScriptPath('bittorrent');
      const form = cachedForm(file, read(file, 'utf8'));
      const script = compileBuiltin('bittorrent');
      console.log(JSON.stringify({ found: form !== null, name: script.name }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `${damage}: ${r.stderr}`);
    assert.deepEqual(JSON.parse(r.stdout), { found, name: 'bittorrent' }, damage);
  }
});
