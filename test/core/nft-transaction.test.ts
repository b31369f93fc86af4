// cutter's temporary nft table made over nf_tables netlink (one transaction, no nft process) is
// the table `nft -f` makes from the same spec: in a namespace of the test's own, both are built
// with initial flows of both families and timeouts, then changed (log and drop flows added, a
// drop removed), and nft's own listing of the result — the rules' bytecode included — must read
// the same. Removal leaves nothing; a refused transaction says why in one line and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createNamespace, execIn, removeNamespace, runId } from '../../tools/lab/netns.js';
import { privilegedSkip } from '../support/environment.js';
import { helperArgv, op } from './support.js';

const skip = privilegedSkip(['ip', 'nft', 'setpriv']);
let ns = '';

before(() => {
  if (skip) return;
  ns = createNamespace(runId(), 'nftx');
});
after(() => {
  if (ns) removeNamespace(ns);
});

const spec = {
  owner: 'p2pwall-cutter',
  pid: 4242,
  logGroup: 48000,
  snaplen: 80,
  notrackMark: 0x7e1f0001,
};
const tcp = (src: string, srcPort: number, dst: string, dstPort: number) => ({
  proto: 6,
  src,
  srcPort,
  dst,
  dstPort,
});
const initial = {
  log: [tcp('192.0.2.10', 5000, '203.0.113.5', 80), tcp('2001:db8::5', 5001, '2001:db8::6', 443)],
  drop: [tcp('2001:db8::1', 5000, '2001:db8::2', 80)],
  dropTimeoutSec: 5,
  dropGroups: [
    {
      flows: [{ proto: 17, src: '192.0.2.1', srcPort: 53, dst: '192.0.2.2', dstPort: 1000 }],
      timeoutSec: 30.5,
    },
  ],
};
const changes = [
  { op: 'addLog', flows: [tcp('198.51.100.1', 1, '198.51.100.2', 2)] },
  {
    op: 'addDrop',
    flows: [tcp('198.51.100.1', 1, '198.51.100.2', 2), tcp('2001:db8::7', 7, '2001:db8::8', 8)],
    timeoutSec: 60,
  },
  {
    op: 'removeDrop',
    flows: [{ proto: 17, src: '192.0.2.1', srcPort: 53, dst: '192.0.2.2', dstPort: 1000 }],
  },
];

/**
 * What nft shows of the ruleset, in a form two equal rulesets share: the rules' bytecode in
 * order, the set elements' bytes sorted (a hash set lists them in its own order, which differs
 * between two sets), and the JSON listing with each set's elements sorted and the time they
 * have left (which differs between two runs) left out.
 */
function listing(): { bytecode: string[]; elements: string[]; json: unknown } {
  const debug = execIn(ns, ['nft', '--debug=netlink', 'list', 'ruleset']).stdout.split('\n');
  const end = debug.findIndex((l) => l.startsWith('table '));
  const head = debug.slice(0, end);
  // handles number objects in the order a namespace saw them: not part of what was made
  const json = JSON.parse(execIn(ns, ['nft', '-j', 'list', 'ruleset']).stdout, (k, v: unknown) =>
    k === 'handle' ? undefined : v,
  ) as {
    nftables: { set?: { elem?: unknown[] } }[];
  };
  for (const o of json.nftables) {
    if (!o.set?.elem) continue;
    o.set.elem = o.set.elem.map((e) => JSON.stringify(e).replace(/,"expires":\d+/, '')).sort();
  }
  return {
    bytecode: head.filter((l) => !l.startsWith('\telement')),
    elements: head.filter((l) => l.startsWith('\telement')).sort(),
    json,
  };
}

test(
  'the table made over netlink reads as the one nft -f makes, changes included',
  { skip },
  () => {
    execIn(ns, ['nft', 'flush', 'ruleset']);
    op(ns, { op: 'nftBuild', netlink: false, spec, initial, changes, extraLog: 3000 });
    const byNft = listing();
    execIn(ns, ['nft', 'flush', 'ruleset']);
    op(ns, { op: 'nftBuild', netlink: true, spec, initial, changes, extraLog: 3000 });
    const byNetlink = listing();
    const text = execIn(ns, ['nft', 'list', 'ruleset']).stdout;
    assert.match(text, /table inet p2pwall_cutter_4242/);
    assert.match(text, /tcp \. 198\.51\.100\.250 \. 1273 \. 203\.0\.113\.9 \. 443/);
    assert.match(text, /tcp \. 2001:db8::7 \. 7 \. 2001:db8::8 \. 8 timeout 1m/);
    assert.doesNotMatch(text, /udp \. 192\.0\.2\.1 \. 53/);
    assert.ok(byNetlink.bytecode.some((l) => l.includes('[ lookup reg 1 set log4 ')));
    // log: 2 + 3000 + 1 added; drop: 1 + 2 added (the group's one removed)
    assert.equal(byNetlink.elements.length, 3003 + 3);
    assert.deepEqual(byNetlink, byNft);
  },
);

test('removal over netlink leaves nothing', { skip }, () => {
  execIn(ns, ['nft', 'flush', 'ruleset']);
  op(ns, { op: 'nftBuild', netlink: true, spec, initial, changes, remove: true });
  assert.equal(execIn(ns, ['nft', 'list', 'ruleset']).stdout.trim(), '');
});

test('without CAP_NET_ADMIN: one line naming the capability, nothing made', { skip }, () => {
  execIn(ns, ['nft', 'flush', 'ruleset']);
  const r = execIn(
    ns,
    [
      'setpriv',
      '--inh-caps=-net_admin',
      '--bounding-set=-net_admin',
      ...helperArgv({ op: 'nftBuild', netlink: true, spec, initial }),
    ],
    { allowFail: true },
  );
  assert.notEqual(r.code, 0);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { error: string; code: string };
  assert.equal(out.code, 'EPERM');
  assert.equal(
    out.error,
    'installing nft table p2pwall_cutter_4242 failed: EPERM (operation not permitted) — changing nf_tables needs CAP_NET_ADMIN (run as root)',
  );
  assert.equal(execIn(ns, ['nft', 'list', 'ruleset']).stdout.trim(), '');
});

test('a refused message is named, and the transaction changes nothing', { skip }, () => {
  execIn(ns, ['nft', 'flush', 'ruleset']);
  // a chain named like ours but of another type: the kernel refuses our NEWCHAIN
  execIn(ns, ['nft', '-f', '-'], {
    input:
      'table inet p2pwall_cutter_4242 { chain prerouting { type filter hook input priority 0; }; }\n',
  });
  const before = execIn(ns, ['nft', 'list', 'ruleset']).stdout;
  assert.throws(
    () => op(ns, { op: 'nftBuild', netlink: true, spec, initial }),
    (e: Error & { code?: string }) =>
      /^installing nft table p2pwall_cutter_4242 failed: E\w+ \(.*\): chain prerouting/.test(
        e.message,
      ),
  );
  assert.equal(execIn(ns, ['nft', 'list', 'ruleset']).stdout, before);
});
