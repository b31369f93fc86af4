// The built-in scripts' parsed form stands in for the parser only when it is exactly what the
// parser gives: same text, same parser code; and compiled dist/ code finds the forms the build
// wrote (npm test writes them first, as npm run build does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '../parser/parse.js';
import { SourceFile } from '../source.js';
import { BUILTIN_SCRIPTS, builtinScriptPath } from './builtin-scripts.js';
import { cachedProgram, writeParsedForms } from './parsed-cache.js';

function withForms(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'rope-ast-'));
  try {
    const written = writeParsedForms((file, source) => {
      const r = parse(new SourceFile(file, source));
      return { program: r.program, problems: r.diagnostics.length };
    }, dir);
    assert.deepEqual(written, [...BUILTIN_SCRIPTS]);
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const scripts = BUILTIN_SCRIPTS.map((name) => {
  const file = builtinScriptPath(name)!;
  return { name, file, source: readFileSync(file, 'utf8') };
});

test('the parsed form of each built-in script is what the parser gives', () =>
  withForms((dir) => {
    for (const s of scripts) {
      const cached = cachedProgram(s.file, s.source, dir);
      assert.ok(cached, s.name);
      assert.deepEqual(cached, parse(new SourceFile(s.file, s.source)).program, s.name);
    }
  }));

test('a changed script, another parser, another file or the switch: the parser runs', () =>
  withForms((dir) => {
    const s = scripts[0];
    assert.equal(cachedProgram(s.file, s.source + '\n', dir), null);
    assert.equal(cachedProgram('/tmp/bittorrent.rope', s.source, dir), null);
    const path = join(dir, `${s.name}.json`);
    const form = JSON.parse(readFileSync(path, 'utf8')) as { parser: string };
    writeFileSync(path, JSON.stringify({ ...form, parser: 'another' }));
    assert.equal(cachedProgram(s.file, s.source, dir), null);
    writeFileSync(path, '{"format":1,');
    assert.equal(cachedProgram(s.file, s.source, dir), null);
    writeFileSync(path, JSON.stringify(form));
    assert.ok(cachedProgram(s.file, s.source, dir));
    process.env.P2PWALL_AST_CACHE = '0';
    try {
      assert.equal(cachedProgram(s.file, s.source, dir), null);
    } finally {
      delete process.env.P2PWALL_AST_CACHE;
    }
  }));

test('compiled rope finds the forms the build wrote for its own parser', async () => {
  const dist = new URL('../../dist/builtins/parsed-cache.js', import.meta.url).href;
  const built = (await import(dist)) as typeof import('./parsed-cache.js');
  for (const s of scripts)
    assert.ok(
      built.cachedProgram(s.file, s.source),
      `${s.name}: no parsed form for dist's parser (npm run build writes them)`,
    );
});
