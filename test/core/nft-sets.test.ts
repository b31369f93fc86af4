// The nf_tables set client against the real kernel, in namespaces of the test's own: tables and
// sets are made with the nft command (setup only); the client adds, deletes, lists and flushes
// elements with per-element timeouts, and `nft -j list set` must show exactly what it did. Then
// real traffic: `ip saddr @blocked drop` drops a ping from an address the client added, and lets
// it through again once the element expired or was deleted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, execIn, removeNamespace, run, runId } from '../../tools/lab/netns.js';
import { privilegedSkip } from '../support/environment.js';
import { eventually, nftElements, ok, pingOk, setCalls } from './sets-support.js';

const skip = privilegedSkip(['ip', 'nft', 'ping', 'setpriv']);
let ns = '';

const T = 'p2pw_sets';
const set = (name: string, key?: string) => ({ family: 'inet', table: T, set: name, key });
const B4 = set('b4');
const B6 = set('b6');
const C4 = set('c4');
const C6 = set('c6');

before(() => {
  if (skip) return;
  ns = createNamespace(runId(), 'sets');
  execIn(ns, ['nft', '-f', '-'], {
    input: `table inet ${T} {
  set b4 { type ipv4_addr; flags timeout; }
  set b6 { type ipv6_addr; flags timeout; }
  set c4 { type ipv4_addr . inet_service; flags timeout; }
  set c6 { type ipv6_addr . inet_service; flags timeout; }
  set plain { type ipv4_addr; }
}
table ip ${T} {
  set b4 { type ipv4_addr; flags timeout; }
}
table ip6 ${T} {
  set b6 { type ipv6_addr . inet_service; flags timeout; }
}
`,
  });
});
after(() => {
  if (ns) removeNamespace(ns);
});

const sorted = <T extends { key: string }>(xs: T[]) =>
  [...xs].sort((a, b) => (a.key < b.key ? -1 : 1));
const keyOf = (e: { address: string; port?: number }) =>
  e.port === undefined ? e.address : `${e.address} . ${e.port}`;

test(
  'adds with per-element timeouts: the kernel holds exactly them, and list shows time left',
  { skip },
  () => {
    const r = setCalls(ns, 'nft', [
      {
        call: 'add',
        args: [
          B4,
          [
            { address: '192.0.2.1', timeoutMs: 60_000 },
            { address: '192.0.2.2', timeoutMs: 120_000 },
            { address: '198.51.100.3' },
          ],
        ],
      },
      { call: 'add', args: [B6, [{ address: '2001:db8::1', timeoutMs: 300_000 }]] },
      {
        call: 'add',
        args: [
          C4,
          [
            { address: '192.0.2.1', port: 80, timeoutMs: 60_000 },
            { address: '203.0.113.9', port: 443, timeoutMs: 30_000 },
          ],
        ],
      },
      { call: 'add', args: [C6, [{ address: '2001:db8::2', port: 53, timeoutMs: 45_000 }]] },
      { call: 'list', args: [B4] },
      { call: 'list', args: [C4] },
      { call: 'describe', args: [C6] },
      {
        call: 'add',
        args: [{ ...B4, family: 'ip' }, [{ address: '192.0.2.5', timeoutMs: 90_000 }]],
      },
      {
        call: 'add',
        args: [{ ...B6, family: 'ip6' }, [{ address: '2001:db8::5', port: 22, timeoutMs: 90_000 }]],
      },
      { call: 'list', args: [{ ...B6, family: 'ip6' }] },
    ]);
    for (let i = 0; i < 4; i++)
      assert.deepEqual(ok(r, i), { batches: 1, elements: [3, 1, 2, 1][i] });

    const kernel = (name: string) =>
      sorted(nftElements(ns, 'inet', T, name)).map(({ key, timeout }) => ({ key, timeout }));
    assert.deepEqual(kernel('b4'), [
      { key: '192.0.2.1', timeout: 60 },
      { key: '192.0.2.2', timeout: 120 },
      { key: '198.51.100.3', timeout: undefined },
    ]);
    assert.deepEqual(kernel('b6'), [{ key: '2001:db8::1', timeout: 300 }]);
    assert.deepEqual(kernel('c4'), [
      { key: '192.0.2.1 . 80', timeout: 60 },
      { key: '203.0.113.9 . 443', timeout: 30 },
    ]);
    assert.deepEqual(kernel('c6'), [{ key: '2001:db8::2 . 53', timeout: 45 }]);

    const listed = sorted(ok(r, 4).map((e: any) => ({ ...e, key: keyOf(e) })));
    assert.deepEqual(
      listed.map((e: any) => [e.key, e.timeoutMs]),
      [
        ['192.0.2.1', 60_000],
        ['192.0.2.2', 120_000],
        ['198.51.100.3', undefined],
      ],
    );
    for (const e of listed.slice(0, 2) as any[])
      assert.ok(e.expiresMs > 0 && e.expiresMs <= e.timeoutMs, JSON.stringify(e));
    assert.deepEqual(
      sorted(ok(r, 5).map((e: any) => ({ key: keyOf(e), timeoutMs: e.timeoutMs }))),
      [
        { key: '192.0.2.1 . 80', timeoutMs: 60_000 },
        { key: '203.0.113.9 . 443', timeoutMs: 30_000 },
      ],
    );
    assert.equal(ok(r, 6).key, 'ipv6_addr . inet_service');
    // the other table families
    ok(r, 7);
    ok(r, 8);
    const held = (family: string, name: string) =>
      nftElements(ns, family, T, name).map(({ key, timeout }) => ({ key, timeout }));
    assert.deepEqual(held('ip', 'b4'), [{ key: '192.0.2.5', timeout: 90 }]);
    assert.deepEqual(held('ip6', 'b6'), [{ key: '2001:db8::5 . 22', timeout: 90 }]);
    assert.deepEqual(
      ok(r, 9).map((e: any) => [e.address, e.port, e.timeoutMs]),
      [['2001:db8::5', 22, 90_000]],
    );
  },
);

