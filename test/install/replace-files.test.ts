// How a bundle build puts its files in place (tools/bundle/replace-files.mjs): a command started
// during a rebuild must find every file whole, and bin/ must see the bundle as newer than tsc -b.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a build tool in plain JavaScript, without types
import { replaceFiles } from '../../tools/bundle/replace-files.mjs';

test('replaceFiles: changed files replaced, unchanged ones touched, stale ones removed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pwall-replace-'));
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    const at = (name: string) => join(dir, name);
    const old = Date.now() / 1000 - 3600;
    for (const [name, text] of [
      ['same.js', 'same'],
      ['changed.js', 'before'],
      ['chunk-OLD.js', 'old chunk'],
      ['gone.99999999.tmp', 'a killed build’s leftover'],
    ]) {
      writeFileSync(at(name), text);
      utimesSync(at(name), old, old);
    }
    const running = `busy.js.${sleeper.pid}.tmp`;
    writeFileSync(at(running), 'another build’s file in flight');

    const files = [
      { path: at('changed.js'), contents: Buffer.from('after') },
      { path: at('same.js'), contents: Buffer.from('same') },
      { path: at('chunk-NEW.js'), contents: Buffer.from('new chunk') },
      { path: at('sub/deeper.js'), contents: Buffer.from('deeper') },
    ];
    replaceFiles(dir, files);

    assert.equal(readFileSync(at('changed.js'), 'utf8'), 'after');
    assert.equal(readFileSync(at('same.js'), 'utf8'), 'same');
    assert.ok(statSync(at('same.js')).mtimeMs / 1000 > old + 60, 'unchanged file touched');
    assert.equal(readFileSync(at('chunk-NEW.js'), 'utf8'), 'new chunk');
    assert.equal(readFileSync(at('sub/deeper.js'), 'utf8'), 'deeper');
    assert.ok(!existsSync(at('chunk-OLD.js')), 'stale chunk removed');
    assert.ok(!existsSync(at('gone.99999999.tmp')), 'leftover of a dead build removed');
    assert.ok(existsSync(at(running)), 'file of a running build kept');

    mkdirSync(join(dir, 'outside'), { recursive: true });
    assert.throws(
      () => replaceFiles(join(dir, 'outside'), [{ path: at('x.js'), contents: Buffer.from('') }]),
      /outside/,
    );
    assert.throws(() => replaceFiles(dir, [{ path: dir, contents: Buffer.from('') }]), /outside/);
  } finally {
    sleeper.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
