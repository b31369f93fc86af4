import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sample } from '../../../../../test/cutter-tui/connections.js';
import type { Connection } from '../../find/connection.js';
import type { Intent, TuiAction } from './actions.js';
import { reduce } from './reducer.js';
import { initialState, liveCount, type TuiState } from './tui-state.js';

const T0 = 1_700_000_000_000;
const size = { columns: 120, rows: 12 }; // 5 body rows

// c1's connections to two services, one from another client, one IPv6
const a = sample('192.0.2.10', 40001, '198.51.100.10', 80, { id: 1 });
const b = sample('192.0.2.10', 40002, '198.51.100.10', 443, { id: 2 });
const c = sample('192.0.2.9', 50000, '198.51.100.10', 22, { id: 3, state: 7 });
const d = sample('2001:db8:1::10', 40003, '2001:db8:2::10', 80, { id: 4 });
const u = sample('192.0.2.10', 5353, '198.51.100.53', 53, { id: 5, proto: 17 });

function run(actions: TuiAction[], from: TuiState = initialState({ now: T0, size })): TuiState {
  return actions.reduce(reduce, from);
}
const snap = (
  list: Connection[],
  reason: 'initial' | 'poll' | 'refresh' | 'overrun' = 'initial',
  now = T0,
  takenAt?: number,
): TuiAction => ({
  type: 'snapshot',
  connections: list,
  reason,
  now,
  ...(takenAt !== undefined ? { takenAt } : {}),
});
// intents, as keys.ts makes them from key presses (keys.test.ts and view-reducer.test.ts test that)
const down: Intent = { type: 'move', delta: 1 };
const up: Intent = { type: 'move', delta: -1 };
const select: Intent = { type: 'toggleSelect' };
const selectAll: Intent = { type: 'selectAllVisible' };
const cut: Intent = { type: 'requestCut' };
const yes = (now = T0): Intent => ({ type: 'confirmCut', now });
const no: Intent = { type: 'cancelCut' };
const openFilter: Intent = { type: 'openFilter' };
const commit: Intent = { type: 'filterCommit' };
const quit: Intent = { type: 'quit' };
/** Text typed into the filter prompt, one character at a time. */
const typed = (text: string): Intent[] => [...text].map((ch) => ({ type: 'filterType', text: ch }));
const times = (n: number, a: Intent): Intent[] => new Array<Intent>(n).fill(a);
const shown = (s: TuiState) => s.visible.map((r) => r.key);

test('rows are ordered IPv4 first, by initiator address numerically, then service, then port', () => {
  const s = run([snap([d, b, u, a, c])]);
  // 192.0.2.9 sorts before 192.0.2.10 (numerically, not as text); then by responder address and port
  assert.deepEqual(
    shown(s),
    [c, a, b, u, d].map((x) => x.key),
  );
  assert.equal(s.loaded, true);
  assert.equal(s.cursorKey, c.key);
});

test('the cursor stays on its row when rows appear above it or disappear', () => {
  let s = run([snap([a, b]), down]);
  assert.equal(s.cursorKey, b.key);
  s = reduce(s, { type: 'events', events: [{ type: 'new', connection: c }], now: T0 + 1000 });
  assert.deepEqual(
    [s.cursor, s.cursorKey],
    [2, b.key],
    'c sorts first; the cursor moved down with b',
  );
  s = reduce(s, { type: 'events', events: [{ type: 'destroy', connection: b }], now: T0 + 2000 });
  assert.deepEqual(shown(s), [c.key, a.key]);
  assert.equal(s.cursorKey, a.key, 'its row gone, the cursor stays at that place (clamped)');
});

