import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineSplitter } from './line-splitter.js';

function feed(s: LineSplitter, parts: (string | Uint8Array)[]) {
  const lines: string[] = [];
  let tooLong = false;
  for (const p of parts) {
    const r = s.push(typeof p === 'string' ? Buffer.from(p) : p);
    lines.push(...r.lines);
    tooLong ||= r.tooLong;
  }
  return { lines, tooLong };
}

test('lines across chunks; CRLF; an unfinished line is held', () => {
  const s = new LineSplitter(100);
  assert.deepEqual(feed(s, ['ab', 'c\nde', 'f\r\n\n', 'gh']), {
    lines: ['abc', 'def', ''],
    tooLong: false,
  });
  assert.equal(s.buffered, 2);
  assert.deepEqual(feed(s, ['\n']).lines, ['gh']);
});

test('a line of exactly the bound passes, one byte more fails, also without a newline', () => {
  assert.deepEqual(feed(new LineSplitter(4), ['abcd\n']).lines, ['abcd']);
  assert.deepEqual(feed(new LineSplitter(4), ['abcd\r\n']).lines, ['abcd']);
  assert.equal(feed(new LineSplitter(4), ['abcde\n']).tooLong, true);
  // never sends "\n": refused as soon as the held bytes exceed the bound
  const s = new LineSplitter(4);
  assert.deepEqual(feed(s, ['ok\nab', 'cd', 'ef']), { lines: ['ok'], tooLong: true });
  assert.equal(s.buffered, 0, 'nothing held after the refusal');
  assert.equal(s.push(Buffer.from('x\n')).tooLong, true, 'stays refused');
});

test('any chunking of the same bytes gives the same lines', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: fc.constantFrom('a', 'é', '\n', '\r', '{', '"') }), {
        maxLength: 12,
      }),
      fc.array(fc.nat(40), { maxLength: 10 }),
      (pieces, cuts) => {
        const bytes = Buffer.from(pieces.join(''));
        const whole = feed(new LineSplitter(1 << 20), [bytes]);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const parts: Uint8Array[] = [];
        let at = 0;
        for (const p of [...points, bytes.length]) {
          parts.push(bytes.subarray(at, p));
          at = p;
        }
        assert.deepEqual(feed(new LineSplitter(1 << 20), parts), whole);
      },
    ),
  );
});
