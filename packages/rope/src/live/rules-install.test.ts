// rope rules --install / --remove without a kernel: what is sent to nft and iptables-restore, from
// what the tools report. test/rope-run loads the same rules into a lab router (as root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  iptablesRemoval,
  iptablesRestoreInput,
  installRules,
  NFT_TAG,
  nftInstallScript,
  parseIptablesSave,
  removeRules,
  RulesInstallError,
  type RunTool,
  type ToolResult,
} from './rules-install.js';
import { DEFAULT_RULES, iptablesPlan, type RulesOptions } from './rules.js';

const ok = (stdout = ''): ToolResult => ({ code: 0, stdout, stderr: '' });
const NO_TABLE: ToolResult = {
  code: 1,
  stdout: '',
  stderr: 'Error: No such file or directory\nlist table inet rope\n',
};

/** A fake tool runner: answers from `answer`, records every call. */
function fake(answer: (argv: string[], input?: string) => ToolResult) {
  const calls: { argv: string[]; input?: string }[] = [];
  const run: RunTool = async (argv, input) => {
    calls.push({ argv, input });
    return answer(argv, input);
  };
  return { run, calls };
}

// the queue rules alone here; the enforcement's sets and rules have their own test below
const NFT: RulesOptions = { ...DEFAULT_RULES, marks: [7], enforce: false };

test('nft --install: one transaction that creates, deletes and defines the tagged table', async () => {
  const script = nftInstallScript(NFT);
  assert.match(script, /^table inet rope\ndelete table inet rope\n/);
  assert.ok(script.includes(`table inet rope {\n\tcomment "${NFT_TAG}"\n\tchain restore {`));
  const { run, calls } = fake((argv) => (argv[1] === 'list' ? NO_TABLE : ok()));
  assert.equal(await installRules(NFT, run), 'installed nft table inet rope');
  assert.deepEqual(
    calls.map((c) => c.argv),
    [
      ['nft', 'list', 'table', 'inet', 'rope'],
      ['nft', '-f', '-'],
    ],
  );
  assert.equal(calls[1].input, script);
  // ours already: replaced (the same single transaction)
  const again = fake((argv) =>
    argv[1] === 'list' ? ok(`table inet rope {\n\tcomment "${NFT_TAG}"\n}\n`) : ok(),
  );
  assert.equal(await installRules(NFT, again.run), 'replaced nft table inet rope');
});

test('nft: a table of that name that --install did not load is left alone, with one line', async () => {
  const foreign = fake((argv) => (argv[1] === 'list' ? ok('table inet rope {\n}\n') : ok()));
  for (const action of [installRules, removeRules]) {
    await assert.rejects(
      action(NFT, foreign.run),
      (e: unknown) =>
        e instanceof RulesInstallError &&
        /^nft table inet rope exists and was not loaded by rope rules --install: delete it \(nft delete table inet rope\) or choose another --name$/.test(
          e.message,
        ),
    );
  }
  assert.ok(
    foreign.calls.every((c) => c.argv[1] === 'list'),
    'nothing changed',
  );
});

test('nft --remove: deletes our table; none is not an error; a kernel without the queue statement is named', async () => {
  const ours = fake((argv) =>
    argv[1] === 'list' ? ok(`table ip lan {\n\tcomment "${NFT_TAG}"\n}\n`) : ok(),
  );
  const o: RulesOptions = { ...NFT, family: 'ipv4', name: 'lan' };
  assert.equal(await removeRules(o, ours.run), 'removed nft table ip lan');
  assert.deepEqual(ours.calls[1].argv, ['nft', 'delete', 'table', 'ip', 'lan']);
  const none = fake(() => NO_TABLE);
  assert.equal(await removeRules(NFT, none.run), 'nothing to remove: no nft table inet rope');
  const noQueue = fake((argv) =>
    argv[1] === 'list'
      ? NO_TABLE
      : {
          code: 1,
          stdout: '',
          stderr:
            '/dev/stdin:14:3-7: Error: Could not process rule: No such file or directory\n\t\tqueue num 0 bypass\n\t\t^^^^^\n',
        },
  );
  await assert.rejects(
    installRules(NFT, noQueue.run),
    /lacks nft's queue statement \(CONFIG_NFT_QUEUE\): use the iptables format/,
  );
  const missing: RunTool = async () => {
    throw new RulesInstallError('nft is not installed');
  };
  await assert.rejects(installRules(NFT, missing), /^RulesInstallError: nft is not installed$/);
});

const IPT: RulesOptions = {
  ...DEFAULT_RULES,
  format: 'iptables',
  family: 'ipv4',
  marks: [7],
  hooks: 'both',
  enforce: false,
};

