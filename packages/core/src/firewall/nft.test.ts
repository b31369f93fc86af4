import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iptablesChainPrefix } from './iptables.js';
import { nftScript, nftTableName } from './nft.js';
import { flowFamily } from './flow-match.js';

test('the nft ruleset lives in one table named after owner and pid, every rule tagged', () => {
  const s = nftScript({
    owner: 'p2pwall-cutter',
    pid: 4242,
    logGroup: 48001,
    snaplen: 80,
    notrackMark: 0x63757474,
  });
  assert.equal(nftTableName('p2pwall-cutter', 4242), 'p2pwall_cutter_4242');
  assert.match(s, /^table inet p2pwall_cutter_4242 \{/);
  assert.match(s, /type filter hook prerouting priority -300;/);
  assert.match(
    s,
    /@log4 log group 48001 snaplen 80 queue-threshold 1 comment "p2pwall-cutter 4242"/,
  );
  assert.match(s, /meta mark 1668641908 notrack comment "p2pwall-cutter 4242"/);
  // freezing must never drop our own forged packets
  assert.match(s, /meta mark != 1668641908 meta l4proto \. ip saddr .* @drop4 drop/);
  for (const line of s
    .split('\n')
    .filter((l) => /\b(log|drop|notrack)\b/.test(l) && !l.includes('set ')))
    assert.match(line, /comment "p2pwall-cutter 4242"/);
});

test('without a log group no log rules are made', () => {
  assert.doesNotMatch(nftScript({ owner: 'x', pid: 1 }), /log group/);
});

test('iptables chain names stay within 28 characters', () => {
  const p = iptablesChainPrefix('p2pwall-cutter', 4194304);
  assert.equal(p, 'P2PWALL_CUTTER_4194304');
  assert.ok(`${p}_DROP`.length <= 28);
});

test('a flow must not mix address families', () => {
  assert.equal(
    flowFamily({ proto: 6, src: '2001:db8::1', srcPort: 1, dst: '2001:db8::2', dstPort: 2 }),
    6,
  );
  assert.throws(
    () => flowFamily({ proto: 6, src: '192.0.2.1', srcPort: 1, dst: '2001:db8::2', dstPort: 2 }),
    /mixes or misspells/,
  );
  assert.equal(
    flowFamily({ proto: 6, src: '192.0.2.1', srcPort: 1, dst: '198.51.100.1', dstPort: 2 }),
    4,
  );
  for (const [src, dst] of [
    ['2001:db8::1', '192.0.2.1'],
    ['192.0.2.256', '192.0.2.1'],
    ['192.0.2.1', 'host.example'],
  ])
    assert.throws(
      () => flowFamily({ proto: 6, src, srcPort: 1, dst, dstPort: 2 }),
      /mixes or misspells/,
    );
});

test('drop groups go into the one install transaction, each with its own timeout', () => {
  const tcp = {
    proto: 6,
    src: '192.0.2.10',
    srcPort: 40000,
    dst: '198.51.100.10',
    dstPort: 80,
  };
  const udp = { ...tcp, proto: 17, srcPort: 5353, dstPort: 53 };
  const only = nftScript({ owner: 'x', pid: 1 }, { drop: [tcp], dropTimeoutSec: 10 });
  const grouped = nftScript(
    { owner: 'x', pid: 1 },
    { dropGroups: [{ flows: [tcp], timeoutSec: 10 }] },
  );
  assert.equal(grouped, only, 'one group reads as the plain drop list');
  const both = nftScript(
    { owner: 'x', pid: 1 },
    {
      dropGroups: [
        { flows: [tcp], timeoutSec: 10 },
        { flows: [udp], timeoutSec: 60 },
      ],
    },
  );
  assert.match(
    both,
    /set drop4 \{ .*elements = \{ 6 \. 192\.0\.2\.10 \. 40000 \. 198\.51\.100\.10 \. 80 timeout 10s, 17 \. 192\.0\.2\.10 \. 5353 \. 198\.51\.100\.10 \. 53 timeout 60s \}; \}/,
  );
  assert.doesNotMatch(
    both.split('\n').find((l) => l.includes('set drop6'))!,
    /elements/,
  );
});
