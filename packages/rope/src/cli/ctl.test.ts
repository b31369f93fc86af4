// `rope ctl` against a ControlServer started here, on a socket in a temp directory: through the
// real process (spawned asynchronously — the server answers from this test's event loop) and, for
// the many small cases, through runCli in this process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../../../../test/support/environment.js';
import { MemoryControlTarget } from '../control/memory-target.js';
import { ControlServer } from '../control/server.js';
import { parseFor } from './commands/ctl.js';
import { runCli } from './run-cli.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rope-ctl-'));
const SOCK = join(tmp, 'run', 'rope.sock');
let t0 = 1_700_000_000_000;
const target = new MemoryControlTarget({ now: () => t0 });
let server: ControlServer;
before(async () => {
  server = await ControlServer.listen({ path: SOCK, target });
});
after(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function ropeProcess(args: string[], options: { uid?: number; gid?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', MAIN, ...args],
      { cwd: repoRoot, encoding: 'utf8', ...options },
      (err, stdout, stderr) =>
        resolve({
          status: err ? ((err as { code?: number }).code ?? null) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

async function ctl(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(['ctl', '--control', SOCK, ...args], {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
  });
  return { status, stdout, stderr };
}

test('the real process: lock with --for, list as a table and as JSON, unlock', async () => {
  const lock = await ropeProcess(['ctl', '--control', SOCK, 'lock', '192.0.2.10', '--for', '5m']);
  assert.deepEqual(lock, { status: 0, stdout: 'locked 192.0.2.10 for 5m00s\n', stderr: '' });
  t0 += 61_000;
  const list = await ropeProcess(['ctl', '--control', SOCK, 'list']);
  assert.equal(list.status, 0);
  assert.equal(list.stdout, 'KIND  ADDRESS     LABEL   LEFT\nlock  192.0.2.10  manual  3m59s\n');
  const json = await ropeProcess(['ctl', 'list', '--json', '--control', SOCK]);
  assert.deepEqual(JSON.parse(json.stdout), {
    entries: [
      { kind: 'lock', address: '192.0.2.10', port: null, label: 'manual', secondsLeft: 239 },
    ],
    dnsNames: [],
    passAll: false,
  });
  const unlock = await ropeProcess(['ctl', '--control', SOCK, 'unlock', '192.0.2.10']);
  assert.equal(unlock.status, 0);
  assert.equal(unlock.stdout, 'unlocked 192.0.2.10 (manual, had 3m59s left)\n');
  assert.ok(!target.isLocked('192.0.2.10'));
});

test('the real process: nothing listening, exit 1 with one line', async () => {
  const path = join(tmp, 'none', 'rope.sock');
  const r = await ropeProcess(['ctl', '--control', path, 'stats']);
  assert.deepEqual(r, {
    status: 1,
    stdout: '',
    stderr: `rope ctl: no rope run is listening on ${path} (is it running with --control?)\n`,
  });
});

test(
  'the real process as a user other than root: needs root, exit 1',
  { skip: process.getuid?.() !== 0 ? 'needs root, to run rope ctl as nobody' : false },
  async () => {
    const r = await ropeProcess(['ctl', '--control', SOCK, 'list'], { uid: 65534, gid: 65534 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, `rope ctl: needs root: the control socket ${SOCK} is mode 0600\n`);
  },
);

test('block and unblock, IPv4 and [IPv6]:port; renewals say so', async () => {
  assert.equal((await ctl('block', '198.51.100.7')).stdout, 'blocked 198.51.100.7 until removed\n');
  assert.equal(
    (await ctl('block', '[2001:DB8::7]:6881', '--for', '90')).stdout,
    'blocked [2001:db8::7]:6881 for 1m30s\n',
  );
  assert.equal(
    (await ctl('block', '2001:db8::7', '--for', '1h')).stdout,
    'blocked 2001:db8::7 for 1h00m\n',
  );
  assert.equal(
    (await ctl('block', '[2001:db8::7]:6881', '--for', '2m')).stdout,
    'renewed: blocked [2001:db8::7]:6881 for 2m00s\n',
  );
  const list = await ctl('list');
  assert.equal(
    list.stdout,
    [
      'KIND   ADDRESS             LABEL   LEFT',
      'block  198.51.100.7        manual  until removed',
      'block  2001:db8::7         manual  1h00m',
      'block  [2001:db8::7]:6881  manual  2m00s',
      '',
    ].join('\n'),
  );
  const miss = await ctl('unblock', '198.51.100.7:80');
  assert.deepEqual(miss, {
    status: 1,
    stdout: '',
    stderr: 'rope ctl: 198.51.100.7:80 is not blocked\n',
  });
  for (const a of ['198.51.100.7', '[2001:db8::7]:6881', '2001:db8::7'])
    assert.equal((await ctl('unblock', a)).status, 0, a);
  assert.equal((await ctl('list')).stdout, 'no locked clients, no blocked peers\n');
});

test('ban-dns and pass-all', async () => {
  assert.match(
    (await ctl('ban-dns', 'Tracker.Example.com')).stdout,
    /^banned DNS name tracker\.example\.com/,
  );
  assert.equal(
    (await ctl('ban-dns', 'tracker.example.com')).stdout,
    'tracker.example.com was banned already\n',
  );
  assert.equal(
    (await ctl('pass-all')).stdout,
    "pass-all is off: verdicts are rope run's own again\n",
  );
  assert.match(
    (await ctl('pass-all', 'on')).stdout,
    /^pass-all is now ON: every packet is accepted/,
  );
  assert.ok(target.passAllOn);
  assert.match((await ctl('list')).stdout, /^pass-all is ON/);
  assert.deepEqual(JSON.parse((await ctl('pass-all', 'off', '--json')).stdout), {
    passAll: false,
    changed: true,
  });
  assert.match((await ctl('list')).stdout, /banned DNS names: tracker\.example\.com\n$/);
});

test('stats as text and JSON', async () => {
  const text = await ctl('stats');
  assert.equal(text.status, 0);
  // the target's uptime runs on the test's clock, moved 61 s by the first test
  assert.equal(
    text.stdout,
    'up 1m01s: 0 packets, 0 flows; accepted 0, dropped 0\n0 locked, 0 blocked, 1 banned DNS name; pass-all off\n',
  );
  const json = JSON.parse((await ctl('stats', '--json')).stdout);
  assert.deepEqual(Object.keys(json).sort(), [
    'blocked',
    'dnsNames',
    'labels',
    'locked',
    'passAll',
    'totals',
    'uptime',
  ]);
});

test('usage errors: one line and a hint, exit 2, nothing sent', async () => {
  const cases: [string[], string][] = [
    [[], 'give a command: list, block, unblock, lock, unlock, ban-dns, pass-all, stats'],
    [
      ['frob'],
      "unknown command 'frob' (list, block, unblock, lock, unlock, ban-dns, pass-all, stats)",
    ],
    [['block'], 'block needs ADDR[:PORT]'],
    [['block', '1.2.3'], "block: '1.2.3' is not an IPv4 or IPv6 address"],
    [['block', '192.0.2.1:0'], "block: '192.0.2.1:0' has a bad port: ports are 1-65535"],
    [['lock', '192.0.2.1:80'], "lock: '192.0.2.1:80' has a port: give the address alone"],
    [['lock', '192.0.2.1', 'x'], "lock: unexpected argument 'x'"],
    [['unlock', '192.0.2.1', '--for', '5'], '--for goes with lock and block, not unlock'],
    [
      ['lock', '192.0.2.1', '--for', '5x'],
      "--for: '5x' is not a time from 1s to 10 years (seconds, or a number with s, m, h or d)",
    ],
    [
      ['lock', '192.0.2.1', '--for', '0'],
      "--for: '0' is not a time from 1s to 10 years (seconds, or a number with s, m, h or d)",
    ],
    [['pass-all', 'maybe'], "pass-all: 'maybe' is not on or off"],
    [['ban-dns', 'a..b'], "ban-dns: 'a..b' has an empty label (two dots in a row)"],
    [['list', '--timeout', '0'], "--timeout: '0' is not a number of seconds (0-3600]"],
  ];
  for (const [args, message] of cases) {
    const r = await ctl(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr, `rope ctl: ${message}\nTry 'rope ctl --help' for usage.\n`);
  }
  assert.deepEqual(
    (await ctl('list')).stdout,
    'no locked clients, no blocked peers\nbanned DNS names: tracker.example.com\n',
  );
});

test('--for reads seconds and s, m, h, d', () => {
  assert.deepEqual(['45', '45s', '5m', '2h', '1d'].map(parseFor), [45, 45, 300, 7200, 86400]);
});

test('rope --help lists ctl; rope ctl --help names ftwall’s commands', async () => {
  let out = '';
  await runCli(['--help'], { out: (t) => void (out += t), err: () => {} });
  assert.match(out, /\n {2}ctl +lock or unlock clients/);
  out = '';
  await runCli(['ctl', '--help'], { out: (t) => void (out += t), err: () => {} });
  assert.match(out, /dump-blocks/);
  assert.match(out, /accept-all/);
  assert.match(out, /ban-dns-name/);
});
