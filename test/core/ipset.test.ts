// The ipset client against the real kernel, in namespaces of the test's own: it creates sets
// with timeout support, adds, deletes, lists, flushes and destroys, and `ipset save` must show
// exactly what it did; then real traffic through `iptables -m set --match-set … src -j DROP`.
// Skipped (outside CI) with one line when the kernel has no ipset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, execIn, removeNamespace, run, runId } from '../../tools/lab/netns.js';
import { inCI, privilegedSkip } from '../support/environment.js';
import {
  eventually,
  ipsetCreateLine,
  ipsetElements,
  ok,
  pingOk,
  setCalls,
} from './sets-support.js';

let ns = '';

/** Why ipset cannot be tested here, or false; makes the test namespace when it can. */
function ipsetSkip(): string | false {
  const privileged = privilegedSkip(['ip', 'ipset', 'iptables', 'ping', 'setpriv']);
  if (privileged) return privileged;
  ns = createNamespace(runId(), 'ipset');
  const probe = execIn(ns, ['ipset', 'list', '-n'], { allowFail: true });
  if (probe.code === 0) return false;
  const reason = `the kernel has no ipset (module ip_set): ${probe.stderr.trim().split('\n')[0]}`;
  if (inCI)
    throw new Error(`${reason} — in CI this test must run, so it fails instead of skipping`);
  return reason;
}

const skip = ipsetSkip();

before(() => {
  if (skip) return;
  // a set made by the ipset command without timeout support, for the error it causes
  execIn(ns, ['ipset', 'create', 'plain', 'hash:ip']);
});
after(() => {
  if (ns) removeNamespace(ns);
});

const sorted = <T extends { key: string }>(xs: T[]) =>
  [...xs].sort((a, b) => (a.key < b.key ? -1 : 1));

test(
  'create makes sets with timeout support once; the same create again is no error, another is',
  { skip },
  () => {
    const r = setCalls(ns, 'ipset', [
      { call: 'protocolVersion', args: [] },
      { call: 'create', args: ['blk4', { type: 'hash:ip', family: 'inet', timeoutMs: 60_000 }] },
      { call: 'create', args: ['blk4', { type: 'hash:ip', family: 'inet', timeoutMs: 60_000 }] },
      {
        call: 'create',
        args: [
          'bp6',
          { type: 'hash:ip,port', family: 'inet6', timeoutMs: 120_000, maxElements: 100_000 },
        ],
      },
      { call: 'create', args: ['blk4', { type: 'hash:ip', family: 'inet', timeoutMs: 30_000 }] },
    ]);
    assert.ok([6, 7].includes(ok(r, 0)));
    ok(r, 1);
    ok(r, 2);
    ok(r, 3);
    assert.equal(
      r[4].error,
      'ipset blk4: create failed: EEXIST — a set with this name exists already, of another type or with other options',
    );
    assert.match(ipsetCreateLine(ns, 'blk4'), /^create blk4 hash:ip family inet .*timeout 60\b/);
    assert.match(
      ipsetCreateLine(ns, 'bp6'),
      /^create bp6 hash:ip,port family inet6 .*maxelem 100000 timeout 120\b/,
    );
  },
);

