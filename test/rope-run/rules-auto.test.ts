// `rope rules --install` / `--remove` without --nft or --iptables, as root, against the real
// kernel of a lab router: the rule set it picks is the one `nft --check` allows (nft with the
// queue statement, else iptables — this project's CI kernel lacks CONFIG_NFT_QUEUE), the line
// says which, the rules really feed rope run, and --remove leaves no rule, table or set behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import { RopeRun, SCRIPTS, udpFlow, udpSink, type Sink } from './harness.js';

const skip = privilegedSkip(['ip', 'iptables', 'iptables-save', 'nft', 'ipset', 'python3']);
const PORT = 9998;
let lab: Lab;
let sink: Sink;

before(async () => {
  if (skip) return;
  lab = await createLab();
  sink = await udpSink(lab, lab.server, PORT);
});

after(async () => {
  sink?.stop();
  if (lab) await lab.destroy();
});

/** What of ours the router's kernel holds: iptables lines, the nft table, ipsets. */
async function leftovers(): Promise<string[]> {
  const r = lab.router;
  const ipt = (await r.exec(['iptables-save'])).stdout.split('\n');
  const nft = (await r.exec(['nft', 'list', 'tables'])).stdout.split('\n');
  const sets = (await r.exec(['ipset', 'list', '-n'])).stdout.split('\n');
  return [
    ...ipt.filter((l) => /auto-|p2pwall-rope-rules/.test(l)),
    ...nft.filter((l) => /\bauto\b/.test(l)),
    ...sets.filter((l) => l.startsWith('auto-')),
  ];
}

test(
  'rope rules --install without a format (root): the kernel decides, the line says which, --remove cleans up',
  { skip },
  async () => {
    const r = lab.router;
    const args = ['--queue', '0', '--family', 'ipv4', '--name', 'auto'];
    // what the kernel allows, asked independently of rope: a table with a queue statement
    const probe = await r.exec(['nft', '--check', '-f', '-'], {
      input:
        'table ip autoprobe {\n chain c {\n  type filter hook forward priority 0; policy accept;\n  queue num 0 bypass\n }\n}\n',
      allowFail: true,
    });
    const nftQueue = probe.code === 0;
    const install = await r.rope(['rules', ...args, '--install'], { source: true });
    if (nftQueue)
      assert.match(install.stdout, /^rope rules: installed nft table ip auto \(nftables has/);
    else
      assert.match(
        install.stdout,
        /^rope rules: installed iptables chains auto-\* \(iptables: this kernel's nftables lacks the queue statement \(CONFIG_NFT_QUEUE\)\)\n$/,
      );
    assert.notDeepEqual(await leftovers(), []);
    // the rules feed the queue: rope run drops the magic flow from its second packet on
    const run = await RopeRun.start(r, [
      '--queue',
      '0',
      '--script',
      `${SCRIPTS}/udp-magic.rope`,
      '--on-match',
      'drop',
    ]);
    try {
      await udpFlow(lab.client, lab.server.ipv4, PORT, 41001, [
        'hello',
        'ROPE-MATCH here',
        'after',
      ]);
      await sleep(300);
      const got = sink.received().filter((p) => p !== '');
      assert.deepEqual(got, ['hello']);
    } finally {
      await run.stop();
    }
    const removed = await r.rope(['rules', ...args, '--remove'], { source: true });
    assert.match(
      removed.stdout,
      /^rope rules: removed (nft table ip auto|iptables chains auto-\*)/,
    );
    assert.deepEqual(await leftovers(), []);
    const again = await r.rope(['rules', ...args, '--remove'], { source: true });
    assert.match(again.stdout, /^rope rules: nothing to remove/);
  },
);