test('an update replaces a row in place and keeps when it was first seen', () => {
  let s = run([
    snap([a]),
    { type: 'events', events: [{ type: 'new', connection: b }], now: T0 + 5000 },
  ]);
  const closed = sample('192.0.2.10', 40002, '198.51.100.10', 443, { id: 2, state: 7 });
  s = reduce(s, {
    type: 'events',
    events: [{ type: 'update', connection: closed }],
    now: T0 + 9000,
  });
  const row = s.rows.get(b.key)!;
  assert.equal(row.connection.state, 'TIME_WAIT');
  assert.deepEqual(
    [row.since, row.sinceExact],
    [T0 + 5000, true],
    'appeared while watching: its age is exact',
  );
  assert.deepEqual(
    [s.rows.get(a.key)!.since, s.rows.get(a.key)!.sinceExact],
    [T0, false],
    'from the first dump: seen since',
  );
});

test('conntrack timestamps give every row its exact start', () => {
  const t = sample('192.0.2.10', 40009, '198.51.100.10', 80, { id: 9, start: T0 - 60_000 });
  const row = run([snap([t])]).rows.get(t.key)!;
  assert.deepEqual([row.since, row.sinceExact], [T0 - 60_000, true]);
});

test('a periodic dump: absent rows go, rows newer than the dump stay, cut rows stay marked gone', () => {
  let s = run([snap([a, b, c])]);
  s = run([cut, yes(T0 + 100)], s); // cut c (cursor row)
  s = reduce(s, {
    type: 'cutResult',
    run: 1,
    key: c.key,
    result: 'cut',
    ms: 2.5,
    reason: '',
    method: 'rst',
    now: T0 + 200,
  });
  // an event newer than the dump: e appears after the dump began
  const e = sample('192.0.2.10', 40005, '198.51.100.10', 80, { id: 6 });
  s = reduce(s, { type: 'events', events: [{ type: 'new', connection: e }], now: T0 + 3000 });
  s = reduce(s, snap([a], 'poll', T0 + 3500, T0 + 2500));
  assert.deepEqual(
    shown(s),
    [c.key, a.key, e.key],
    'b went away, c stays with its result, e is newer than the dump',
  );
  assert.equal(s.rows.get(c.key)!.gone, true);
  assert.deepEqual(liveCount(s), { shown: 2, total: 2 });
  // r: the table as the kernel has it, results and all
  s = reduce(s, snap([a], 'refresh', T0 + 4000));
  assert.deepEqual(shown(s), [a.key]);
  assert.match(s.message!.text, /re-read the conntrack table: 1 connection$/);
});

test('moving clamps at the ends and scrolls the body; pages and first/last jump', () => {
  const many = Array.from({ length: 12 }, (_, i) =>
    sample('192.0.2.10', 41000 + i, '198.51.100.10', 80, { id: 100 + i }),
  );
  let s = run([snap(many)]);
  s = run([up], s);
  assert.deepEqual([s.cursor, s.offset], [0, 0]);
  s = run(times(5, down), s);
  assert.deepEqual([s.cursor, s.offset], [5, 1], 'the 6th row scrolled the 5-row body by one');
  s = run([{ type: 'page', direction: 1 }], s);
  assert.deepEqual([s.cursor, s.offset], [9, 5]);
  s = run([{ type: 'moveTo', where: 'last' }], s);
  assert.deepEqual([s.cursor, s.offset], [11, 7]);
  s = run([down], s);
  assert.equal(s.cursor, 11);
  s = run([{ type: 'moveTo', where: 'first' }], s);
  assert.deepEqual([s.cursor, s.offset], [0, 0]);
  // a taller terminal shows everything from the top
  s = run([{ type: 'moveTo', where: 'last' }], s);
  s = reduce(s, { type: 'resize', columns: 120, rows: 40 });
  assert.equal(s.offset, 0);
});

test('space selects the cursor row; a selects every shown row, again none', () => {
  let s = run([snap([a, b, c]), select]);
  assert.deepEqual([...s.selected], [c.key]);
  s = run([select], s);
  assert.equal(s.selected.size, 0);
  s = run([selectAll], s);
  assert.deepEqual([...s.selected].sort(), [a.key, b.key, c.key].sort());
  s = run([selectAll], s);
  assert.equal(s.selected.size, 0);
});

