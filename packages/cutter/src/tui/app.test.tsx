/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { toneProps } from '@p2pwall/tui';
import { cleanup, render } from 'ink-testing-library';
import { sample } from '../../../../test/cutter-tui/connections.js';
import { lineWith as line, screenOf } from '../../../../test/support/ink-screen.js';
import type { Connection } from '../find/connection.js';
import type { CutResult } from '../cut/result.js';
import { CutterApp, type TuiOutcome } from './app.js';
import { ManualConnections } from './manual-source.js';
import type { ConnectionCutter, CutHooks } from './ports.js';
import { PLAIN_THEME, themeFor } from './theme.js';

const T0 = 1_700_000_000_000;
const a = sample('192.0.2.10', 40001, '198.51.100.10', 80, { id: 1, timeout: 431999 });
const b = sample('192.0.2.10', 40002, '198.51.100.10', 443, {
  id: 2,
  timeout: 431999,
  snat: ['198.51.100.1', 61002],
});
const c = sample('192.0.2.10', 40003, '198.51.100.11', 22, { id: 3, timeout: 431999 });

interface Call {
  connections: Connection[];
  hooks: CutHooks;
  resolve(r: CutResult[]): void;
  reject(e: Error): void;
}

/** A cutter the test answers for: it records each cut and settles it when told. */
class FakeCutter implements ConnectionCutter {
  calls: Call[] = [];
  cut(connections: Connection[], hooks: CutHooks): Promise<CutResult[]> {
    return new Promise((resolve, reject) =>
      this.calls.push({ connections, hooks, resolve, reject }),
    );
  }
}

function mount(
  options: {
    list?: Connection[];
    columns?: number;
    rows?: number;
    theme?: typeof PLAIN_THEME;
  } = {},
) {
  const source = new ManualConnections(options.list ?? [a, b, c]);
  const cutter = new FakeCutter();
  const exits: TuiOutcome[] = [];
  const size = { columns: options.columns ?? 100, rows: options.rows ?? 14 };
  const ui = render(
    <CutterApp
      source={source}
      cutter={cutter}
      scope="192.0.2.10, IPv4"
      size={size}
      theme={options.theme ?? PLAIN_THEME}
      now={() => T0}
      ticking={false}
      onExit={(o) => exits.push(o)}
    />,
  );
  const { frame, until, press } = screenOf(ui);
  return { ui, source, cutter, exits, frame, until, press, size };
}

const ESC = '\x1b';
const CTRL_C = '\x03';

afterEach(() => cleanup());

test('shows the connections, the counts and the keys', async () => {
  const t = mount();
  const f = await t.until((f) => f.includes('192.0.2.10:40003'), 'the rows');
  assert.match(f, /^cutter \| 192\.0\.2\.10, IPv4$/m);
  assert.match(
    f,
    /^ {3}PROTO STATE +INITIATOR +RESPONDER +NAT +AGE RESULT$/m,
    'TIMEOUT does not fit 100 columns next to NAT',
  );
  assert.match(
    line(f, ':40001 '),
    /^> {2}tcp +ESTABLISHED 192\.0\.2\.10:40001 +198\.51\.100\.10:80 /,
  );
  assert.match(line(f, ':40002 '), /SNAT 198\.51\.100\.1:61002/);
  assert.match(f, /3 shown \/ 3 total \| 0 selected \| 0 cut \| 0 failed/);
  assert.match(
    f,
    /^j\/k move {2}space select {2}a all {2}\/ filter {2}c cut {2}r refresh {2}\? help {2}q quit$/m,
  );
  assert.match(
    f,
    /tcp ESTABLISHED 192\.0\.2\.10:40001 -> 198\.51\.100\.10:80 \| id 1/,
    'the detail line of the cursor row',
  );
});

