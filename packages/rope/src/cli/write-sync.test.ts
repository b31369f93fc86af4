// writeAllSync against a pipe whose reader is slow: Node makes a piped stdout non-blocking, so the
// writes meet EAGAIN and must wait, not lose bytes or queue them in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = `
import { writeAllSync } from './packages/rope/src/cli/write-sync.ts';
process.stdout.on('error', () => {}); // opens stdout as Node does: the pipe turns non-blocking
const chunk = 'x'.repeat(1 << 16);
for (let i = 0; i < 64; i++) writeAllSync(1, chunk);
process.stderr.write('max queued ' + process.stdout.writableLength + '\\n');
`;

test('every byte reaches a slow reader, none waits in memory', async () => {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', CHILD],
    { cwd: fileURLToPath(new URL('../../../..', import.meta.url)) },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  // the reader holds back for a moment: the pipe's buffer fills and the writer has to wait
  child.stdout.pause();
  await new Promise((r) => setTimeout(r, 500));
  let bytes = 0;
  child.stdout.on('data', (d: Buffer) => (bytes += d.length));
  child.stdout.resume();
  const code = await new Promise((r) => child.once('close', r));
  assert.equal(code, 0, stderr);
  assert.equal(bytes, 64 << 16);
  assert.match(stderr, /max queued 0\n/);
});