test('the selection holds only live, shown rows', () => {
  let s = run([snap([a, b, c]), selectAll]);
  s = reduce(s, { type: 'events', events: [{ type: 'destroy', connection: a }], now: T0 + 1 });
  assert.deepEqual([...s.selected].sort(), [b.key, c.key].sort());
  s = run([openFilter, ...typed('443')], s);
  assert.equal(s.selected.size, 2, 'typing "4", "44" on the way to "443" unselects nothing');
  s = run([commit], s);
  assert.deepEqual([...s.selected], [b.key], 'keeping a filter that hides c unselects it');
});

test('/ filters as you type; a mistake keeps the last good filter; Enter keeps, Esc restores', () => {
  const clear: Intent = { type: 'filterClearLine' };
  let s = run([snap([a, b, c, u]), openFilter]);
  assert.equal(s.mode, 'filter');
  s = run(typed('port 44'), s);
  assert.deepEqual(shown(s), [], 'port 44 matches nothing');
  s = run(typed('3'), s);
  assert.deepEqual(shown(s), [b.key]);
  s = run(typed(' stat'), s);
  assert.match(s.draft!.error!, /"stat" is not an address/);
  assert.deepEqual(shown(s), [b.key], 'the table keeps the last filter that parsed');
  s = run([commit], s);
  assert.equal(s.mode, 'filter', 'Enter does not keep a filter with a mistake');
  s = run([{ type: 'filterBackspace' }, ...typed('e TIME_WAIT')], s);
  // "port 443 state TIME_WAIT": nothing; fix to "22 state TIME_WAIT" by clearing the line
  s = run([clear, { type: 'filterType', text: '22 state time-wait' }], s);
  assert.deepEqual(shown(s), [c.key]);
  s = run([commit], s);
  assert.deepEqual([s.mode, s.view?.text], ['browse', '22 state time-wait']);
  // Esc while editing restores what was in force
  s = run([openFilter, clear, { type: 'filterType', text: 'udp' }], s);
  assert.deepEqual(shown(s), [u.key]);
  s = run([{ type: 'filterCancel' }], s);
  assert.deepEqual([s.mode, shown(s)], ['browse', [c.key]]);
  // an empty filter shows everything again
  s = run([openFilter, clear, commit], s);
  assert.deepEqual([s.view, shown(s).length], [null, 4]);
});

test('a cut is asked first: the confirmation cuts the selection, a cancel cuts nothing', () => {
  let s = run([snap([a, b, c]), down, select, down, select]);
  s = run([cut], s);
  assert.deepEqual([s.mode, s.confirm], ['confirm', [a.key, b.key]]);
  s = run([no], s);
  assert.deepEqual([s.mode, s.run, s.message?.text], ['browse', null, 'nothing cut']);
  s = run([cut, no], s);
  assert.equal(s.run, null, 'a cancelled request cuts nothing');
  s = run([yes(T0 + 40)], s);
  assert.equal(s.run, null, 'a confirmation without a request cuts nothing');
  s = run([cut, yes(T0 + 50)], s);
  assert.deepEqual(s.run, {
    id: 1,
    keys: [a.key, b.key],
    done: 0,
    startedAt: T0 + 50,
    aborting: false,
  });
  assert.deepEqual(
    [s.rows.get(a.key)!.result, s.rows.get(c.key)!.result],
    [{ kind: 'cutting', run: 1 }, undefined],
  );
});

test('without a selection, c cuts the row under the cursor', () => {
  const s = run([snap([a, b, c]), down, down, cut]);
  assert.deepEqual(s.confirm, [b.key]);
});

