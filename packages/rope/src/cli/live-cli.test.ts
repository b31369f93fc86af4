// `rope run` and `rope rules` argument handling, in-process (no kernel): the script-group
// grammar, the one-line usage errors, and the rules text. The rules are loaded into a real
// kernel by test/rope-run (as root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { firewallRules, DEFAULT_RULES } from '../live/rules.js';
import { parseQueueRange, scriptGroups } from './live-options.js';
import { rope } from './testing.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-live-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const A = join(tmp, 'a.rope');
const B = join(tmp, 'b.rope');
writeFileSync(A, '"A" expect_str yes\n');
writeFileSync(B, 'yes\n');
const BROKEN = join(tmp, 'broken.rope');
writeFileSync(BROKEN, '"unterminated\n');

const tok = (name: string, value?: string) => ({ kind: 'option', name, value });

test('rope run grammar: each --script starts a group; pushes and --on-match belong to the script before them', () => {
  const groups = scriptGroups(
    [
      tok('script', A),
      tok('push-int', '100'),
      tok('push-str', 'x'),
      tok('on-match', 'drop'),
      tok('log'),
      tok('script', B),
      tok('on-match', 'mark:0x10'),
      tok('script', A),
    ],
    { kind: 'accept' },
  );
  assert.deepEqual(
    groups.map((g) => [g.path, g.pushes, g.action]),
    [
      [A, [100, 'x'], { kind: 'drop' }],
      [B, [], { kind: 'mark', mark: 16 }],
      [A, [], { kind: 'accept' }],
    ],
  );
  assert.throws(
    () => scriptGroups([tok('push-int', '1'), tok('script', A)], { kind: 'accept' }),
    /--push-int before the first --script/,
  );
  assert.throws(
    () => scriptGroups([tok('on-match', 'drop')], { kind: 'accept' }),
    /--on-match before the first --script/,
  );
  assert.throws(
    () =>
      scriptGroups([tok('script', A), tok('on-match', 'drop'), tok('on-match', 'accept')], {
        kind: 'accept',
      }),
    /two --on-match for --script/,
  );
  assert.throws(
    () => scriptGroups([tok('script', A), tok('on-match', 'mark:0')], { kind: 'accept' }),
    /not accept, drop, cut, mark:V \(V a non-zero mark\), lock:SECONDS or block-peer:SECONDS/,
  );
  assert.throws(
    () => scriptGroups([tok('script', 'no-such-builtin')], { kind: 'accept' }),
    /--script no-such-builtin: no built-in script of that name \(bittorrent, gnutella, http-large, edonkey, fasttrack, directconnect, applejuice, soulseek, winmx, ares; sets: p2p\) and no such file/,
  );
});

test('rope run grammar: --script p2p stands for every P2P script, each with the pushes and action given', () => {
  const groups = scriptGroups([tok('script', 'p2p'), tok('on-match', 'mark:7'), tok('script', B)], {
    kind: 'accept',
  });
  assert.deepEqual(
    groups.map((g) => [g.arg, g.action]),
    [
      ...[
        'bittorrent',
        'gnutella',
        'edonkey',
        'fasttrack',
        'directconnect',
        'applejuice',
        'soulseek',
        'winmx',
        'ares',
      ].map((name) => [name, { kind: 'mark', mark: 7 }]),
      [B, { kind: 'accept' }],
    ],
  );
  for (const g of groups.slice(0, -1))
    assert.match(g.path, new RegExp(`/builtins/${g.arg}\\.rope$`));
});

test('rope run: usage errors are one line with a hint, exit 2; scripts that do not compile exit 1', async () => {
  const cases: [string[], RegExp][] = [
    [['run', '--script', A], /give the queue to bind/],
    [['run', '--queue', '0'], /no script given/],
    [
      ['run', '--queue', '0', '--queue-balance', '1:2', '--script', A],
      /choose one of --queue and --queue-balance/,
    ],
    [['run', '--queue-balance', '3', '--script', A], /--queue-balance needs a range A:B/],
    [['run', '--queue', '70000', '--script', A], /queue numbers go up to 65535/],
    [['run', '--queue', '5:2', '--script', A], /ends before it starts/],
    [
      ['run', '--queue', '0', '--script', A, '--default', 'reject'],
      /--default: 'reject' is not accept or drop/,
    ],
    [
      ['run', '--queue', '0', '--script', A, '--window', '0'],
      /--window: '0' is not a whole number/,
    ],
    [['run', '--queue', '0', '--script', A, '--stats-interval', 'soon'], /--stats-interval/],
    [['run', '--queue', '0', '--script', A, '--done-mark', '0'], /--done-mark 0 is "no mark"/],
    [['run', '--queue', '0', A], /unexpected argument .*scripts are given with --script/],
  ];
  for (const [args, pattern] of cases) {
    const r = await rope(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, pattern);
    assert.match(r.stderr, /Try 'rope run --help'/);
  }
  const broken = await rope('run', '--queue', '0', '--script', BROKEN);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /broken\.rope:1:1: error: /);
});

test('queue ranges', () => {
  assert.deepEqual(parseQueueRange('7', '--queue'), [7, 7]);
  assert.deepEqual(parseQueueRange('2:5', '--queue'), [2, 5]);
  assert.deepEqual(parseQueueRange('2-5', '--queue'), [2, 5]);
  assert.throws(() => parseQueueRange('a', '--queue'), /not a queue number/);
});

test('rope rules: nft and iptables texts follow the CONNMARK pattern', async () => {
  const nft = await rope('rules', '--mark', '7', '--mark', '0x9');
  assert.equal(nft.status, 0);
  for (const line of [
    'table inet rope {',
    'ct mark { 0x7, 0x9 } meta mark set ct mark',
    'meta mark { 0x7, 0x9 } accept',
    'queue num 0 bypass',
    'meta mark { 0x7, 0x9 } ct mark set meta mark',
    '# to remove them: nft delete table inet rope',
  ]) {
    assert.ok(nft.stdout.includes(line), `missing: ${line}\n${nft.stdout}`);
  }
  const ipt = await rope(
    'rules',
    '--iptables',
    '--queue-balance',
    '2:5',
    '--family',
    'ipv4',
    '--no-bypass',
  );
  assert.equal(ipt.status, 0);
  assert.match(ipt.stdout, /^iptables -w -t mangle -A rope-queue -j NFQUEUE --queue-balance 2:5$/m);
  assert.doesNotMatch(ipt.stdout, /ip6tables|--queue-bypass|cpu-fanout/);
  assert.match(
    ipt.stdout,
    /^iptables -w -t mangle -A rope-restore -m connmark ! --mark 0 -j CONNMARK --restore-mark$/m,
  );
  const local = firewallRules({ ...DEFAULT_RULES, hooks: 'local' });
  assert.match(local, /hook input priority mangle;/);
  assert.match(local, /type route hook output priority mangle;/);
  assert.doesNotMatch(local, /hook forward/);
  for (const [args, pattern] of [
    [['rules', '--nft', '--iptables'], /choose one of --nft and --iptables/],
    [['rules', '--queue', '1:2'], /use --queue-balance A:B for a range/],
    [['rules', '--hooks', 'prerouting'], /--hooks: 'prerouting' is not forward, local or both/],
    [['rules', '--mark', '0'], /--mark 0 is "no mark"/],
    [['rules', '--name', 'has space'], /--name/],
  ] as [string[], RegExp][]) {
    const r = await rope(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, pattern);
  }
});
