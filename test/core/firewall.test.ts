// The temporary rules of a cut, in a namespace of the test's own: present while held, gone after
// a normal end, after SIGINT/SIGTERM, and — after a SIGKILL — once cleanupStale ran; never the
// rules of a run that is still alive. Both backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, execIn, removeNamespace, runId } from '../../tools/lab/netns.js';
import { privilegedSkip } from '../support/environment.js';
import { activateConntrack, background, op } from './support.js';

const skip = privilegedSkip(['ip', 'nft', 'iptables']);
let ns = '';
const flows = [
  { proto: 6, src: '192.0.2.10', srcPort: 40000, dst: '198.51.100.10', dstPort: 80 },
  { proto: 6, src: '2001:db8:1::10', srcPort: 40000, dst: '2001:db8:2::10', dstPort: 80 },
];

before(() => {
  if (skip) return;
  ns = createNamespace(runId(), 'fw');
  activateConntrack(ns);
});
after(() => {
  if (ns) removeNamespace(ns);
});

const nftTables = () => execIn(ns, ['nft', 'list', 'tables']).stdout;
const rawRules = () =>
  execIn(ns, ['iptables-save', '-t', 'raw']).stdout +
  execIn(ns, ['ip6tables-save', '-t', 'raw']).stdout;

async function holdUntilReady(backend: 'nft' | 'iptables', ms: number) {
  const h = await background(ns, { op: 'firewallHold', backend, flows, ms });
  return h;
}

test('nft: one table with every rule tagged, removed at the end', { skip }, async () => {
  const { result } = await holdUntilReady('nft', 1500);
  const listing = execIn(ns, ['nft', 'list', 'ruleset']).stdout;
  assert.match(listing, /table inet p2pwall_cutter_\d+ \{/);
  assert.match(listing, /log group 5 snaplen 80 queue-threshold 1 comment "p2pwall-cutter \d+"/);
  assert.match(listing, /tcp \. 192\.0\.2\.10 \. 40000 \. 198\.51\.100\.10 \. 80/);
  assert.match(listing, /tcp \. 2001:db8:1::10 \. 40000 \. 2001:db8:2::10 \. 80/);
  assert.match(listing, /notrack comment "p2pwall-cutter \d+"/);
  await result;
  assert.doesNotMatch(nftTables(), /p2pwall_cutter/);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`nft: a ${signal} removes the table before the process ends`, { skip }, async () => {
    const { child } = await holdUntilReady('nft', 30_000);
    assert.match(nftTables(), /p2pwall_cutter/);
    const ended = new Promise((r) => child.once('exit', r));
    // the helper runs under `ip netns exec`: signal the whole group, as a terminal would
    process.kill(-child.pid!, signal);
    await ended;
    assert.doesNotMatch(nftTables(), /p2pwall_cutter/);
  });
}

test(
  'after a SIGKILL the table stays until cleanupStale, which spares live runs',
  { skip },
  async () => {
    const killed = await holdUntilReady('nft', 30_000);
    const alive = await holdUntilReady('nft', 30_000);
    process.kill(-killed.child.pid!, 'SIGKILL');
    await new Promise((r) => killed.child.once('exit', r));
    assert.equal((nftTables().match(/p2pwall_cutter_/g) ?? []).length, 2);
    const removed: any[] = op(ns, { op: 'cleanupStale' });
    assert.equal(removed.length, 1);
    assert.equal(removed[0].backend, 'nft');
    assert.equal(
      (nftTables().match(/p2pwall_cutter_/g) ?? []).length,
      1,
      'the live run keeps its rules',
    );
    process.kill(-alive.child.pid!, 'SIGTERM');
    await new Promise((r) => alive.child.once('exit', r));
    assert.doesNotMatch(nftTables(), /p2pwall_cutter/);
  },
);

test(
  'iptables: own chains in the raw table, commented jumps, all gone at the end and after SIGKILL + cleanup',
  { skip },
  async () => {
    const { result } = await holdUntilReady('iptables', 1500);
    const rules = rawRules();
    assert.match(
      rules,
      /-A PREROUTING -m comment --comment "p2pwall-cutter \d+" -j P2PWALL_CUTTER_\d+_LOG/,
    );
    assert.match(
      rules,
      /-A P2PWALL_CUTTER_\d+_LOG -s 192\.0\.2\.10\/32 -d 198\.51\.100\.10\/32 -p tcp -m tcp --sport 40000 --dport 80 .*-j NFLOG --nflog-group 5/,
    );
    assert.match(rules, /-j CT --notrack/);
    await result;
    assert.doesNotMatch(rawRules(), /P2PWALL_CUTTER|p2pwall-cutter/);
    const killed = await holdUntilReady('iptables', 30_000);
    process.kill(-killed.child.pid!, 'SIGKILL');
    await new Promise((r) => killed.child.once('exit', r));
    assert.match(rawRules(), /P2PWALL_CUTTER/);
    assert.equal(op<any[]>(ns, { op: 'cleanupStale' }).length, 1);
    assert.doesNotMatch(rawRules(), /P2PWALL_CUTTER|p2pwall-cutter/);
  },
);

test(
  'cleanupStaleAsync, which lists over netlink: the rules of killed runs of both backends go, live runs keep theirs',
  { skip },
  async () => {
    const dead = [await holdUntilReady('nft', 30_000), await holdUntilReady('iptables', 30_000)];
    const live = [await holdUntilReady('nft', 30_000), await holdUntilReady('iptables', 30_000)];
    for (const h of dead) {
      process.kill(-h.child.pid!, 'SIGKILL');
      await new Promise((r) => h.child.once('exit', r));
    }
    const chainPids = () =>
      new Set([...rawRules().matchAll(/^:P2PWALL_CUTTER_(\d+)_OUT /gm)].map((m) => m[1]));
    assert.equal((nftTables().match(/p2pwall_cutter_/g) ?? []).length, 2);
    assert.equal(chainPids().size, 2);
    const removed = op<{ backend: string }[]>(ns, { op: 'cleanupStaleAsync' });
    assert.deepEqual(removed.map((r) => r.backend).sort(), ['iptables', 'nft']);
    assert.equal((nftTables().match(/p2pwall_cutter_/g) ?? []).length, 1, 'the live nft run');
    assert.equal(chainPids().size, 1, 'the live iptables run');
    assert.deepEqual(op(ns, { op: 'cleanupStaleAsync' }), [], 'nothing stale is left');
    for (const h of live) {
      process.kill(-h.child.pid!, 'SIGTERM');
      await new Promise((r) => h.child.once('exit', r));
    }
    assert.doesNotMatch(nftTables() + rawRules(), /p2pwall_cutter|P2PWALL_CUTTER/);
  },
);
