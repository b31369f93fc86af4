import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sample } from '../../../../../test/cutter-tui/connections.js';
import { applySnapshot, type Row } from '../state/rows.js';
import { cellOf, fitColumns, GAP, MARKER_WIDTH } from './columns.js';

const T0 = 1_700_000_000_000;

function rowsOf(list: ReturnType<typeof sample>[]): Row[] {
  return [...applySnapshot(new Map(), list, T0, 'initial').values()];
}

const natted = rowsOf([
  sample('192.0.2.10', 40001, '203.0.113.1', 80, {
    id: 1,
    snat: ['198.51.100.1', 61000],
    dnat: ['198.51.100.10', 8080],
    timeout: 431999,
    counters: { bytes: 123456, packets: 120 },
  }),
  sample('192.0.2.11', 40002, '198.51.100.10', 443, {
    id: 2,
    snat: ['198.51.100.1', 61001],
    timeout: 100,
    mark: 0x12,
    counters: { bytes: 1000, packets: 9 },
  }),
]);
const plain = rowsOf([sample('192.0.2.10', 40001, '198.51.100.10', 80, { id: 1, timeout: 300 })]);

const ids = (cols: ReturnType<typeof fitColumns>) => cols.map((c) => c.spec.id);
const total = (cols: ReturnType<typeof fitColumns>) =>
  MARKER_WIDTH + cols.reduce((n, c) => n + c.width, 0) + GAP * (cols.length - 1);

test('a wide terminal shows every column that has something to show', () => {
  const cols = fitColumns(natted, 160, T0);
  assert.deepEqual(ids(cols), [
    'proto',
    'state',
    'initiator',
    'responder',
    'nat',
    'mark',
    'age',
    'timeout',
    'bytes',
    'packets',
    'result',
  ]);
  assert.equal(total(cols), 160, 'the result column takes the rest');
  assert.deepEqual(
    ids(fitColumns(plain, 160, T0)),
    ['proto', 'state', 'initiator', 'responder', 'age', 'timeout', 'result'],
    'no NAT, mark or accounting: no such columns',
  );
});

test('narrower terminals drop columns by priority and never cut a state or a NAT address', () => {
  assert.deepEqual(
    ids(fitColumns(natted, 120, T0)),
    [
      'proto',
      'state',
      'initiator',
      'responder',
      'mark',
      'age',
      'timeout',
      'bytes',
      'packets',
      'result',
    ],
    'SNAT+DNAT is 47 wide: it goes first',
  );
  assert.deepEqual(ids(fitColumns(natted, 80, T0)), [
    'proto',
    'state',
    'initiator',
    'responder',
    'age',
    'result',
  ]);
  assert.deepEqual(ids(fitColumns(natted, 60, T0)), ['state', 'initiator', 'responder', 'result']);
  for (const w of [60, 80, 120, 160]) {
    for (const c of fitColumns(natted, w, T0)) {
      if (c.spec.id === 'state' || c.spec.id === 'nat')
        assert.ok(
          c.width >= Math.max(...natted.map((r) => cellOf(c.spec.id, r, T0, '-').text.length)),
        );
    }
  }
  const oneNat = rowsOf([
    sample('192.0.2.10', 40001, '198.51.100.10', 20000, {
      id: 1,
      snat: ['198.51.100.1', 40001],
      timeout: 431999,
      counters: { bytes: 284, packets: 5 },
    }),
  ]);
  assert.ok(ids(fitColumns(oneNat, 120, T0)).includes('nat'), 'MASQUERADE alone fits 120 columns');
});

test('IPv6 endpoints are cut in the middle only when nothing else can give way', () => {
  const v6 = rowsOf([
    sample('2001:db8:1::1234:5678', 40001, '2001:db8:2::abcd:ef01', 443, { id: 1 }),
  ]);
  const at = (w: number) =>
    Object.fromEntries(fitColumns(v6, w, T0).map((c) => [c.spec.id, c.width]));
  assert.equal(at(120).initiator, '[2001:db8:1::1234:5678]:40001'.length);
  assert.deepEqual(
    at(60),
    { initiator: 21, responder: 21, result: 13 },
    'at the minimum width only endpoints and result remain',
  );
});

test('whatever the rows and the width (from the minimum on), the table fits the terminal', () => {
  const address = fc.oneof(
    fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `192.0.${a}.${b}`),
    fc
      .tuple(fc.nat(0xffff), fc.nat(0xffff))
      .map(([a, b]) => `2001:db8:${a.toString(16)}::${b.toString(16)}`),
  );
  const conn = fc.record({
    src: address,
    dst: address,
    sport: fc.integer({ min: 1, max: 65535 }),
    dport: fc.integer({ min: 1, max: 65535 }),
    nat: fc.boolean(),
    mark: fc.nat(),
    bytes: fc.nat(),
  });
  fc.assert(
    fc.property(
      fc.array(conn, { maxLength: 8 }),
      fc.integer({ min: 60, max: 250 }),
      (list, width) => {
        const rows = rowsOf(
          list
            .filter((x) => x.src.includes(':') === x.dst.includes(':'))
            .map((x, i) =>
              sample(x.src, x.sport, x.dst, x.dport, {
                id: i,
                mark: x.mark,
                counters: { bytes: x.bytes, packets: 1 },
                ...(x.nat
                  ? {
                      snat: [x.src.includes(':') ? '2001:db8:2::1' : '198.51.100.1', 61000] as [
                        string,
                        number,
                      ],
                    }
                  : {}),
              }),
            ),
        );
        const cols = fitColumns(rows, width, T0);
        assert.ok(total(cols) <= width, `${total(cols)} > ${width}`);
        assert.ok(ids(cols).includes('initiator') && ids(cols).includes('responder'));
      },
    ),
  );
});