test(
  'a delete is all or nothing: one missing element fails the batch unless ignoreMissing',
  { skip },
  () => {
    const r = setCalls(ns, 'nft', [
      {
        call: 'add',
        args: [B4, [{ address: '192.0.2.20', timeoutMs: 60_000 }, { address: '192.0.2.21' }]],
      },
      { call: 'delete', args: [B4, [{ address: '192.0.2.20' }, { address: '192.0.2.99' }]] },
    ]);
    ok(r, 0);
    assert.equal(r[1].code, 'ENOENT');
    assert.equal(
      r[1].error,
      `nft set inet ${T} b4: delete failed: ENOENT — element 192.0.2.99 is not in the set (delete with ignoreMissing to skip missing elements)`,
    );
    const keys = () => nftElements(ns, 'inet', T, 'b4').map((e) => e.key);
    assert.ok(keys().includes('192.0.2.20'), 'the batch changed nothing');

    const r2 = setCalls(ns, 'nft', [
      {
        call: 'delete',
        args: [B4, [{ address: '192.0.2.20' }, { address: '192.0.2.99' }], { ignoreMissing: true }],
      },
      { call: 'delete', args: [B4, [{ address: '192.0.2.21' }]] },
    ]);
    ok(r2, 0);
    ok(r2, 1);
    assert.ok(!keys().includes('192.0.2.20'));
    assert.ok(!keys().includes('192.0.2.21'));
  },
);

test('an element with a 1 s timeout expires', { skip }, async () => {
  ok(
    setCalls(ns, 'nft', [
      { call: 'add', args: [B6, [{ address: '2001:db8::77', timeoutMs: 1000 }]] },
    ]),
  );
  const present = () => nftElements(ns, 'inet', T, 'b6').some((e) => e.key === '2001:db8::77');
  assert.ok(
    await eventually(() => !present()),
    'the element is still there long after its timeout',
  );
});

test('a batch of 5,000 elements lands, and a flush empties the set', { skip }, () => {
  const elements = Array.from({ length: 5000 }, (_, i) => ({
    address: `2001:db8:1::${(i + 1).toString(16)}`,
    port: 1024 + i,
    timeoutMs: 600_000,
  }));
  const r = setCalls(ns, 'nft', [
    { call: 'flush', args: [C6] },
    { call: 'add', args: [C6, elements] },
    { call: 'list', args: [C6] },
  ]);
  ok(r, 0);
  assert.equal(ok(r, 1).elements, 5000);
  const kernel = nftElements(ns, 'inet', T, 'c6');
  assert.equal(kernel.length, 5000);
  assert.deepEqual(
    new Set(kernel.map((e) => e.key)),
    new Set(elements.map((e) => `${e.address} . ${e.port}`)),
  );
  assert.ok(kernel.every((e) => e.timeout === 600));
  assert.equal(ok(r, 2).length, 5000);
  ok(setCalls(ns, 'nft', [{ call: 'flush', args: [C6] }]));
  assert.equal(nftElements(ns, 'inet', T, 'c6').length, 0);
});

