import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ControlEntry, ControlStats, ListResult } from '../../control/target.js';
import type { KeyPress } from '@p2pwall/tui';
import type { TopAction } from './actions.js';
import { initialState, reduce, secondsLeftNow, type TopState } from './reducer.js';

const T0 = 1_700_000_000_000;
const size = { columns: 100, rows: 24 };

function stats(uptime: number, packets: number, flows: number, passAll = false): ControlStats {
  return {
    uptime,
    totals: { packets, bytes: 0, flows, accepted: packets, dropped: 0 },
    labels: [{ label: 'bittorrent', packets: packets / 2, bytes: 0, flows }],
    passAll,
    locked: 1,
    blocked: 1,
    dnsNames: 0,
  };
}
const lock = (address: string, secondsLeft: number | null = 300): ControlEntry => ({
  kind: 'lock',
  address,
  port: null,
  label: 'bittorrent',
  secondsLeft,
});
const block = (address: string, port: number | null): ControlEntry => ({
  kind: 'block',
  address,
  port,
  label: 'manual',
  secondsLeft: null,
});
const list = (entries: ControlEntry[], passAll = false): ListResult => ({
  entries,
  dnsNames: [],
  passAll,
});
const polled = (now: number, s: ControlStats, l: ListResult): TopAction => ({
  type: 'polled',
  now,
  stats: s,
  list: l,
});
const key = (input: string, k: KeyPress = {}, now = T0): TopAction => ({
  type: 'key',
  input,
  key: k,
  now,
});
const keys = (text: string) => [...text].map((ch) => key(ch));
const run = (actions: TopAction[], from: TopState = initialState({ now: T0, size })) =>
  actions.reduce(reduce, from);

const twoEntries = list([lock('192.0.2.10'), block('198.51.100.7', 6881)]);

test('rates come from two polls, over the engine uptime, not the poll interval', () => {
  let s = run([polled(T0, stats(10, 1000, 10), twoEntries)]);
  assert.equal(s.link.state, 'up');
  assert.equal(s.rates, null, 'one snapshot: nothing to measure yet');
  // the poll came 3 s later, but the engine counted for 2 s
  s = run([polled(T0 + 3000, stats(12, 2000, 14), twoEntries)], s);
  assert.deepEqual(s.rates, {
    packetsPerSecond: 500,
    flowsPerSecond: 2,
    labels: [
      { label: 'bittorrent', packetsPerSecond: 250, flowsPerSecond: 2, packets: 1000, flows: 14 },
    ],
  });
  // a restarted rope run (uptime went back) keeps the old rates until the next interval
  s = run([polled(T0 + 4000, stats(1, 10, 1), twoEntries)], s);
  assert.equal(s.rates?.packetsPerSecond, 500);
  s = run([polled(T0 + 5000, stats(2, 20, 1), twoEntries)], s);
  assert.equal(s.rates?.packetsPerSecond, 10);
});

test('a failed poll: down since its first failure, the data kept, rates dropped', () => {
  const error = { code: 'no-server' as const, message: 'no rope run is listening on x' };
  let s = run([
    polled(T0, stats(10, 1000, 10), twoEntries),
    polled(T0 + 1000, stats(11, 1100, 10), twoEntries),
    { type: 'pollFailed', now: T0 + 2000, error },
    { type: 'pollFailed', now: T0 + 3000, error },
  ]);
  assert.deepEqual(s.link, { state: 'down', since: T0 + 2000, error: error.message });
  assert.equal(s.rates, null);
  assert.equal(s.list?.entries.length, 2);
  s = run([polled(T0 + 4000, stats(1, 0, 0), twoEntries)], s);
  assert.equal(s.link.state, 'up');
  assert.equal(s.rates, null, 'no interval across an outage');
});

test('countdowns run between polls', () => {
  const s = run([
    polled(T0, stats(1, 0, 0), list([lock('192.0.2.10', 300)])),
    { type: 'tick', now: T0 + 2500 },
  ]);
  assert.equal(secondsLeftNow(s, s.list!.entries[0]), 297.5);
  assert.equal(secondsLeftNow(s, block('198.51.100.7', null)), null);
  const late = run([{ type: 'tick', now: T0 + 400_000 }], s);
  assert.equal(secondsLeftNow(late, late.list!.entries[0]), 0);
});

test('the cursor moves within the entries and stays on its entry as others come and go', () => {
  let s = run([polled(T0, stats(1, 0, 0), twoEntries), key('j'), key('j'), key('j')]);
  assert.equal(s.cursor, 1);
  assert.equal(s.cursorKey, 'block 198.51.100.7:6881');
  s = run([polled(T0 + 1000, stats(2, 0, 0), list([lock('192.0.2.9'), ...twoEntries.entries]))], s);
  assert.equal(s.cursor, 2, 'followed its entry down one row');
  s = run([polled(T0 + 2000, stats(3, 0, 0), list([lock('192.0.2.9')]))], s);
  assert.equal(s.cursor, 0, 'its entry went: the last row');
  s = run([key('', { upArrow: true }), key('k')], s);
  assert.equal(s.cursor, 0);
});

