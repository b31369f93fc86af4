// The parser: AST shapes and source spans, bracket recovery.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SourceFile } from '../source.js';
import { parse } from './parse.js';

function ast(text: string) {
  return parse(new SourceFile('t.rope', text));
}

test('atoms, words, registers, blocks and calls, with spans', () => {
  const { program, diagnostics } = ast('4 "ab" $x lift\n{ isdigit } add( 1 2 )');
  assert.deepEqual(diagnostics, []);
  const [n, s, r, w, b, c] = program.body;
  assert.deepEqual(
    [n.kind, s.kind, r.kind, w.kind, b.kind, c.kind],
    ['int', 'bytes', 'register', 'word', 'block', 'call'],
  );
  assert.deepEqual([w.span.line, w.span.column, w.span.endColumn], [1, 11, 14]);
  assert.ok(
    b.kind === 'block' &&
      b.body.length === 1 &&
      b.span.line === 2 &&
      b.span.column === 1 &&
      b.span.endColumn === 11,
  );
  assert.ok(c.kind === 'call' && c.name === 'add' && c.args.length === 2);
  assert.deepEqual([c.span.column, c.span.endColumn, c.close.column], [13, 22, 22]);
});

test('literal values are decoded', () => {
  const { program } = ast('0x10 010 -3 1.2.3.4 aa:BB "\\x41\\101"');
  assert.deepEqual(
    program.body.map((n) => (n.kind === 'int' || n.kind === 'bytes' ? n.value : n.kind)),
    [16, 8, -3, '\x01\x02\x03\x04', '\xaa\xbb', 'AA'],
  );
});

test('a verb, then whitespace, then ( is still an anchor call', () => {
  const { program } = ast('lift\n  ( 4 )');
  assert.equal(program.body.length, 1);
  assert.equal(program.body[0].kind, 'call');
});

test('unbalanced brackets are all reported and the rest still parses', () => {
  const { program, diagnostics } = ast('} { 1 ( 2 ) add( 3 }');
  assert.deepEqual(
    diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`),
    ['1:1 `}` without a matching `{`', '1:16 `(` opened at 1:16 is not closed before `}` at 1:20'],
  );
  assert.equal(program.body.length, 1);
  assert.equal(program.body[0].kind, 'block');
});

test('invalid tokens become invalid nodes for the checker', () => {
  const { program, diagnostics } = ast('12ab "x\\q" 300.1');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    program.body.map((n) => (n.kind === 'invalid' ? n.reason.code : n.kind)),
    ['bad-token', 'bad-escape', 'bad-literal'],
  );
});
