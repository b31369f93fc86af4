// replaceFile: the new contents whole, the mode asked for, and no temporary file left behind when
// the rename fails.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { replaceFile } from './replace-file.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'p2pwall-replace-file-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('replaceFile writes the whole file with its mode, over an existing one', () => {
  withDir((dir) => {
    const f = join(dir, 'state.json');
    replaceFile(f, 'old', 0o600);
    replaceFile(f, 'new contents', 0o600);
    assert.equal(readFileSync(f, 'utf8'), 'new contents');
    assert.equal(statSync(f).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });
});

test('replaceFile: a failed rename throws and leaves no temporary file', () => {
  withDir((dir) => {
    const f = join(dir, 'taken');
    mkdirSync(join(f, 'inside'), { recursive: true });
    assert.throws(() => replaceFile(f, 'data'), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(readdirSync(dir), ['taken']);
  });
});
