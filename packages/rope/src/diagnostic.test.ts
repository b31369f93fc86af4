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
