import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from './compile/compile.js';
import { countDiagnostics, MAX_PRINTED_DIAGNOSTICS, renderDiagnostics } from './diagnostic.js';

test('rendering prints at most 20 diagnostics, then one line counting the rest', () => {
  const errors = compile('lfit\n'.repeat(30), 'x.rope').diagnostics;
  const warnings = compile('\n'.repeat(40) + 'yes 1\n', 'x.rope').diagnostics;
  assert.equal(countDiagnostics(warnings), '1 warning');
  const diagnostics = [...errors, ...warnings];
  assert.equal(countDiagnostics(diagnostics), '30 errors, 1 warning');
  const text = renderDiagnostics(diagnostics);
  assert.equal(
    text.split('\n').filter((l) => l.startsWith('x.rope:')).length,
    MAX_PRINTED_DIAGNOSTICS,
  );
  assert.ok(text.endsWith('\n… and 10 more errors, 1 warning\n'), text.slice(-80));
  assert.equal(renderDiagnostics(diagnostics.slice(0, 3)).split('\n').length, 3 * 3 + 1);
  assert.equal(renderDiagnostics([]), '');
});

test('messages quote at most 40 characters of the source; the caret shows the rest', () => {
  const word = 'x'.repeat(5000);
  const [d] = compile(word, 'w.rope').diagnostics;
  assert.equal(d.message, `unknown verb \`${'x'.repeat(39)}…\``);
  assert.ok(JSON.stringify(d.toJSON()).length < 300);
  const [e] = compile('"\\xZ1"', 'e.rope').diagnostics;
  assert.match(e.message, /^`\\x` must be followed by exactly two hex digits \(`\\x41`\)$/);
});
