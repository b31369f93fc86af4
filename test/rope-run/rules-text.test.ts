// `rope rules`' text against a real kernel, as root, in a lab router: the iptables lines load
// as printed and list back as the chains rope run expects; the nft text of several option sets
// passes `nft --check`. (The command line itself is tested in packages/rope/src/cli/live-cli.test.ts;
// `--install` and `--remove` in rules-auto.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import {
  DEFAULT_RULES,
  firewallRules,
  type RulesOptions,
} from '../../packages/rope/src/live/rules.js';
import { loadRules } from './harness.js';

const skip = privilegedSkip(['ip', 'iptables', 'nft']);
let lab: Lab;

before(async () => {
  if (skip) return;
  lab = await createLab();
  await loadRules(lab.router, ['--mark', '7']);
});

after(async () => {
  if (lab) await lab.destroy();
});

test(
  'rope rules (root): the iptables text loads as printed; the nft text passes nft',
  { skip },
  async () => {
    // the router carries the iptables rules `rope rules --iptables --mark 7` printed: the chains
    // are there, in order
    const listed = (await lab.router.iptables(['-t', 'mangle', '-S'])).stdout;
    for (const line of [
      '-A PREROUTING -j rope-restore',
      '-A FORWARD -j rope-queue',
      '-A POSTROUTING -j rope-save',
      '-A rope-restore -m connmark --mark 0x7 -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff',
      '-A rope-queue -m mark --mark 0x7 -j RETURN',
      '-A rope-queue -j NFQUEUE --queue-num 0 --queue-bypass',
      '-A rope-save -m mark --mark 0x7 -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff',
    ]) {
      assert.ok(listed.includes(line), `missing: ${line}\n${listed}`);
    }
    const variants: RulesOptions[] = [
      DEFAULT_RULES,
      { ...DEFAULT_RULES, hooks: 'both', marks: [7, 9] },
      { ...DEFAULT_RULES, queues: [2, 5], family: 'ipv6' },
    ];
    for (const o of variants) {
      const text = firewallRules(o);
      const check = await lab.router.exec(['nft', '-c', '-f', '-'], {
        input: text,
        allowFail: true,
      });
      if (check.code !== 0) {
        // a kernel without CONFIG_NFT_QUEUE refuses the queue statement itself, nothing else
        const errors = check.stderr.split('\n').filter((l) => l.includes('Error:'));
        assert.ok(errors.length > 0, check.stderr);
        for (const e of errors)
          assert.match(e, /Could not process rule: No such file or directory/, check.stderr);
        assert.match(check.stderr, /\bqueue num /);
      }
    }
  },
);
