// Callers asking for `nft list tables inet` while one runs share it; afterwards a caller runs its
// own. A fake nft (a shell script) counts how often it is started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listInetTables } from './nft-tables-listing.js';

test('one nft process for the callers that ask while it runs, a new one after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pwall-nft-listing-'));
  try {
    const count = join(dir, 'count');
    const nft = join(dir, 'nft');
    writeFileSync(
      nft,
      `#!/bin/sh\necho "$@" >> ${count}\nsleep 0.2\necho "table inet p2pwall_cutter_7"\n`,
    );
    chmodSync(nft, 0o755);
    const [a, b] = await Promise.all([listInetTables(nft), listInetTables(nft)]);
    assert.equal(a, b);
    assert.match(a, /table inet p2pwall_cutter_7/);
    assert.deepEqual(readFileSync(count, 'utf8').trim().split('\n'), ['list tables inet']);
    await listInetTables(nft);
    assert.equal(readFileSync(count, 'utf8').trim().split('\n').length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing listing fails every caller that shared it, and is not kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pwall-nft-listing-'));
  try {
    const nft = join(dir, 'nft');
    writeFileSync(nft, '#!/bin/sh\necho "Error: Operation not permitted" >&2\nexit 1\n');
    chmodSync(nft, 0o755);
    const results = await Promise.allSettled([listInetTables(nft), listInetTables(nft)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    writeFileSync(nft, '#!/bin/sh\necho ok\n');
    assert.equal((await listInetTables(nft)).trim(), 'ok');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
