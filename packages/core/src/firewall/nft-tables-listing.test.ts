// Callers asking for the inet tables while a dump runs share it; afterwards a caller starts its
// own. A fake lister counts how often it is started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NftTableInfo } from '../netlink/nftables/tables.js';
import { listInetTables } from './nft-tables-listing.js';

const TABLE: NftTableInfo = { family: 1, name: 'p2pwall_cutter_7', flags: 0 };

test('one dump for the callers that ask while it runs, a new one after', async () => {
  let started = 0;
  const list = async () => {
    started++;
    await sleep(50);
    return [TABLE];
  };
  const [a, b] = await Promise.all([listInetTables(list), listInetTables(list)]);
  assert.equal(a, b);
  assert.deepEqual(a, [TABLE]);
  assert.equal(started, 1);
  await listInetTables(list);
  assert.equal(started, 2);
});

test('a failing dump fails every caller that shared it, and is not kept', async () => {
  let fail = true;
  const list = async () => {
    await sleep(10);
    if (fail) throw new Error('Operation not permitted');
    return [TABLE];
  };
  const results = await Promise.allSettled([listInetTables(list), listInetTables(list)]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  fail = false;
  assert.deepEqual(await listInetTables(list), [TABLE]);
});
