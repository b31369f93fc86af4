// The configuration file of rope run and rope rules (run-config.ts), and `rope run --check`,
// in-process: the file becomes the same arguments as the flags, errors are one line naming the
// key, and the shipped example passes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRunConfig } from './run-config.js';
import { rope } from './testing.js';
import { CliError } from './command.js';
import { builtinScriptPath } from '../builtins/builtin-scripts.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-run-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
writeFileSync(join(tmp, 'mine.rope'), '"A" expect_str yes\n');
writeFileSync(join(tmp, 'broken.rope'), '"unterminated\n');
const EXAMPLE = fileURLToPath(new URL('../../systemd/rope-run.json', import.meta.url));

function file(name: string, config: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return path;
}

test('config: every key becomes the option of the same name; groups keep their order', () => {
  const args = parseRunConfig(
    JSON.stringify({
      'queue-balance': '2:3',
      groups: [
        { script: 'bittorrent', 'on-match': 'drop' },
        { script: 'mine.rope', push: [{ int: 5000000 }, { str: 'x' }, { ip: '192.0.2.1' }] },
        { script: 'http-large', 'on-match': 'mark:0x10' },
      ],
      default: 'drop',
      window: 12,
      'done-mark': 9,
      'fail-open': true,
      'queue-maxlen': 1000,
      'copy-range': 1500,
      'max-flows': 5000,
      'stats-interval': 0.5,
      'stats-json': true,
      log: false,
      metrics: '[::1]:9469',
      share: 'redis://192.0.2.10:6379/1',
      rules: { format: 'iptables', hooks: 'both', family: 'ipv4', bypass: false, name: 'lan' },
    }),
    join(tmp, 'x.json'),
  );
  assert.deepEqual(args.run, [
    '--queue-balance',
    '2:3',
    '--script',
    builtinScriptPath('bittorrent'),
    '--on-match',
    'drop',
    '--script',
    join(tmp, 'mine.rope'),
    '--push-int',
    '5000000',
    '--push-str',
    'x',
    '--push-ip',
    '192.0.2.1',
    '--script',
    builtinScriptPath('http-large'),
    '--on-match',
    'mark:0x10',
    '--default',
    'drop',
    '--window',
    '12',
    '--done-mark',
    '9',
    '--fail-open',
    '--queue-maxlen',
    '1000',
    '--copy-range',
    '1500',
    '--max-flows',
    '5000',
    '--stats-interval',
    '0.5',
    '--stats-json',
    '--metrics',
    '[::1]:9469',
    '--share',
    'redis://192.0.2.10:6379/1',
  ]);
  // rope rules: the queues, the marks rope sets, and the "rules" object
  assert.deepEqual(args.rules, [
    '--queue-balance',
    '2:3',
    '--mark',
    '0x10',
    '--mark',
    '0x9',
    '--iptables',
    '--hooks',
    'both',
    '--family',
    'ipv4',
    '--no-bypass',
    '--name',
    'lan',
  ]);
  // one thread on several queues: the rules balance over them
  assert.deepEqual(
    parseRunConfig('{"queue": "4:5", "groups": [{"script": "gnutella"}]}', 'y.json').rules,
    ['--queue-balance', '4:5'],
  );
});