test(
  'errors name the set and say what is wrong: missing table or set, no timeouts, no CAP_NET_ADMIN',
  { skip },
  () => {
    const el = [{ address: '192.0.2.1', timeoutMs: 1000 }];
    const r = setCalls(ns, 'nft', [
      { call: 'add', args: [{ family: 'inet', table: 'nope', set: 'b4', key: 'ipv4_addr' }, el] },
      { call: 'add', args: [set('nope', 'ipv4_addr'), el] },
      { call: 'list', args: [set('nope')] },
      { call: 'add', args: [set('plain'), el] },
      { call: 'add', args: [B4, [{ address: '2001:db8::1' }]] },
    ]);
    assert.deepEqual(
      r.map((x) => x.error),
      [
        'nft set inet nope b4: add failed: ENOENT — table inet nope does not exist',
        `nft set inet ${T} nope: add failed: ENOENT — set "nope" does not exist in table inet ${T}`,
        `nft set inet ${T} nope: list failed: ENOENT — set "nope" does not exist in table inet ${T}`,
        `nft set inet ${T} plain: add failed: EINVAL — the kernel refused element 192.0.2.1: is the set declared with \`flags timeout\` and this key type?`,
        `nft set inet ${T} b4: add: element 0: 2001:db8::1 is not an IPv4 address (the set holds ipv4_addr)`,
      ],
    );
    const denied = setCalls(ns, 'nft', [{ call: 'add', args: [set('b4', 'ipv4_addr'), el] }], {
      withoutNetAdmin: true,
    });
    assert.equal(denied[0].code, 'EPERM');
    assert.equal(
      denied[0].error,
      `nft set inet ${T} b4: add failed: EPERM — needs CAP_NET_ADMIN (run as root, or grant the capability)`,
    );
  },
);

test(
  'traffic: a ping from an address the client added is dropped, and passes once it expired or was deleted',
  { skip },
  async () => {
    const id = runId();
    const a = createNamespace(id, 'seta');
    const b = createNamespace(id, 'setb');
    try {
      run(['ip', '-n', a, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1', 'netns', b]);
      for (const [n, dev, addr] of [
        [a, 'v0', '192.0.2.1/24'],
        [b, 'v1', '192.0.2.2/24'],
      ]) {
        run(['ip', '-n', n, 'addr', 'add', addr, 'dev', dev]);
        run(['ip', '-n', n, 'link', 'set', dev, 'up']);
      }
      execIn(b, ['nft', '-f', '-'], {
        input: `table inet p2pw_block {
  set blocked { type ipv4_addr; flags timeout; }
  chain in { type filter hook input priority 0; ip saddr @blocked drop; }
}
`,
      });
      const blocked = { family: 'inet', table: 'p2pw_block', set: 'blocked', key: 'ipv4_addr' };
      assert.ok(await eventually(() => pingOk(a, '192.0.2.2')), 'no ping before blocking');

      ok(
        setCalls(b, 'nft', [
          { call: 'add', args: [blocked, [{ address: '192.0.2.1', timeoutMs: 3000 }]] },
        ]),
      );
      assert.equal(pingOk(a, '192.0.2.2'), false, 'the ping passed a blocked address');
      assert.ok(
        await eventually(() => nftElements(b, 'inet', 'p2pw_block', 'blocked').length === 0),
        'the element did not expire',
      );
      assert.ok(pingOk(a, '192.0.2.2'), 'the ping is still dropped after the element expired');

      ok(
        setCalls(b, 'nft', [
          { call: 'add', args: [blocked, [{ address: '192.0.2.1', timeoutMs: 600_000 }]] },
        ]),
      );
      assert.equal(pingOk(a, '192.0.2.2'), false);
      ok(setCalls(b, 'nft', [{ call: 'delete', args: [blocked, [{ address: '192.0.2.1' }]] }]));
      assert.ok(pingOk(a, '192.0.2.2'), 'the ping is still dropped after the element was deleted');
    } finally {
      removeNamespace(a);
      removeNamespace(b);
    }
  },
);