test(
  'adds with per-element timeouts: ipset holds exactly them, and list shows time left',
  { skip },
  () => {
    const r = setCalls(ns, 'ipset', [
      { call: 'flush', args: ['blk4'] },
      {
        call: 'add',
        args: [
          'blk4',
          [
            { address: '192.0.2.1', timeoutMs: 30_000 },
            { address: '192.0.2.2', timeoutMs: 0 },
            { address: '198.51.100.3' },
          ],
        ],
      },
      { call: 'flush', args: ['bp6'] },
      {
        call: 'add',
        args: [
          'bp6',
          [
            { address: '2001:db8::1', port: 80, timeoutMs: 45_000 },
            { address: '2001:db8::2', port: 53, proto: 'udp' },
          ],
        ],
      },
      { call: 'list', args: ['blk4'] },
      { call: 'list', args: ['bp6'] },
    ]);
    assert.deepEqual(ok(r, 1), { messages: 1, elements: 3 });
    ok(r, 3);
    const kernel4 = sorted(ipsetElements(ns, 'blk4'));
    assert.deepEqual(
      kernel4.map((e) => e.key),
      ['192.0.2.1', '192.0.2.2', '198.51.100.3'],
    );
    assert.ok(kernel4[0].expires! > 0 && kernel4[0].expires! <= 30);
    assert.equal(kernel4[1].expires, 0, 'timeout 0: permanent');
    assert.ok(kernel4[2].expires! > 30 && kernel4[2].expires! <= 60, "the set's default");
    const kernel6 = sorted(ipsetElements(ns, 'bp6'));
    assert.deepEqual(
      kernel6.map((e) => e.key),
      ['2001:db8::1,tcp:80', '2001:db8::2,udp:53'],
    );
    assert.ok(kernel6[0].expires! <= 45 && kernel6[1].expires! > 45);

    const blk4 = ok(r, 4);
    assert.equal(blk4.type, 'hash:ip');
    assert.equal(blk4.timeoutMs, 60_000);
    const listed = new Map(blk4.elements.map((e: any) => [e.address, e.expiresMs]));
    assert.equal(listed.size, 3);
    assert.ok((listed.get('192.0.2.1') as number) <= 30_000);
    assert.equal(listed.get('192.0.2.2'), 0);
    assert.deepEqual(
      ok(r, 5)
        .elements.map((e: any) => [e.address, e.port, e.proto])
        .sort(),
      [
        ['2001:db8::1', 80, 'tcp'],
        ['2001:db8::2', 53, 'udp'],
      ],
    );
  },
);

test('deletes: a missing element is an error unless ignoreMissing', { skip }, () => {
  const r = setCalls(ns, 'ipset', [
    { call: 'add', args: ['blk4', [{ address: '192.0.2.40' }]] },
    { call: 'delete', args: ['blk4', [{ address: '192.0.2.99' }]] },
    {
      call: 'delete',
      args: [
        'blk4',
        [{ address: '192.0.2.40' }, { address: '192.0.2.99' }],
        { ignoreMissing: true },
      ],
    },
  ]);
  ok(r, 0);
  assert.equal(
    r[1].error,
    'ipset blk4: delete failed: IPSET_ERR_EXIST — an element is not in the set (delete with ignoreMissing to skip missing elements)',
  );
  ok(r, 2);
  assert.ok(!ipsetElements(ns, 'blk4').some((e) => e.key === '192.0.2.40'));
});

test('an element with a 1 s timeout expires', { skip }, async () => {
  ok(
    setCalls(ns, 'ipset', [
      { call: 'add', args: ['blk4', [{ address: '192.0.2.77', timeoutMs: 1000 }]] },
    ]),
  );
  const present = () => ipsetElements(ns, 'blk4').some((e) => e.key === '192.0.2.77');
  assert.ok(
    await eventually(() => !present()),
    'the element is still there long after its timeout',
  );
});

test('5,000 elements land, a flush empties the set, destroy removes it', { skip }, () => {
  const elements = Array.from({ length: 5000 }, (_, i) => ({
    address: `2001:db8:2::${(i + 1).toString(16)}`,
    port: 1024 + i,
    proto: i % 2 ? 'udp' : 'tcp',
    timeoutMs: 600_000,
  }));
  const r = setCalls(ns, 'ipset', [
    { call: 'flush', args: ['bp6'] },
    { call: 'add', args: ['bp6', elements] },
  ]);
  assert.deepEqual(ok(r, 1), { messages: 5, elements: 5000 });
  const kernel = ipsetElements(ns, 'bp6');
  assert.equal(kernel.length, 5000);
  assert.deepEqual(
    new Set(kernel.map((e) => e.key)),
    new Set(elements.map((e) => `${e.address},${e.proto}:${e.port}`)),
  );
  ok(setCalls(ns, 'ipset', [{ call: 'flush', args: ['bp6'] }]));
  assert.equal(ipsetElements(ns, 'bp6').length, 0);
  const d = setCalls(ns, 'ipset', [
    { call: 'destroy', args: ['bp6'] },
    { call: 'destroy', args: ['bp6'] },
    { call: 'destroy', args: ['bp6', { exclusive: true }] },
  ]);
  ok(d, 0);
  ok(d, 1);
  assert.equal(d[2].error, 'ipset bp6: destroy failed: ENOENT — the set does not exist');
  assert.equal(execIn(ns, ['ipset', 'list', '-n']).stdout.includes('bp6'), false);
});