test('config: a mistake is one line naming the file and the key', () => {
  const cases: [unknown, RegExp][] = [
    ['{"queue": 0,', /^f\.json: not valid JSON: /],
    ['[1]', /^f\.json: expected a JSON object/],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], windw: 3 },
      /^f\.json: unknown key 'windw' \(the keys are queue, queue-balance, groups/,
    ],
    [{ groups: [{ script: 'gnutella' }] }, /^f\.json: queue: missing/],
    [{ queue: 0 }, /^f\.json: groups: missing/],
    [
      { queue: 0, 'queue-balance': '0:1', groups: [{ script: 'gnutella' }] },
      /give one of queue and queue-balance/,
    ],
    [
      { queue: 70000, groups: [{ script: 'gnutella' }] },
      /^f\.json: queue: queue numbers go up to 65535/,
    ],
    [
      { 'queue-balance': 3, groups: [{ script: 'gnutella' }] },
      /^f\.json: queue-balance: needs a range A:B/,
    ],
    [{ queue: 0, groups: [] }, /^f\.json: groups: expected a list of script groups/],
    [
      { queue: 0, groups: [{ script: 'nope' }] },
      /^f\.json: groups\[0\]\.script: nope: no built-in script of that name/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella', action: 'drop' }] },
      /^f\.json: groups\[0\]: unknown key 'action'/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella', 'on-match': 'reject' }] },
      /^f\.json: groups\[0\]\.on-match: expected "accept", "drop", "cut", "mark:V" \(V a non-zero mark\), "lock:SECONDS" or "block-peer:SECONDS"/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella', push: [{ float: 1 }] }] },
      /^f\.json: groups\[0\]\.push\[0\]: expected one of \{"int": N\}/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella', push: [{ ip: '300.1.1.1' }] }] },
      /^f\.json: groups\[0\]\.push\[0\]: /,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], window: 'ten' },
      /^f\.json: window: expected a whole number \(1\.\.1000000\), got ten$/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], window: 0 },
      /^f\.json: window: '0' is not a whole number in 1\.\.1000000$/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], 'done-mark': 0 },
      /^f\.json: done-mark: 0 is "no mark"/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], 'fail-open': 'yes' },
      /^f\.json: fail-open: expected true or false, got yes$/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], 'stats-interval': -1 },
      /^f\.json: stats-interval: /,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], metrics: '9469' },
      /^f\.json: metrics: '9469' is not HOST:PORT/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], share: '192.0.2.10:6379' },
      /^f\.json: share: not a Redis address in "192\.0\.2\.10:6379"; expected redis:\/\/HOST:PORT\[\/DB\] or unix:PATH\[\?db=DB\]$/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], share: 6379 },
      /^f\.json: share: expected a string "redis:\/\/HOST:PORT\[\/DB\]" or "unix:PATH\[\?db=DB\]", got 6379$/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], rules: { format: 'pf' } },
      /^f\.json: rules\.format: expected "nft" or "iptables", got pf$/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], rules: { table: 'x' } },
      /^f\.json: rules\.table: unknown key/,
    ],
    [
      { queue: 0, groups: [{ script: 'gnutella' }], rules: { name: 'has space' } },
      /^f\.json: rules\.name: expected a name/,
    ],
  ];
  for (const [config, pattern] of cases) {
    const source = typeof config === 'string' ? config : JSON.stringify(config);
    assert.throws(
      () => parseRunConfig(source, 'f.json'),
      (e: unknown) => {
        assert.ok(e instanceof CliError, String(e));
        assert.match(e.message, pattern, source);
        assert.equal(e.message.split('\n').length, 1, e.message);
        return true;
      },
    );
  }
});

test('rope run --config FILE --check: ok and exit 0; the file, then the command line', async () => {
  const good = file('good.json', {
    queue: 0,
    groups: [{ script: 'mine.rope', 'on-match': 'mark:7' }, { script: 'gnutella' }],
    window: 5,
  });
  assert.deepEqual(await rope('run', '--config', good, '--check'), {
    status: 0,
    stdout: 'ok\n',
    stderr: '',
  });
  // a value on the command line wins over the file's and is checked as a flag
  const flag = await rope('run', '--config', good, '--check', '--window', '0');
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /^rope run: --window: '0' is not a whole number/);
  // the shipped example passes
  assert.deepEqual(await rope('run', '--config', EXAMPLE, '--check'), {
    status: 0,
    stdout: 'ok\n',
    stderr: '',
  });
  // --check without a file checks the flags
  assert.equal(
    (await rope('run', '--queue', '0', '--script', 'gnutella', '--check')).stdout,
    'ok\n',
  );
});

