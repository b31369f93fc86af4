// rope rules --install / --remove without --nft or --iptables, against fake tools: nft when its
// --check accepts the whole rule set, iptables when the kernel refuses nft's queue statement or nft
// is missing, and a removal that looks for both. The lab test (test/rope-run/deploy.test.ts) does it
// against the real kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installRulesAuto, nftRefusal, removeRulesAuto } from './rules-auto.js';
import { NFT_TAG, RulesInstallError, type RunTool, type ToolResult } from './rules-install.js';
import { DEFAULT_RULES, type RulesOptions } from './rules.js';

const ok = (stdout = ''): ToolResult => ({ code: 0, stdout, stderr: '' });
const NO_TABLE: ToolResult = { code: 1, stdout: '', stderr: 'Error: No such file or directory\n' };
const NO_QUEUE: ToolResult = {
  code: 1,
  stdout: '',
  stderr:
    '/dev/stdin:9:3-7: Error: Could not process rule: No such file or directory\n\t\tqueue num 0 bypass\n\t\t^^^^^\n',
};
const O: RulesOptions = { ...DEFAULT_RULES, enforce: false };

function fake(answer: (argv: string[]) => ToolResult | 'missing') {
  const calls: string[][] = [];
  const run: RunTool = async (argv) => {
    calls.push(argv);
    const a = answer(argv);
    if (a === 'missing') throw new RulesInstallError(`${argv[0]} is not installed`);
    return a;
  };
  return { run, calls };
}

test('auto --install: nft when nft --check accepts the whole rule set', async () => {
  const { run, calls } = fake((argv) => (argv[1] === 'list' ? NO_TABLE : ok()));
  assert.equal(
    await installRulesAuto(O, run),
    'installed nft table inet rope (nftables has all the rules need)',
  );
  assert.deepEqual(calls[0], ['nft', '--check', '-f', '-']);
  assert.deepEqual(calls[calls.length - 1], ['nft', '-f', '-']);
  assert.ok(!calls.some((c) => c[0].startsWith('iptables')));
});

test('auto --install: iptables when the kernel refuses the queue statement, and the line says why', async () => {
  const { run, calls } = fake((argv) => {
    if (argv[0] === 'nft') return NO_QUEUE;
    return argv[0].endsWith('-save') ? ok('') : ok();
  });
  const line = await installRulesAuto(O, run);
  assert.equal(
    line,
    "installed iptables and ip6tables chains rope-* (iptables: this kernel's nftables lacks the queue statement (CONFIG_NFT_QUEUE))",
  );
  // only the check ran through nft; nothing was applied there
  assert.deepEqual(
    calls.filter((c) => c[0] === 'nft'),
    [['nft', '--check', '-f', '-']],
  );
  assert.ok(calls.some((c) => c[0] === 'iptables-restore'));
  assert.ok(calls.some((c) => c[0] === 'ip6tables-restore'));
});

test('auto --install: iptables when nft is not installed; another nft refusal is quoted', async () => {
  const missing = fake((argv) => (argv[0] === 'nft' ? 'missing' : ok()));
  assert.match(await installRulesAuto(O, missing.run), /\(iptables: nft is not installed\)$/);
  const other = fake(() => ({ code: 1, stdout: '', stderr: '\nError: Operation not supported\n' }));
  assert.equal(
    await nftRefusal(O, other.run),
    'nft --check refused the rules: Error: Operation not supported',
  );
});

test('auto --remove: takes out whichever is ours, says when there was nothing, leaves others alone', async () => {
  const ours = ok(`table inet rope {\n\tcomment "${NFT_TAG}"\n}\n`);
  const nftOnly = fake((argv) => (argv[1] === 'list' ? ours : ok('')));
  assert.equal(await removeRulesAuto(O, nftOnly.run), 'removed nft table inet rope');
  const nothing = fake((argv) => (argv[0] === 'nft' ? NO_TABLE : ok('')));
  assert.equal(
    await removeRulesAuto(O, nothing.run),
    'nothing to remove: no nft table or iptables chains rope loaded by rope rules --install',
  );
  const foreign = fake((argv) => (argv[1] === 'list' ? ok('table inet rope {\n}\n') : ok('')));
  const line = await removeRulesAuto(O, foreign.run);
  assert.match(
    line,
    /^nothing to remove: .*\(left alone: nft table inet rope exists and was not loaded by rope rules --install\)$/,
  );
  assert.ok(!foreign.calls.some((c) => c[1] === 'delete'));
  const noTools = fake(() => 'missing');
  assert.match(await removeRulesAuto(O, noTools.run), /^nothing to remove/);
});