test('iptables --install: the plan, tagged, in restore format, after removing an earlier install', async () => {
  const input = iptablesRestoreInput(iptablesPlan(IPT), 'iptables', 'rope');
  const tag = '-m comment --comment p2pwall-rope-rules:rope';
  assert.equal(
    input,
    [
      '*mangle',
      ':rope-restore - [0:0]',
      ':rope-queue - [0:0]',
      ':rope-save - [0:0]',
      `-A rope-restore -m connmark --mark 0x7 ${tag} -j CONNMARK --restore-mark`,
      `-A PREROUTING ${tag} -j rope-restore`,
      `-A OUTPUT ${tag} -j rope-restore`,
      `-A rope-queue -m mark --mark 0x7 ${tag} -j RETURN`,
      `-A rope-queue ${tag} -j NFQUEUE --queue-num 0 --queue-bypass`,
      `-A FORWARD ${tag} -j rope-queue`,
      `-A INPUT ${tag} -j rope-queue`,
      `-A OUTPUT ${tag} -j rope-queue`,
      `-A rope-save -m mark --mark 0x7 ${tag} -j CONNMARK --save-mark`,
      `-A POSTROUTING ${tag} -j rope-save`,
      'COMMIT',
      '*filter',
      ':rope-save-in - [0:0]',
      `-A rope-save-in -m mark --mark 0x7 ${tag} -j CONNMARK --save-mark`,
      `-I INPUT ${tag} -j rope-save-in`,
      'COMMIT',
      '',
    ].join('\n'),
  );
  const { run, calls } = fake(() => ok('*mangle\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n'));
  assert.equal(await installRules(IPT, run), 'installed iptables chains rope-*');
  assert.deepEqual(
    calls.map((c) => c.argv),
    [['iptables-save'], ['iptables-restore', '-w', '--noflush']],
  );
  assert.equal(calls[1].input, input);
});

// what iptables-save shows after an --install of IPT, beside rules of the user's own
const SAVED = `# Generated by iptables-save v1.8.9 (nf_tables)
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:rope-queue - [0:0]
:rope-restore - [0:0]
:rope-save - [0:0]
:mine - [0:0]
-A PREROUTING -m comment --comment "p2pwall-rope-rules:rope" -j rope-restore
-A PREROUTING -j mine
-A FORWARD -m comment --comment "p2pwall-rope-rules:rope" -j rope-queue
-A FORWARD -m comment --comment "p2pwall-rope-rules:lan" -j lan-queue
-A rope-queue -m mark --mark 0x7 -m comment --comment "p2pwall-rope-rules:rope" -j RETURN
-A rope-queue -m comment --comment "p2pwall-rope-rules:rope" -j NFQUEUE --queue-num 0 --queue-bypass
-A rope-restore -m connmark --mark 0x7 -m comment --comment "p2pwall-rope-rules:rope" -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A rope-save -m mark --mark 0x7 -m comment --comment "p2pwall-rope-rules:rope" -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A POSTROUTING -m comment --comment "p2pwall-rope-rules:rope" -j rope-save
-A mine -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:rope-save-in - [0:0]
-A INPUT -m comment --comment "p2pwall-rope-rules:rope" -j rope-save-in
-A INPUT -j ACCEPT
-A rope-save-in -m mark --mark 0x7 -m comment --comment "p2pwall-rope-rules:rope" -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
COMMIT
`;

test('iptables --remove: only the tagged rules of this name and our chains go, in one transaction per family', async () => {
  assert.equal(
    iptablesRemoval(parseIptablesSave(SAVED), 'rope', 'iptables'),
    [
      '*mangle',
      '-D PREROUTING -m comment --comment "p2pwall-rope-rules:rope" -j rope-restore',
      '-D FORWARD -m comment --comment "p2pwall-rope-rules:rope" -j rope-queue',
      '-D POSTROUTING -m comment --comment "p2pwall-rope-rules:rope" -j rope-save',
      '-F rope-restore',
      '-X rope-restore',
      '-F rope-queue',
      '-X rope-queue',
      '-F rope-save',
      '-X rope-save',
      'COMMIT',
      '*filter',
      '-D INPUT -m comment --comment "p2pwall-rope-rules:rope" -j rope-save-in',
      '-F rope-save-in',
      '-X rope-save-in',
      'COMMIT',
      '',
    ].join('\n'),
  );
  assert.equal(iptablesRemoval(parseIptablesSave(SAVED), 'other', 'iptables'), '');
  const both = fake((argv) => (argv[0].endsWith('-save') ? ok(SAVED) : ok()));
  assert.equal(
    await removeRules({ ...IPT, family: 'both' }, both.run),
    'removed iptables and ip6tables chains rope-*',
  );
  assert.deepEqual(
    both.calls.map((c) => c.argv[0]),
    ['iptables-save', 'iptables-restore', 'ip6tables-save', 'ip6tables-restore'],
  );
  const empty = fake(() => ok('*mangle\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n'));
  assert.match(await removeRules(IPT, empty.run), /^nothing to remove: no iptables chains rope-\*/);
  assert.equal(empty.calls.length, 1);
});