test('results arrive per connection; the run ends with a summary; deleted entries show as gone', () => {
  let s = run([snap([a, b, u]), selectAll, cut, yes(T0 + 10)]);
  s = reduce(s, {
    type: 'cutResult',
    run: 1,
    key: a.key,
    result: 'cut',
    ms: 3.2,
    reason: '',
    method: 'rst',
    deleted: true,
    now: T0 + 20,
  });
  s = reduce(s, {
    type: 'cutResult',
    run: 1,
    key: u.key,
    result: 'skipped',
    ms: 0,
    reason: 'udp cannot be reset',
    now: T0 + 20,
  });
  assert.deepEqual([s.run!.done, s.totals], [2, { cut: 1, failed: 0, skipped: 1, closing: 0 }]);
  assert.equal(s.rows.get(a.key)!.gone, true);
  assert.deepEqual([...s.selected], [b.key], 'finished rows leave the selection');
  assert.deepEqual(liveCount(s), { shown: 2, total: 2 });
  // a result of another run is not this run's
  assert.equal(
    reduce(s, { type: 'cutResult', run: 7, key: b.key, result: 'cut', ms: 1, reason: '', now: T0 }),
    s,
  );
  s = reduce(s, { type: 'cutFinished', run: 1, now: T0 + 300 });
  assert.equal(s.run, null);
  assert.deepEqual(
    s.rows.get(b.key)!.result,
    { kind: 'failed', ms: 290, reason: 'interrupted' },
    'no result reported: failed',
  );
  assert.deepEqual(s.totals, { cut: 1, failed: 1, skipped: 1, closing: 0 });
  assert.deepEqual(s.message, { text: '1 cut, 1 failed, 1 skipped in 290 ms', tone: 'bad' });
});

test('a cut that throws marks its connections failed with the error', () => {
  let s = run([snap([a]), cut, yes(T0)]);
  s = reduce(s, { type: 'cutFinished', run: 1, error: 'needs CAP_NET_RAW', now: T0 + 5 });
  assert.deepEqual(s.rows.get(a.key)!.result, {
    kind: 'failed',
    ms: 5,
    reason: 'needs CAP_NET_RAW',
  });
  assert.deepEqual(s.message, { text: 'cut failed: needs CAP_NET_RAW', tone: 'bad' });
});

test('one cut at a time; rows that ended before the y are not cut', () => {
  let s = run([snap([a, b]), cut, yes()]);
  s = run([down, cut], s);
  assert.deepEqual([s.mode, s.message?.text], ['browse', 'a cut is running: wait for its results']);
  s = run([snap([b]), cut], initialState({ now: T0, size }));
  s = reduce(s, { type: 'events', events: [{ type: 'destroy', connection: b }], now: T0 });
  s = run([yes()], s);
  assert.equal(s.run, null);
  assert.match(s.message!.text, /ended meanwhile/);
});

test('quit: at once when idle; while cutting, first abort the run and wait for it', () => {
  assert.equal(run([snap([a]), quit]).quit, 'now');
  assert.equal(run([snap([a]), openFilter, quit]).quit, 'now', 'quitting from any mode');
  let s = run([snap([a]), cut, yes(), quit]);
  assert.deepEqual([s.quit, s.run!.aborting], ['stopping', true]);
  assert.match(s.message!.text, /removing its temporary firewall rules/);
  s = reduce(s, { type: 'cutFinished', run: 1, now: T0 + 1 });
  assert.equal(s.quit, 'now');
});

test('help opens and closes; a refresh asks for a fresh dump once', () => {
  const help: Intent = { type: 'toggleHelp' };
  let s = run([snap([a]), help]);
  assert.equal(s.mode, 'help');
  s = run([help], s);
  assert.equal(s.mode, 'browse');
  s = run([{ type: 'refresh' }, { type: 'refresh' }], s);
  assert.deepEqual([s.refreshSeq, s.refreshing], [1, true]);
  s = reduce(s, snap([a], 'refresh'));
  assert.equal(s.refreshing, false);
});
