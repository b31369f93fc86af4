// replaceFile: the new contents whole, the mode asked for, and no temporary file left behind when
// the rename fails.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { replaceFile } from './replace-file.js';
import { withTempDir } from '../../../../test/support/temp-dir.js';

test('replaceFile writes the whole file with its mode, over an existing one', () => {
  withTempDir('p2pwall-replace-file-', (dir) => {
    const f = join(dir, 'state.json');
    replaceFile(f, 'old', 0o600);
    replaceFile(f, 'new contents', 0o600);
    assert.equal(readFileSync(f, 'utf8'), 'new contents');
    assert.equal(statSync(f).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });
});

test('replaceFile: a failed rename throws and leaves no temporary file', () => {
  withTempDir('p2pwall-replace-file-', (dir) => {
    const f = join(dir, 'taken');
    mkdirSync(join(f, 'inside'), { recursive: true });
    assert.throws(() => replaceFile(f, 'data'), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(readdirSync(dir), ['taken']);
  });
});
