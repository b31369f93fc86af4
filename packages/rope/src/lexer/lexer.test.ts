// Tokens of any length: strings and dotted literals are scanned by hand, so megabytes of them
// lex in linear time without exhausting V8's regular-expression stack.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lex } from './lexer.js';

test('tokens of megabytes lex without a stack overflow', () => {
  const cases: [string, string][] = [
    ['"' + 'a'.repeat(10_000_000) + '"', 'StringLit'],
    ['"' + '\\n'.repeat(5_000_000) + '"', 'StringLit'],
    ['"' + 'a\\"'.repeat(3_000_000), 'OpenString'],
    ['1.'.repeat(5_000_000) + '1', 'Dotted'],
    ['ab:'.repeat(3_000_000) + 'ab', 'ColonHex'],
    ['%'.repeat(10_000_000), 'Word'],
  ];
  for (const [text, type] of cases) {
    const r = lex(text);
    assert.equal(r.errors.length, 0);
    assert.equal(r.tokens.length, 1, type);
    assert.equal(r.tokens[0].tokenType.name, type);
    assert.equal(r.tokens[0].image.length, text.length);
  }
});

test('strings: escapes, an unterminated string up to its line end, a lone backslash', () => {
  const names = (t: string) => lex(t).tokens.map((k) => `${k.tokenType.name}:${k.image}`);
  assert.deepEqual(names('"a\\"b" x'), ['StringLit:"a\\"b"', 'Identifier:x']);
  assert.deepEqual(names('"abc\nyes'), ['OpenString:"abc', 'Identifier:yes']);
  assert.deepEqual(names('"ab\\\nyes'), ['OpenString:"ab\\', 'Identifier:yes']);
  assert.deepEqual(names('"ab\\'), ['OpenString:"ab\\']);
  assert.deepEqual(names('1.2.3a 1.2. 10.0.0.1'), ['Word:1.2.3a', 'Word:1.2.', 'Dotted:10.0.0.1']);
});