test('rope run --config: a wrong file is one line naming the key, exit 1; a broken script, diagnostics', async () => {
  const bad = file('bad.json', { queue: 0, groups: [{ script: 'gnutella' }], 'max-flows': 0 });
  const r = await rope('run', '--config', bad, '--check');
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `rope run: ${bad}: max-flows: '0' is not a whole number in 1..16777216\n`);
  const missing = await rope('run', '--config', join(tmp, 'none.json'), '--check');
  assert.equal(missing.status, 1);
  assert.equal(
    missing.stderr,
    `rope run: cannot read the configuration ${join(tmp, 'none.json')}: no such file\n`,
  );
  const broken = file('broken.json', { queue: 0, groups: [{ script: 'broken.rope' }] });
  const b = await rope('run', '--config', broken, '--check');
  assert.equal(b.status, 1);
  assert.match(b.stderr, /broken\.rope:1:1: error: /);
});

test('rope rules --config: the queues, marks and rules options of the file; the command line wins', async () => {
  const config = file('rules.json', {
    'queue-balance': '1:2',
    groups: [{ script: 'gnutella', 'on-match': 'mark:7' }],
    rules: { format: 'iptables', family: 'ipv4', name: 'lan' },
  });
  const r = await rope('rules', '--config', config);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^iptables -w -t mangle -A lan-queue -m mark --mark 0x7 -j RETURN$/m);
  assert.match(
    r.stdout,
    /^iptables -w -t mangle -A lan-queue -j NFQUEUE --queue-balance 1:2 --queue-bypass$/m,
  );
  assert.doesNotMatch(r.stdout, /ip6tables/);
  const nft = await rope('rules', '--config', config, '--nft', '--queue', '5');
  assert.equal(nft.status, 0, nft.stderr);
  assert.match(nft.stdout, /^table ip lan \{$/m);
  assert.match(nft.stdout, /queue num 5 bypass/);
  const both = await rope('rules', '--install', '--remove');
  assert.equal(both.status, 2);
  assert.match(both.stderr, /choose one of --install and --remove/);
});

test('rope run --share: checked by --check, with one thread or several', async () => {
  const shared = file('shared.json', {
    queue: 0,
    groups: [{ script: 'gnutella' }],
    share: 'unix:/run/redis/redis.sock?db=2',
  });
  assert.deepEqual(await rope('run', '--config', shared, '--check'), {
    status: 0,
    stdout: 'ok\n',
    stderr: '',
  });
  const bad = await rope(
    'run',
    '--queue',
    '0',
    '--script',
    'gnutella',
    '--share',
    'redis://x',
    '--check',
  );
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--share: not a Redis address in "redis:\/\/x"/);
  const balanced = await rope(
    'run',
    '--queue-balance',
    '0:1',
    '--script',
    'gnutella',
    '--share',
    'redis://192.0.2.10:6379',
    '--check',
  );
  assert.deepEqual(balanced, { status: 0, stdout: 'ok\n', stderr: '' });
});

test('config: the enforcement keys — inside, state beside the file, flush-on-stop, control, lock:S; rules.lock-allow', () => {
  const r = parseRunConfig(
    JSON.stringify({
      queue: 0,
      groups: [{ script: 'gnutella', 'on-match': 'lock:20' }],
      inside: ['192.0.2.0/24', '2001:db8::/32'],
      state: 'state.json',
      'flush-on-stop': true,
      control: true,
      rules: { 'lock-allow': 'tcp:80,tcp:443', enforce: true },
    }),
    '/etc/p2pwall/rope-run.json',
  );
  assert.deepEqual(r.run.slice(4), [
    '--on-match',
    'lock:20',
    '--inside',
    '192.0.2.0/24,2001:db8::/32',
    '--state',
    '/etc/p2pwall/state.json',
    '--flush-on-stop',
    '--control',
  ]);
  assert.deepEqual(r.rules.slice(-2), ['--lock-allow', 'tcp:80,tcp:443']);
  for (const [config, message] of [
    [{ inside: '192.0.2.0/33' }, /inside: expected a string "CIDR/],
    [{ control: 5 }, /control: expected true \(the default socket path\) or a socket path/],
    [
      { rules: { 'lock-allow': 'icmp:1' } },
      /rules.lock-allow: expected a string like "udp:53,tcp:53"/,
    ],
  ] as const)
    assert.throws(
      () =>
        parseRunConfig(
          JSON.stringify({ queue: 0, groups: [{ script: 'gnutella' }], ...config }),
          'f.json',
        ),
      message,
    );
});