test('moves, selects with space, asks before cutting, and cuts only after y', async () => {
  const t = mount();
  await t.until((f) => f.includes(':40003'), 'the rows');
  await t.press('j', ' ');
  let f = await t.until((f) => line(f, ':40002 ').startsWith('>*'), 'the second row selected');
  assert.match(f, /1 selected/);
  await t.press('c');
  f = await t.until((f) => f.includes('[y/N]'), 'the question');
  assert.match(
    f,
    /Cut tcp ESTABLISHED 192\.0\.2\.10:40002 -> 198\.51\.100\.10:443 \(SNAT as 198\.51\.100\.1:61002\)\? \[y\/N\]/,
  );
  await t.press('n');
  await t.until((f) => f.includes('nothing cut'), 'the cancellation');
  assert.equal(t.cutter.calls.length, 0, 'n cancels: nothing was cut');

  await t.press('c');
  await t.until((f) => f.includes('[y/N]'), 'the question again');
  await t.press('y');
  f = await t.until((f) => /cutting 0\/1/.test(f), 'the progress');
  assert.match(line(f, ':40002 '), / cutting$/);
  await t.until(() => t.cutter.calls.length === 1, 'the cut started');
  assert.deepEqual(
    t.cutter.calls[0].connections.map((x) => x.key),
    [b.key],
  );

  const result: CutResult = {
    connection: b,
    result: 'cut',
    reason: '',
    method: 'rst',
    ms: 2.3,
    conntrackDeleted: true,
  };
  t.cutter.calls[0].hooks.onResult(result);
  f = await t.until((f) => /cut in 2\.30 ms/.test(line(f, ':40002 ')), 'the result on the row');
  assert.match(line(f, ':40002 '), / gone /);
  t.cutter.calls[0].resolve([result]);
  f = await t.until((f) => /1 cut, 0 failed, 0 skipped in \d+ ms/.test(f), 'the summary');
  assert.match(f, /2 shown \/ 2 total \| 0 selected \| 1 cut \| 0 failed/);
});

test('a failed cut says why, on its row and at length on the detail line', async () => {
  const t = mount();
  await t.until((f) => f.includes(':40003'), 'the rows');
  await t.press('G', 'c');
  await t.until((f) => f.includes('[y/N]'), 'the question');
  await t.press('y');
  await t.until(() => t.cutter.calls.length === 1, 'the cut');
  const reason =
    'the responder never answered a probe (it may drop invalid packets): gave up after 5000 ms';
  t.cutter.calls[0].hooks.onResult({ connection: c, result: 'failed', reason, ms: 5000 });
  t.cutter.calls[0].resolve([]);
  const f = await t.until((f) => f.includes('0 cut, 1 failed'), 'the summary');
  assert.match(line(f, ':40003 '), /FAILED: the res~$/, 'cut short to fit');
  assert.ok(f.includes(`| failed: ${reason.slice(0, 25)}`), 'the detail line has the reason');
  assert.match(f, /0 cut \| 1 failed/);
});

test('rows appear, change state and go away as the source reports them', async () => {
  const t = mount();
  await t.until((f) => f.includes(':40003'), 'the rows');
  const d = sample('192.0.2.10', 39999, '198.51.100.10', 80, { id: 4, state: 1, timeout: 120 });
  t.source.event('new', d);
  let f = await t.until((f) => f.includes(':39999'), 'the new row');
  assert.match(line(f, ':39999 '), /SYN_SENT .* 0s/, 'it sorts by port and knows its exact age');
  t.source.event(
    'update',
    sample('192.0.2.10', 39999, '198.51.100.10', 80, { id: 4, state: 3, timeout: 431999 }),
  );
  await t.until((f) => /ESTABLISHED/.test(line(f, ':39999 ')), 'the state change');
  t.source.event('destroy', d);
  f = await t.until((f) => !f.includes(':39999'), 'the row gone');
  assert.match(f, /3 shown \/ 3 total/);
  t.source.error(new Error('netlink: ENOBUFS'));
  await t.until((f) => f.includes('conntrack: netlink: ENOBUFS'), 'the error');
});

test('/ narrows the table as you type; Enter keeps the filter, Esc puts the old one back', async () => {
  const t = mount();
  await t.until((f) => f.includes(':40003'), 'the rows');
  await t.press('/', '4', '4', '3');
  let f = await t.until((f) => f.includes('/443_'), 'the prompt');
  assert.match(f, /\/443_ {2}1 match$/m);
  assert.ok(!f.includes(':40001') && f.includes(':40002'));
  await t.press('\r');
  f = await t.until((f) => f.includes('filter: 443, 1 connection shown'), 'the kept filter');
  assert.match(f, /^cutter \| 192\.0\.2\.10, IPv4 \| filter: 443$/m);
  assert.match(f, /1 shown \/ 3 total/);
  await t.press('/', '\x15', 'x');
  f = await t.until((f) => f.includes('"x" is not an address'), 'the mistake');
  await t.press(ESC);
  f = await t.until((f) => !f.includes('/x_'), 'the prompt closed');
  assert.match(f, /1 shown \/ 3 total/, 'the filter from before is back');
});

