import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sample } from '../../../../test/cutter-tui/connections.js';
import type { Connection } from '../find/connection.js';
import type { WatchHandlers } from '../find/watch.js';
import { LiveConnections } from './live-source.js';
import type { SourceSink } from './ports.js';

const a = sample('192.0.2.10', 40001, '198.51.100.10', 80, { id: 1 });
const b = sample('192.0.2.10', 40002, '198.51.100.10', 80, { id: 2 });

/** A watch the test drives, and a dump that answers with `table`. */
function fakes(table: Connection[]) {
  const w = { handlers: null as WatchHandlers | null, closed: false, dumps: 0 };
  const watch = async (_f: unknown, handlers: WatchHandlers) => {
    w.handlers = handlers;
    handlers.onSnapshot(table, 'initial');
    return { overruns: 0, close: () => void (w.closed = true) };
  };
  const list = async () => {
    w.dumps++;
    return [...table];
  };
  return { w, watch, list };
}

function recorder() {
  const seen: string[] = [];
  let waiters: (() => void)[] = [];
  const sink: SourceSink = {
    snapshot: (c, reason) => {
      seen.push(`snapshot ${reason} ${c.length}`);
      waiters.forEach((f) => f());
    },
    event: (type, c) => seen.push(`${type} ${c.key}`),
    error: (e) => seen.push(`error ${e.message}`),
  };
  const next = () => new Promise<void>((r) => waiters.push(r)).then(() => void (waiters = []));
  return { seen, sink, next };
}

test('what arrives before the view subscribes is handed over in order', async () => {
  const f = fakes([a]);
  const src = await LiveConnections.open({}, { watch: f.watch, list: f.list, pollMs: 0 });
  f.w.handlers!.onEvent('new', b);
  f.w.handlers!.onError!(new Error('lost one'));
  const r = recorder();
  src.subscribe(r.sink);
  f.w.handlers!.onEvent('destroy', a);
  assert.deepEqual(r.seen, [
    'snapshot initial 1',
    `new ${b.key}`,
    'error lost one',
    `destroy ${a.key}`,
  ]);
  src.close();
  assert.equal(f.w.closed, true);
  f.w.handlers!.onEvent('new', a);
  assert.equal(r.seen.length, 4, 'nothing after close');
});

test('the table is re-read periodically (entries older than the watch report no events) and on refresh', async (t) => {
  const f = fakes([a, b]);
  const src = await LiveConnections.open({}, { watch: f.watch, list: f.list, pollMs: 5 });
  t.after(() => src.close());
  const r = recorder();
  src.subscribe(r.sink);
  await r.next();
  await r.next();
  assert.deepEqual(r.seen.slice(0, 3), [
    'snapshot initial 2',
    'snapshot poll 2',
    'snapshot poll 2',
  ]);
  await src.refresh();
  assert.equal(r.seen.at(-1), 'snapshot refresh 2');
  src.close();
  const dumps = f.w.dumps;
  await new Promise((res) => setTimeout(res, 30));
  assert.equal(f.w.dumps, dumps, 'no poll after close');
});

test('a failing dump is reported, and polling goes on', async (t) => {
  let fail = true;
  const f = fakes([a]);
  const list = async () => {
    if (fail) {
      fail = false;
      throw new Error('EPERM');
    }
    return f.list();
  };
  const src = await LiveConnections.open({}, { watch: f.watch, list, pollMs: 5 });
  t.after(() => src.close());
  const r = recorder();
  src.subscribe(r.sink);
  await r.next();
  assert.deepEqual(r.seen, ['snapshot initial 1', 'error EPERM', 'snapshot poll 1']);
});
