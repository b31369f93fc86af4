import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sample } from '../../../../../test/cutter-tui/connections.js';
import { reduceView, type ViewInput } from '../view-reducer.js';
import { initialState } from './tui-state.js';
import { visibleRows } from './rows.js';

const T0 = 1_700_000_000_000;

// a small universe of entries, so operations keep hitting the same keys
const conn = (id: number, state: number) =>
  sample(
    `192.0.2.${10 + (id % 5)}`,
    40000 + id,
    id % 2 ? '198.51.100.10' : '198.51.100.11',
    80 + (id % 3),
    { id, state },
  );

const op = fc.oneof(
  fc.record({
    kind: fc.constant('events' as const),
    events: fc.array(
      fc.record({
        type: fc.constantFrom('new', 'update', 'destroy' as const),
        id: fc.nat(30),
        state: fc.constantFrom(3, 7),
      }),
      { maxLength: 8 },
    ),
  }),
  fc.record({
    kind: fc.constant('snapshot' as const),
    reason: fc.constantFrom('poll', 'refresh', 'overrun' as const),
    ids: fc.uniqueArray(fc.nat(30), { maxLength: 20 }),
  }),
  fc.record({
    kind: fc.constant('keys' as const),
    text: fc.constantFrom(
      'j',
      'k',
      ' ',
      'a',
      'G',
      'g',
      '/80\r',
      '/\x15state time_wait\r',
      '/\x15\r',
      'c',
      'y',
      'n',
    ),
  }),
  fc.record({ kind: fc.constant('result' as const), id: fc.nat(30) }),
);

test('the shown rows, kept up to date piecemeal, always equal the table filtered and sorted afresh', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.nat(30), { maxLength: 20 }),
      fc.array(op, { maxLength: 25 }),
      (initial, ops) => {
        let t = T0;
        let s = reduceView(initialState({ now: t, size: { columns: 100, rows: 12 } }), {
          type: 'snapshot',
          connections: initial.map((id) => conn(id, 3)),
          reason: 'initial',
          now: t,
        });
        for (const o of ops) {
          t += 100;
          const actions: ViewInput[] = [];
          if (o.kind === 'events')
            actions.push({
              type: 'events',
              events: o.events.map((e) => ({ type: e.type, connection: conn(e.id, e.state) })),
              now: t,
            });
          else if (o.kind === 'snapshot')
            actions.push({
              type: 'snapshot',
              connections: o.ids.map((id) => conn(id, 3)),
              reason: o.reason,
              now: t,
              takenAt: t - 150,
            });
          else if (o.kind === 'keys')
            actions.push({ type: 'keyPressed', input: o.text, key: {}, now: t });
          else if (s.run)
            actions.push({
              type: 'cutResult',
              run: s.run.id,
              key: `id:${o.id}`,
              result: 'cut',
              ms: 1,
              reason: '',
              deleted: true,
              now: t,
            });
          for (const a of actions) s = reduceView(s, a);
          assert.deepEqual(
            s.visible.map((r) => r.key),
            visibleRows(s.rows, s.view).map((r) => r.key),
          );
          assert.ok(s.visible.length === 0 || (s.cursor >= 0 && s.cursor < s.visible.length));
          for (const k of s.selected)
            assert.ok(s.rows.get(k) && !s.rows.get(k)!.gone, 'only live rows are selected');
        }
      },
    ),
    { numRuns: 300 },
  );
});