test('iptables: chains of our name that hold or are reached by untagged rules are not ours', () => {
  const byHand = SAVED.replace(
    '-A POSTROUTING -m comment --comment "p2pwall-rope-rules:rope" -j rope-save',
    '-A POSTROUTING -j rope-save',
  );
  assert.throws(
    () => iptablesRemoval(parseIptablesSave(byHand), 'rope', 'iptables'),
    /^RulesInstallError: iptables chain rope-save was not loaded by rope rules --install \(it has '-A POSTROUTING -j rope-save'\)/,
  );
  const inside = SAVED.replace('-A mine -j RETURN', '-A rope-queue -j ACCEPT');
  assert.throws(
    () => iptablesRemoval(parseIptablesSave(inside), 'rope', 'iptables'),
    /iptables chain rope-queue was not loaded by rope rules --install \(it has '-A rope-queue -j ACCEPT'\)/,
  );
});

test('enforcement: the ipsets are made before the rules that use them and destroyed after', async () => {
  const o: RulesOptions = { ...IPT, enforce: true, hooks: 'forward' };
  const plan = iptablesPlan(o);
  const input = iptablesRestoreInput(plan, 'iptables', 'rope');
  const tag = '-m comment --comment p2pwall-rope-rules:rope';
  for (const line of [
    ':rope-enforce - [0:0]',
    ':rope-lock - [0:0]',
    `-A rope-enforce -m conntrack --ctstate NEW -m set --match-set rope-blocked4 dst ${tag} -j DROP`,
    `-A rope-enforce -m conntrack --ctstate NEW -m set --match-set rope-learnedp4 dst,dst ${tag} -j DROP`,
    `-A rope-enforce -m set --match-set rope-locked4 src ${tag} -j rope-lock`,
    `-A rope-lock -p udp -m udp --dport 53 ${tag} -j RETURN`,
    `-A rope-lock -p tcp -m conntrack --ctstate NEW ${tag} -j DROP`,
    `-I FORWARD ${tag} -j rope-enforce`,
  ])
    assert.ok(input.includes(line + '\n'), `missing: ${line}\n${input}`);
  const install = fake(() => ok('*mangle\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n'));
  await installRules(o, install.run);
  assert.deepEqual(
    install.calls.map((c) => c.argv.join(' ')),
    ['iptables-save', 'ipset restore -exist', 'iptables-restore -w --noflush'],
  );
  assert.match(
    install.calls[1].input ?? '',
    /^create rope-locked4 hash:ip family inet timeout 0\ncreate rope-blocked4 hash:ip family inet timeout 0\ncreate rope-blockedp4 hash:ip,port family inet timeout 0\n/,
  );
  const saved = `*filter\n:FORWARD ACCEPT [0:0]\n:rope-enforce - [0:0]\n:rope-lock - [0:0]\n-A FORWARD -m comment --comment "p2pwall-rope-rules:rope" -j rope-enforce\n-A rope-lock -p tcp -m conntrack --ctstate NEW -m comment --comment "p2pwall-rope-rules:rope" -j DROP\nCOMMIT\n`;
  const remove = fake((argv) =>
    argv[0] === 'iptables-save'
      ? ok(saved)
      : argv[1] === 'list'
        ? ok('mine\nrope-locked4\nrope-blockedp4\n')
        : ok(),
  );
  assert.equal(await removeRules(o, remove.run), 'removed iptables chains rope-*');
  assert.deepEqual(
    remove.calls.map((c) => c.argv.join(' ')),
    [
      'iptables-save',
      'iptables-restore -w --noflush',
      'ipset list -n',
      'ipset destroy rope-locked4',
      'ipset destroy rope-blockedp4',
    ],
  );
  assert.match(
    remove.calls[1].input ?? '',
    /-F rope-enforce\n-X rope-enforce\n-F rope-lock\n-X rope-lock\n/,
  );
  const nft = nftInstallScript({ ...NFT, enforce: true, lockAllow: [{ proto: 'tcp', port: 443 }] });
  for (const line of [
    '\tset blockedp6 {\n\t\ttype ipv6_addr . inet_service; flags timeout;\n\t}',
    '\t\tct state new ip daddr @learned4 drop',
    '\t\tct state new meta l4proto { tcp, udp } ip6 daddr . th dport @blockedp6 drop',
    '\t\tip saddr @locked4 jump locked',
    '\t\ttcp dport 443 return\n\t\tct state new meta l4proto { tcp, udp } drop',
    '\t\ttype filter hook forward priority filter; policy accept;',
  ])
    assert.ok(nft.includes(line), `missing: ${line}\n${nft}`);
});
