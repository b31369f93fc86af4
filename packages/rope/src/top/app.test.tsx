/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import { lineWith as line, screenOf } from '../../../../test/support/ink-screen.js';
import { MemoryControlTarget } from '../control/memory-target.js';
import { TopApp } from './app.js';
import { FakeTopSource } from './testing/fake-source.js';
import { PLAIN_THEME, themeFor, toneProps, type Theme } from '@p2pwall/tui';

const T0 = 1_700_000_000_000;

function mount(o: { columns?: number; rows?: number; theme?: Theme; hosts?: boolean } = {}) {
  let t = T0;
  let up = 100;
  const target = new MemoryControlTarget({
    now: () => t,
    traffic: () => ({
      uptime: (up += 2),
      totals: { packets: up * 500, bytes: 0, flows: up * 5, accepted: up * 500, dropped: 0 },
      labels: [
        { label: 'bittorrent', packets: up * 300, bytes: 0, flows: up * 3 },
        { label: 'gnutella', packets: up * 10, bytes: 0, flows: up },
      ],
      ...(o.hosts === false
        ? {}
        : { hosts: [{ address: '192.0.2.10', p2pFlows: 42, labels: ['bittorrent', 'gnutella'] }] }),
    }),
  });
  const ep = (address: string, port: number | null = null) => ({
    address,
    family: 4 as const,
    port,
  });
  target.lock({ target: ep('192.0.2.10'), seconds: 300, label: 'bittorrent' });
  target.block({ target: ep('198.51.100.7', 6881), seconds: null, label: 'manual' });
  const source = new FakeTopSource(target);
  let exits = 0;
  const ui = render(
    <TopApp
      source={source}
      size={{ columns: o.columns ?? 100, rows: o.rows ?? 20 }}
      theme={o.theme ?? PLAIN_THEME}
      now={() => t}
      ticking={false}
      pollMs={3_600_000}
      onExit={() => exits++}
    />,
  );
  const { frame, until, press } = screenOf(ui);
  return {
    ui,
    source,
    target,
    frame,
    until,
    press,
    advance: (s: number) => (t += s * 1000),
    exits: () => exits,
  };
}

afterEach(() => cleanup());

test('draws the rates per label, the hosts, the entries with their countdown, the keys', async () => {
  const m = mount({ columns: 110 });
  // the first poll has no rates; a command makes a second poll
  await m.until((f) => f.includes('192.0.2.10'), 'the first poll');
  assert.match(m.frame(), /measuring\.\.\./);
  assert.match(line(m.frame(), 'bittorrent  '), /^bittorrent +- +- +306 +30\.6k$/);
  await m.press('b', '203.0.113.9', '\r');
  // the answer first, then the poll it causes
  const f = await m.until(
    (f) => f.includes('blocked 203.0.113.9 until') && f.includes('blocked  203.0.113.9 '),
    'the new block in the table',
  );
  assert.equal(
    f,
    [
      'rope top | up 1m44s | 500 pkt/s 5.0 flow/s | 1 locked 2 blocked | pass-all off | /run/p2pwall/rope.sock',
      'LABEL       PKT/S  FLOW/S  FLOWS  PACKETS',
      'bittorrent    300     3.0    312    31.2k',
      'gnutella     10.0     1.0    104     1.0k',
      'INSIDE HOST  P2P FLOWS  LABELS',
      '192.0.2.10          42  bittorrent,gnutella',
      '  KIND     ADDRESS            LABEL       LEFT',
      '> locked   192.0.2.10         bittorrent  5m00s',
      '  blocked  198.51.100.7:6881  manual      until removed',
      '  blocked  203.0.113.9        manual      until removed',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      'blocked 203.0.113.9 until removed',
      'j/k move  u unlock/unblock  b block  p pass-all  ? help  q quit',
    ].join('\n'),
  );
  // the countdown moves with the clock between polls
  m.advance(61);
  await m.press('x');
  await m.until((f) => line(f, 'locked   192.0.2.10').includes('3m59s'), 'the countdown');
});