test('u unlocks a locked client, unblocks a blocked peer; the answer is the message', () => {
  let s = run([polled(T0, stats(1, 0, 0), twoEntries), key('u')]);
  assert.deepEqual(s.outbox, [{ id: 1, op: 'unlock', address: '192.0.2.10' }]);
  assert.deepEqual(s.message, { text: 'unlocking 192.0.2.10...', tone: 'info' });
  s = run([key('j'), key('u')], s);
  assert.deepEqual(s.outbox[1], { id: 2, op: 'unblock', address: '198.51.100.7', port: 6881 });
  s = run(
    [
      {
        type: 'commandDone',
        id: 1,
        now: T0,
        outcome: { ok: true, value: { entry: lock('192.0.2.10') } },
      },
    ],
    s,
  );
  assert.deepEqual(s.message, { text: 'unlocked 192.0.2.10', tone: 'ok' });
  assert.equal(s.outbox.length, 1);
  assert.equal(s.pollSeq, 1, 'polls again at once');
  s = run(
    [
      {
        type: 'commandDone',
        id: 2,
        now: T0,
        outcome: {
          ok: false,
          error: { code: 'not-found', message: '198.51.100.7:6881 is not blocked' },
        },
      },
    ],
    s,
  );
  assert.deepEqual(s.message, { text: 'unblock: 198.51.100.7:6881 is not blocked', tone: 'bad' });
  // nothing under the cursor
  const empty = run([polled(T0, stats(1, 0, 0), list([])), key('u')]);
  assert.equal(empty.outbox.length, 0);
  assert.equal(empty.message?.tone, 'bad');
});

test('b opens the block prompt; a bad address stays with the reason, a good one is sent', () => {
  let s = run([key('b'), ...keys('198.51.100.x')]);
  assert.equal(s.mode, 'prompt');
  assert.equal(s.prompt?.text, '198.51.100.x');
  s = run([key('', { return: true })], s);
  assert.equal(s.mode, 'prompt');
  assert.match(s.prompt!.error!, /is not an IPv4 or IPv6 address/);
  s = run([key('', { backspace: true }), ...keys('9:6881 10m'), key('', { return: true })], s);
  assert.equal(s.mode, 'view');
  assert.deepEqual(s.outbox, [
    { id: 1, op: 'block', address: '198.51.100.9', port: 6881, seconds: 600 },
  ]);
  s = run([key('b'), ...keys('[2001:db8::7]:80 soon'), key('', { return: true })], s);
  assert.match(s.prompt!.error!, /'soon' is not a time/);
  s = run([key('u', { ctrl: true }), ...keys('2001:db8::7'), key('', { return: true })], s);
  assert.deepEqual(s.outbox[1], {
    id: 2,
    op: 'block',
    address: '2001:db8::7',
    port: null,
    seconds: null,
  });
  s = run([key('b'), ...keys('x'), key('', { escape: true })], s);
  assert.equal(s.mode, 'view');
  assert.equal(s.prompt, null);
  assert.equal(s.outbox.length, 2);
  // q types into the prompt, it does not quit
  assert.equal(run([key('b'), key('q')]).quit, false);
});

test('p asks before turning pass-all on, turns it off at once', () => {
  let s = run([polled(T0, stats(1, 0, 0), twoEntries), key('p')]);
  assert.equal(s.mode, 'confirm');
  s = run([key('n')], s);
  assert.equal(s.mode, 'view');
  assert.equal(s.outbox.length, 0);
  assert.equal(s.message?.text, 'pass-all stays off');
  s = run([key('p'), key('y')], s);
  assert.deepEqual(s.outbox, [{ id: 1, op: 'pass-all', on: true }]);
  s = run([polled(T0, stats(2, 0, 0, true), list([], true)), key('p')], s);
  assert.equal(s.mode, 'view');
  assert.deepEqual(s.outbox[1], { id: 2, op: 'pass-all', on: false });
});

test('? shows help until any key; q, Esc and Ctrl-C quit', () => {
  let s = run([key('?')]);
  assert.equal(s.mode, 'help');
  s = run([key('q')], s);
  assert.equal(s.mode, 'view', 'any key leaves help');
  assert.equal(s.quit, false);
  assert.equal(run([key('q')]).quit, true);
  assert.equal(run([key('', { escape: true })]).quit, true);
  assert.equal(run([key('b'), key('c', { ctrl: true })]).quit, true);
});

test('a failed poll replaces the last message; later messages stay', () => {
  const error = { code: 'no-server' as const, message: 'gone' };
  let s = run([polled(T0, stats(1, 0, 0), twoEntries), key('u')]);
  s = run([{ type: 'pollFailed', now: T0 + 1, error }], s);
  assert.equal(s.message, null);
  s = run([key('u'), { type: 'pollFailed', now: T0 + 2, error }], s);
  assert.equal(s.message?.text, 'unlocking 192.0.2.10...');
});
