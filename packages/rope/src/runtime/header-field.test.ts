import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { headerValue } from './header-field.js';

test('header values: first field wins, case ignored, whitespace trimmed, body never searched', () => {
  const head =
    'HTTP/1.1 200 OK\r\nServer: x\r\ncontent-length:\t 42 \r\nContent-Length: 7\r\n\r\nContent-Type: y\r\n';
  assert.equal(headerValue(head, 'Content-Length'), '42');
  assert.equal(headerValue(head, 'server'), 'x');
  assert.equal(headerValue(head, 'content-type'), '');
  assert.equal(headerValue(head, ''), '');
  assert.equal(
    headerValue('Content-Length: 5\r\n', 'content-length'),
    '',
    'the first line is the start line',
  );
  assert.equal(
    headerValue('GET / HTTP/1.1\r\nHost: a', 'host'),
    'a',
    'a head cut by the packet end',
  );
  assert.equal(headerValue('GET / HTTP/1.1\r\nHostname: a\r\nHost : b\r\n', 'host'), 'b');
});

test('header values agree with a line-by-line model (property)', () => {
  const name = fc.constantFrom('Host', 'X-Queue', 'Content-Length', 'a');
  const line = fc.oneof(
    fc
      .tuple(
        name,
        fc.boolean(),
        fc.constantFrom('', ' ', '\t'),
        fc.string({ unit: fc.constantFrom('a', '1', ' ', ':', '/'), maxLength: 6 }),
      )
      .map(([n, upper, ws, v]) => `${upper ? n.toUpperCase() : n}${ws}:${v}`),
    fc.string({ unit: fc.constantFrom('a', 'H', ':', ' ', 'x'), maxLength: 8 }),
  );
  fc.assert(
    fc.property(
      fc.array(line, { maxLength: 6 }),
      fc.constantFrom('\r\n', '\n'),
      name,
      (lines, eol, wanted) => {
        const head = ['HTTP/1.1 200 OK', ...lines].join(eol);
        let expected = '';
        for (const l of lines) {
          if (l === '') break;
          const m = /^([^:]*?)[ \t]*:(.*)$/.exec(l);
          if (m && m[1].toLowerCase() === wanted.toLowerCase()) {
            expected = m[2].replace(/^[ \t]+|[ \t]+$/g, '');
            break;
          }
        }
        assert.equal(headerValue(head, wanted), expected);
      },
    ),
  );
});
