// Key presses through the App's reducer: keys.ts reads each key in the mode the view is in, the
// state reducer gets intents. The state reducer's own tests (state/reducer.test.ts) use intents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyPress } from '@p2pwall/tui';
import { sample } from '../../../../test/cutter-tui/connections.js';
import type { Connection } from '../find/connection.js';
import { initialState, type TuiState } from './state/tui-state.js';
import { reduceView, type ViewInput } from './view-reducer.js';

const T0 = 1_700_000_000_000;
const size = { columns: 120, rows: 12 };

const a = sample('192.0.2.10', 40001, '198.51.100.10', 80, { id: 1 });
const b = sample('192.0.2.10', 40002, '198.51.100.10', 443, { id: 2 });
const c = sample('192.0.2.9', 50000, '198.51.100.10', 22, { id: 3, state: 7 });

function run(inputs: ViewInput[], from: TuiState = initialState({ now: T0, size })): TuiState {
  return inputs.reduce(reduceView, from);
}
const snap = (list: Connection[]): ViewInput => ({
  type: 'snapshot',
  connections: list,
  reason: 'initial',
  now: T0,
});
const key = (input: string, k: KeyPress = {}, now = T0): ViewInput => ({
  type: 'keyPressed',
  input,
  key: k,
  now,
});

test('c asks first: y cuts the selection, any other key cancels; nothing is cut without a y', () => {
  let s = run([snap([a, b, c]), key('j'), key(' '), key('j'), key(' ')]);
  s = run([key('c')], s);
  assert.deepEqual([s.mode, s.confirm], ['confirm', [a.key, b.key]]);
  s = run([key('n')], s);
  assert.deepEqual([s.mode, s.run, s.message?.text], ['browse', null, 'nothing cut']);
  s = run([key('', { return: true }), key('', { return: true })], s);
  assert.equal(s.run, null, 'Enter asks; a second Enter is not a yes');
  s = run([key('c'), key('y', {}, T0 + 50)], s);
  assert.deepEqual(s.run, {
    id: 1,
    keys: [a.key, b.key],
    done: 0,
    startedAt: T0 + 50,
    aborting: false,
  });
});

test('keys that arrive together are taken one by one, but never confirm a cut', () => {
  let s = run([snap([a, b, c]), key('jj ')]);
  assert.deepEqual([s.cursorKey, [...s.selected]], [b.key, [b.key]]);
  s = run([key('cy')], s);
  assert.deepEqual([s.mode, s.run, s.message?.text], ['browse', null, 'nothing cut']);
  s = run([key('/'), key('443\r')], s);
  assert.deepEqual(
    [s.mode, s.view?.text],
    ['browse', '443'],
    'a pasted filter line ending in Enter is kept',
  );
});

test('q and Esc quit; Ctrl-C quits from any mode', () => {
  assert.equal(run([snap([a]), key('q')]).quit, 'now');
  assert.equal(run([snap([a]), key('', { escape: true })]).quit, 'now');
  assert.equal(run([snap([a]), key('/'), key('c', { ctrl: true })]).quit, 'now');
  assert.equal(run([snap([a]), key('c'), key('c', { ctrl: true })]).quit, 'now');
});

test('? shows help; any key goes back; r asks for a fresh dump once', () => {
  let s = run([snap([a]), key('?')]);
  assert.equal(s.mode, 'help');
  s = run([key('x')], s);
  assert.equal(s.mode, 'browse');
  s = run([key('r'), key('r')], s);
  assert.deepEqual([s.refreshSeq, s.refreshing], [1, true]);
});

test('in the filter prompt letters are text: q types, it does not quit', () => {
  const s = run([snap([a, b]), key('/'), key('q')]);
  assert.deepEqual([s.mode, s.draft?.text, s.quit], ['filter', 'q', 'no']);
});