test('u on a locked client unlocks it; the row goes after the next poll', async () => {
  const m = mount();
  await m.until((f) => f.includes('> locked   192.0.2.10'), 'the cursor on the lock');
  await m.press('u');
  await m.until((f) => f.includes('unlocked 192.0.2.10'), 'the answer');
  assert.deepEqual(m.source.commands, [{ op: 'unlock', address: '192.0.2.10' }]);
  const f = await m.until((f) => !f.includes('locked   192.0.2.10'), 'the lock gone');
  assert.ok(!m.target.isLocked('192.0.2.10'));
  assert.match(f, /0 locked/);
});

test('p asks, y turns pass-all on, the title says so; p again turns it off', async () => {
  const m = mount();
  await m.until((f) => f.includes('pass-all off'), 'the title');
  await m.press('p');
  await m.until((f) => f.includes('Turn pass-all on?'), 'the question');
  await m.press('y');
  await m.until((f) => f.includes('PASS-ALL ON'), 'pass-all on');
  assert.ok(m.target.passAllOn);
  await m.press('p');
  await m.until(
    (f) => f.includes('pass-all is off') && f.includes('| pass-all off |'),
    'pass-all off again',
  );
  assert.ok(!m.target.passAllOn);
});

test('rope run gone: the title says since when, the error shows, and it keeps polling', async () => {
  const m = mount();
  await m.until((f) => f.includes('192.0.2.10'), 'the first poll');
  m.source.down = {
    code: 'no-server',
    message: 'no rope run is listening on /x (is it running with --control?)',
  };
  await m.press('u'); // the command fails, and the poll after it
  let f = await m.until((f) => f.includes('rope run gone'), 'the outage');
  assert.match(f, /rope run gone 0s ago, retrying every second/);
  assert.match(f, /^no rope run is listening on \/x \(is it running with --control\?\)$/m);
  assert.match(f, /> locked   192\.0\.2\.10/, 'the last data stays');
  m.advance(12);
  await m.press('x'); // any key moves the view's clock
  await m.until((f) => f.includes('gone 12s ago'), 'the time since');
  m.source.down = null;
  await m.press('u');
  f = await m.until((f) => f.includes('unlocked 192.0.2.10') && f.includes('0 locked'), 'back');
  assert.match(f, /pass-all off/);
});

test('without host counts, the hosts section says so', async () => {
  const m = mount({ hosts: false });
  await m.until((f) => f.includes('this rope run does not count hosts'), 'the hosts line');
});

test('? shows the help; q quits', async () => {
  const m = mount();
  await m.until((f) => f.includes('192.0.2.10'), 'the first poll');
  await m.press('?');
  const f = await m.until((f) => f.includes('any key back'), 'the help');
  assert.match(f, /^u +unlock the client \/ unblock the peer under the cursor$/m);
  await m.press('x', 'q');
  await m.until(() => m.exits() === 1, 'the exit');
});

test('a terminal below 60x10 gets one line', async () => {
  const m = mount({ columns: 59, rows: 20 });
  assert.equal(
    await m.until((f) => f.startsWith('terminal'), 'the message'),
    'terminal too small: need 60x10, have 59x20 (q quits)',
  );
  const n = mount({ columns: 80, rows: 9 });
  await n.until((f) => f.includes('have 80x9'), 'the message');
});

test('NO_COLOR and TERM=dumb turn colour off; colour otherwise', () => {
  assert.equal(themeFor({ NO_COLOR: '1' }).color, false);
  assert.equal(themeFor({ TERM: 'dumb' }).color, false);
  assert.equal(themeFor({ NO_COLOR: '' }).color, true);
  assert.equal(themeFor({ LANG: 'C.UTF-8' }).glyphs.dot, '·');
  assert.deepEqual(toneProps(themeFor({ NO_COLOR: 'x' }), 'bad'), {});
  assert.deepEqual(toneProps(themeFor({}), 'bad'), { color: 'red' });
});
