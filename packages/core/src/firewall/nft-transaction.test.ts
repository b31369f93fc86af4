import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NLA_F_NESTED } from '../netlink/constants.js';
import { u16h, u32h } from '../netlink/host-order.js';
import { NftTransactionBuilder } from '../netlink/nftables/transaction.js';
import { buildElementChange, buildTableRemoval, buildTemporaryTable } from './nft-transaction.js';
import { NFT_RAW_PRIORITY, nftTableName } from './nft.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Attributes of `b[start, end)` as nft's --debug=mnl shows them (see the testdata header). */
function attrs(b: Uint8Array, start: number, end: number, out: string[]): void {
  let p = start;
  while (p + 4 <= end) {
    const len = u16h(b, p);
    const type = u16h(b, p + 2);
    const nested = (type & NLA_F_NESTED) !== 0;
    out.push(`[${type & 0x3fff} ${nested ? 'N-' : '--'} ${len}]`);
    const padded = (len + 3) & ~3;
    if (nested) attrs(b, p + 4, p + len, out);
    else for (let q = p + 4; q < p + padded; q += 4) out.push(hex(b.subarray(q, q + 4)));
    p += padded;
  }
}

/** Each message of a batch but its begin and end, one line each. */
function messages(batch: Buffer): string[] {
  const lines: string[] = [];
  for (let p = 0; p < batch.length;) {
    const len = u32h(batch, p);
    const type = u16h(batch, p + 4);
    if (type !== NFNL_MSG_BATCH_BEGIN && type !== NFNL_MSG_BATCH_END) {
      const out = [`len=${len}`, `type=${type}`, hex(batch.subarray(p + 16, p + 20))];
      attrs(batch, p + 20, p + len, out);
      lines.push(out.join(' '));
    }
    p += (len + 3) & ~3;
  }
  return lines;
}

function builder(): NftTransactionBuilder {
  let seq = 0;
  return new NftTransactionBuilder(() => ++seq);
}

const spec = { owner: 'cutter', pid: 4242, logGroup: 48000, snaplen: 80, notrackMark: 0x7e1f0001 };
const tcp = (src: string, srcPort: number, dst: string, dstPort: number) => ({
  proto: 6,
  src,
  srcPort,
  dst,
  dstPort,
});

test('the table, its sets, chains and rules are the messages nft 1.0.6 sends for the script', () => {
  const golden = readFileSync(
    new URL('./testdata/nft-1.0.6-cutter-table.txt', import.meta.url),
    'utf8',
  )
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  const b = builder();
  buildTemporaryTable(
    b,
    spec,
    {
      log: [tcp('192.0.2.10', 5000, '203.0.113.5', 80)],
      drop: [tcp('2001:db8::1', 5000, '2001:db8::2', 80)],
      dropTimeoutSec: 5,
    },
    nftTableName('cutter', 4242),
    'cutter 4242: temporary rules, removed when it exits (or by --cleanup)',
    NFT_RAW_PRIORITY,
  );
  assert.deepEqual(messages(b.finish().bytes), golden);
});

test('every message is labelled with what it makes, so a refusal can name it', () => {
  const b = builder();
  buildTemporaryTable(b, spec, {}, 'cutter_4242', 'c', NFT_RAW_PRIORITY);
  const { labels } = b.finish();
  const named = [...labels.values()].filter((l) => l);
  assert.deepEqual(named.slice(0, 7), [
    'table cutter_4242',
    'chain prerouting',
    'chain output',
    'set log4',
    'set log6',
    'set drop4',
    'set drop6',
  ]);
  assert.equal(named.filter((l) => l.startsWith('rule ')).length, 7);
  assert.equal(b.messages, named.length);
});

test('thousands of elements split into messages whose element list fits its u16 length', () => {
  const flows = Array.from({ length: 5000 }, (_, i) =>
    tcp(`2001:db8::${(i + 1).toString(16)}`, 1024 + i, '2001:db8:1::1', 443),
  );
  const b = builder();
  buildElementChange(b, 'cutter_1', 'drop', 'add', flows, 30);
  const lines = messages(b.finish().bytes);
  assert.ok(lines.length > 1);
  let elements = 0;
  for (const l of lines) {
    const list = /\[3 N- (\d+)\]/.exec(l);
    assert.ok(list && Number(list[1]) <= 0xffff, l.slice(0, 80));
    elements += (l.match(/\[1 N- \d+\] \[4 -- 12\] 00000000 00007530/g) ?? []).length;
  }
  assert.equal(elements, 5000);
});

test('a flow that does not fit its set is refused before anything is sent', () => {
  assert.throws(
    () =>
      buildElementChange(builder(), 'cutter_1', 'log', 'add', [
        tcp('192.0.2.1', 70000, '192.0.2.2', 1),
      ]),
    /^RangeError: set log4: tcp 192\.0\.2\.1:70000 -> 192\.0\.2\.2:1: source port 70000 is not in 0\.\.65535$/,
  );
  assert.throws(
    () => buildTemporaryTable(builder(), { ...spec, logGroup: 65536 }, {}, 't', 'c', -300),
    /NFLOG group 65536 is not in 0\.\.65535/,
  );
});

test('removal is one DELTABLE of the inet table', () => {
  const b = builder();
  buildTableRemoval(b, 'cutter_4242');
  assert.deepEqual(messages(b.finish().bytes), [
    'len=36 type=2562 01000000 [1 -- 16] 63757474 65725f34 32343200',
  ]);
});