test(
  'errors name the set and say what is wrong: missing set, no timeouts, wrong family, no CAP_NET_ADMIN',
  { skip },
  () => {
    const r = setCalls(ns, 'ipset', [
      { call: 'add', args: ['nope', [{ address: '192.0.2.1' }]] },
      { call: 'add', args: ['plain', [{ address: '192.0.2.1', timeoutMs: 5000 }]] },
      { call: 'add', args: ['blk4', [{ address: '2001:db8::1' }]] },
      { call: 'flush', args: [''] },
    ]);
    assert.deepEqual(
      r.map((x) => x.error),
      [
        'ipset nope: add failed: ENOENT — the set does not exist',
        'ipset plain: add failed: IPSET_ERR_TIMEOUT — the set was created without timeout support (create it with a timeout)',
        'ipset blk4: add: element 0: 2001:db8::1 is not an IPv4 address (the set is family inet)',
        'ipset: flush: a set name is 1..31 bytes',
      ],
    );
    const denied = setCalls(ns, 'ipset', [{ call: 'list', args: ['blk4'] }], {
      withoutNetAdmin: true,
    });
    assert.equal(denied[0].code, 'EPERM');
    assert.equal(
      denied[0].error,
      'ipset blk4: list failed: EPERM — needs CAP_NET_ADMIN (run as root, or grant the capability)',
    );
  },
);

test(
  'traffic: an iptables match-set rule drops a ping from an added address until it expires or is deleted',
  { skip },
  async () => {
    const id = runId();
    const a = createNamespace(id, 'ipsa');
    const b = createNamespace(id, 'ipsb');
    try {
      run(['ip', '-n', a, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1', 'netns', b]);
      for (const [n, dev, addr] of [
        [a, 'v0', '192.0.2.1/24'],
        [b, 'v1', '192.0.2.2/24'],
      ]) {
        run(['ip', '-n', n, 'addr', 'add', addr, 'dev', dev]);
        run(['ip', '-n', n, 'link', 'set', dev, 'up']);
      }
      ok(
        setCalls(b, 'ipset', [
          {
            call: 'create',
            args: ['blocked', { type: 'hash:ip', family: 'inet', timeoutMs: 60_000 }],
          },
        ]),
      );
      execIn(b, [
        'iptables',
        '-A',
        'INPUT',
        '-m',
        'set',
        '--match-set',
        'blocked',
        'src',
        '-j',
        'DROP',
      ]);
      assert.ok(await eventually(() => pingOk(a, '192.0.2.2')), 'no ping before blocking');

      ok(
        setCalls(b, 'ipset', [
          { call: 'add', args: ['blocked', [{ address: '192.0.2.1', timeoutMs: 3000 }]] },
        ]),
      );
      assert.equal(pingOk(a, '192.0.2.2'), false, 'the ping passed a blocked address');
      assert.ok(
        await eventually(() => ipsetElements(b, 'blocked').length === 0),
        'the element did not expire',
      );
      assert.ok(pingOk(a, '192.0.2.2'), 'the ping is still dropped after the element expired');

      ok(
        setCalls(b, 'ipset', [
          { call: 'add', args: ['blocked', [{ address: '192.0.2.1', timeoutMs: 600_000 }]] },
        ]),
      );
      assert.equal(pingOk(a, '192.0.2.2'), false);
      ok(setCalls(b, 'ipset', [{ call: 'delete', args: ['blocked', [{ address: '192.0.2.1' }]] }]));
      assert.ok(pingOk(a, '192.0.2.2'), 'the ping is still dropped after the element was deleted');
    } finally {
      removeNamespace(a);
      removeNamespace(b);
    }
  },
);
