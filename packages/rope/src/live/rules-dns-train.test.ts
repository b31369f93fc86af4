import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RULES, firewallRules, iptablesPlan } from './rules.js';

test('rules --dns-train: DNS answers are queued before marked flows skip the queue', () => {
  const nft = firewallRules({ ...DEFAULT_RULES, dnsTrain: true, hooks: 'both', marks: [7] });
  for (const chain of ['queue_forward', 'queue_input', 'queue_output']) {
    const start = nft.indexOf(`chain ${chain} {`);
    // the chain only: it ends at the first line that is a closing brace
    const body = nft.slice(start, nft.indexOf('\n\t}', start));
    const dns = body.indexOf('meta l4proto { tcp, udp } th sport 53 queue num 0 bypass');
    const skip = body.indexOf('meta mark 0x7 accept');
    assert.ok(dns > 0 && dns < skip, chain);
  }
  const plan = iptablesPlan({
    ...DEFAULT_RULES,
    format: 'iptables',
    family: 'ipv4',
    dnsTrain: true,
  });
  const queue = plan.filter((l) => l.kind === 'rule' && l.chain === 'rope-queue' && l.op === '-A');
  assert.deepEqual(
    queue.map((l) => (l.kind === 'rule' ? `${l.match} ${l.target}` : '')),
    [
      '-p udp --sport 53 -j NFQUEUE --queue-num 0 --queue-bypass',
      '-p tcp --sport 53 -j NFQUEUE --queue-num 0 --queue-bypass',
      '-m mark ! --mark 0 -j RETURN',
      ' -j NFQUEUE --queue-num 0 --queue-bypass',
    ],
  );
  // without it: unchanged
  assert.ok(!firewallRules(DEFAULT_RULES).includes('sport 53'));
});