test('the body scrolls with the cursor and the view fits the terminal', async () => {
  const many = Array.from({ length: 30 }, (_, i) =>
    sample('192.0.2.10', 41000 + i, '198.51.100.10', 80, { id: 100 + i, timeout: 300 }),
  );
  for (const [columns, rows] of [
    [60, 10],
    [80, 14],
    [100, 24],
  ]) {
    const t = mount({ list: many, columns, rows });
    let f = await t.until((f) => f.includes(':41000'), 'the first row');
    await t.press('G');
    f = await t.until((f) => line(f, ':41029').startsWith('>'), 'the last row under the cursor');
    assert.ok(!f.includes(':41000'), 'the first row scrolled away');
    const lines = f.split('\n');
    assert.equal(lines.length, rows - 1, 'one line less than the terminal (no full-screen redraw)');
    for (const l of lines) assert.ok(l.length <= columns, `${l.length} > ${columns}: ${l}`);
    t.ui.unmount();
  }
});

test('q, Esc and Ctrl-C quit with the session outcome', async () => {
  for (const k of ['q', ESC, CTRL_C]) {
    const t = mount();
    await t.until((f) => f.includes(':40003'), 'the rows');
    await t.press(k);
    await t.until(() => t.exits.length === 1, 'the exit');
    assert.deepEqual(t.exits[0], { results: [] });
    t.ui.unmount();
  }
});

test('quitting while a cut runs interrupts it and exits only after it cleaned up', async () => {
  const t = mount();
  await t.until((f) => f.includes(':40003'), 'the rows');
  await t.press('a', 'c');
  await t.until((f) => f.includes('Cut 3 selected connections? [y/N]'), 'the question');
  await t.press('y');
  await t.until(() => t.cutter.calls.length === 1, 'the cut');
  const call = t.cutter.calls[0];
  const done: CutResult = { connection: a, result: 'cut', reason: '', ms: 1.5 };
  call.hooks.onResult(done);
  await t.press('q');
  await t.until((f) => f.includes('stopping: interrupting the cut'), 'the stopping message');
  await t.until(() => call.hooks.signal.aborted, 'the cut told to stop');
  assert.equal(t.exits.length, 0, 'the view waits for the cut to remove its rules');
  call.resolve([done]);
  await t.until(() => t.exits.length === 1, 'the exit');
  assert.deepEqual(t.exits[0].results, [done]);
});

test('r re-reads the table; ? shows the keys until any key', async () => {
  const t = mount({ rows: 24 });
  await t.until((f) => f.includes(':40003'), 'the rows');
  await t.press('r');
  await t.until((f) => f.includes('re-read the conntrack table: 3 connections'), 'the refresh');
  assert.equal(t.source.refreshes, 1);
  await t.press('?');
  const f = await t.until((f) => f.includes('c, Enter'), 'the help');
  assert.match(
    f,
    /q, Esc, Ctrl-C +quit \(a running cut is interrupted and its firewall rules removed\)/,
  );
  await t.press('x');
  await t.until((f) => f.includes(':40003'), 'the table again');
});

test('a terminal below 60×10 gets one line saying so, and q still quits', async () => {
  const t = mount({ columns: 59, rows: 24 });
  assert.equal(
    await t.until((f) => f.startsWith('terminal'), 'the message'),
    'terminal too small: need 60x10, have 59x24 (q quits)',
  );
  t.ui.unmount();
  const u = mount({ columns: 100, rows: 9 });
  await u.until((f) => f.includes('need 60x10, have 100x9'), 'the message');
  await u.press('q');
  await u.until(() => u.exits.length === 1, 'the exit');
});

test('without colour (NO_COLOR) markers and words carry every meaning', async () => {
  assert.equal(themeFor({ NO_COLOR: '1', LANG: 'C.UTF-8' }).color, false);
  assert.equal(themeFor({ TERM: 'dumb' }).color, false);
  assert.equal(
    themeFor({ NO_COLOR: '', LANG: 'en_US.UTF-8' }).color,
    true,
    'an empty NO_COLOR does not count (no-color.org)',
  );
  assert.equal(themeFor({ LANG: 'C' }).glyphs.ellipsis, '~', 'ASCII unless the locale says UTF-8');
  assert.deepEqual(toneProps(themeFor({ NO_COLOR: '1' }), 'bad'), {}, 'no colour for a failure');
  assert.deepEqual(toneProps(themeFor({}), 'bad'), { color: 'red' });
  const t = mount({ theme: themeFor({ NO_COLOR: '1', LANG: 'C.UTF-8' }) });
  await t.until((f) => f.includes(':40003'), 'the rows');
  await t.press('j', ' ');
  const f = await t.until(
    (f) => line(f, ':40002 ').startsWith('>*'),
    'cursor and selection markers',
  );
  assert.ok(!f.includes('\x1b['), 'no escape sequences at all');
  assert.match(f, /↑↓\/jk move/);
});
