// Verdict messages (fixed bytes, written over 0xa5 so a forgotten field shows), the turn's batch
// planning checked against the kernel's batch semantics, and config messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HOST_LITTLE_ENDIAN } from '../host-order.js';
import { writeNfqConfig, parseNfqConfig } from './config.js';
import {
  NF_ACCEPT,
  NF_DROP,
  NF_REPEAT,
  NFQA_CFG_F_CONNTRACK,
  NFQA_CFG_F_FAIL_OPEN,
  NFQA_CFG_F_GSO,
  NFQNL_CFG_CMD_BIND,
  NFQNL_COPY_PACKET,
  nfQueueNr,
} from './constants.js';
import {
  KEEP_MARK,
  MAX_VERDICT_MESSAGE,
  parseVerdicts,
  writeBatchVerdict,
  writeVerdict,
} from './verdict.js';
import { VerdictBatch } from './verdict-batch.js';
import { NlWriter } from '../writer.js';

// nlmsghdr fields are host order; the test machine's order decides how they look
const h16 = (v: number) => (HOST_LITTLE_ENDIAN ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
const h32 = (v: number) =>
  HOST_LITTLE_ENDIAN
    ? [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24]
    : [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
const be32 = (v: number) => [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

test('nfqueue verdict: accept of packet 42 on queue 7, then with mark and connmark', () => {
  const b = new Uint8Array(64).fill(0xa5);
  const end = writeVerdict(b, 0, 7, 42, NF_ACCEPT, KEEP_MARK, KEEP_MARK);
  assert.equal(end, 32);
  assert.deepEqual(
    [...b.subarray(0, end)],
    [
      ...h32(32),
      ...h16(0x0301),
      ...h16(0x0001),
      ...h32(0),
      ...h32(0),
      0,
      0,
      0,
      7,
      ...h16(12),
      ...h16(2),
      ...be32(1),
      ...be32(42),
    ],
  );
  assert.equal(b[end], 0xa5);
  b.fill(0xa5);
  const end2 = writeVerdict(b, 0, 7, 42, NF_DROP, 0x2a, 0xdeadbeef);
  assert.equal(end2, MAX_VERDICT_MESSAGE);
  assert.deepEqual(
    [...b.subarray(32, end2)],
    [
      ...h16(8),
      ...h16(3),
      ...be32(0x2a),
      ...h16(12),
      ...h16(11 | 0x8000),
      ...h16(8),
      ...h16(8),
      ...be32(0xdeadbeef),
    ],
  );
  assert.deepEqual(parseVerdicts(b, end2), [
    { batch: false, queue: 7, id: 42, verdict: NF_DROP, mark: 0x2a, connmark: 0xdeadbeef },
  ]);
});

test('nfqueue verdict: batch verdict header type and re-queue verdicts', () => {
  const b = new Uint8Array(64).fill(0xa5);
  const end = writeBatchVerdict(b, 0, 65535, 0xffffffff, nfQueueNr(3), 1);
  assert.equal(end, 40);
  assert.deepEqual([...b.subarray(4, 8)], [...h16(0x0303), ...h16(1)]);
  assert.deepEqual(parseVerdicts(b, end), [
    {
      batch: true,
      queue: 65535,
      id: 0xffffffff,
      verdict: 0x00030003,
      mark: 1,
      connmark: KEEP_MARK,
    },
  ]);
});

test('nfqueue verdict: mark 0 is sent (it clears a mark), KEEP_MARK is not', () => {
  const b = new Uint8Array(64);
  assert.equal(writeVerdict(b, 0, 0, 1, NF_ACCEPT, 0, KEEP_MARK), 40);
  assert.equal(parseVerdicts(b, 40)[0].mark, 0);
});

interface Staged {
  id: number;
  verdict: number;
  mark: number;
  connmark: number;
}

/** What the kernel does with the messages: single verdicts by id, batches for every queued id ≤ max. */
function applyLikeKernel(pending: Staged[], datagram: Uint8Array): Map<number, Omit<Staged, 'id'>> {
  const queued = new Set(pending.map((p) => p.id));
  const got = new Map<number, Omit<Staged, 'id'>>();
  for (const v of parseVerdicts(datagram)) {
    const ids = v.batch ? [...queued].filter((id) => id <= v.id) : [v.id];
    assert.ok(ids.length > 0, `verdict for id ${v.id} finds nothing queued (ENOENT)`);
    for (const id of ids) {
      assert.ok(queued.delete(id), `id ${id} given two verdicts, or never queued`);
      got.set(id, { verdict: v.verdict, mark: v.mark, connmark: v.connmark });
    }
  }
  assert.equal(queued.size, 0, `ids left without a verdict: ${[...queued]}`);
  return got;
}

const stagedTurn = fc
  .tuple(
    fc.integer({ min: 1, max: 1_000_000 }),
    fc.array(
      fc.record({
        verdict: fc.constantFrom(NF_ACCEPT, NF_DROP, NF_REPEAT),
        mark: fc.constantFrom(KEEP_MARK, 0, 7, 0xffffffff),
        connmark: fc.constantFrom(KEEP_MARK, KEEP_MARK, KEEP_MARK, 7),
      }),
      { minLength: 1, maxLength: 80 },
    ),
    fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 80, maxLength: 80 }),
  )
  .map(([first, rows, gaps]) => {
    // increasing ids, with gaps (packets the kernel could not deliver: not queued any more)
    let id = first;
    return rows.map((r, i) => ({ ...r, id: (id += gaps[i]) }));
  });

test('nfqueue verdict batch: every staged packet gets exactly its verdict, however the turn is split (property)', () => {
  fc.assert(
    fc.property(stagedTurn, fc.boolean(), (turn, useBatch) => {
      const vb = new VerdictBatch(0, 4, useBatch);
      for (const s of turn) vb.stage(s.id, s.verdict, s.mark, s.connmark);
      const b = new Uint8Array(vb.maxBytes);
      const len = vb.write(b);
      assert.equal(vb.count, 0);
      const got = applyLikeKernel(turn, b.subarray(0, len));
      for (const s of turn)
        assert.deepEqual(got.get(s.id), { verdict: s.verdict, mark: s.mark, connmark: s.connmark });
    }),
  );
});

test('nfqueue verdict batch: a uniform turn is one batch message; a connmark breaks the run', () => {
  const vb = new VerdictBatch(2);
  for (let id = 10; id < 42; id++) vb.stage(id, NF_ACCEPT, KEEP_MARK, KEEP_MARK);
  const b = new Uint8Array(vb.maxBytes);
  const len = vb.write(b);
  assert.deepEqual(parseVerdicts(b, len), [
    { batch: true, queue: 2, id: 41, verdict: NF_ACCEPT, mark: KEEP_MARK, connmark: KEEP_MARK },
  ]);
  assert.equal(vb.batchedPackets, 32);
  vb.stage(50, NF_ACCEPT, KEEP_MARK, KEEP_MARK);
  vb.stage(51, NF_ACCEPT, KEEP_MARK, KEEP_MARK);
  vb.stage(52, NF_ACCEPT, 7, 7);
  vb.stage(53, NF_ACCEPT, KEEP_MARK, KEEP_MARK);
  const len2 = vb.write(b);
  assert.deepEqual(
    parseVerdicts(b, len2).map((v) => [v.batch, v.id]),
    [
      [true, 51],
      [false, 52],
      [false, 53],
    ],
  );
  assert.equal(vb.write(b), 0);
});

test('nfqueue config: bind message bytes and config round trip (property)', () => {
  const w = new NlWriter();
  writeNfqConfig(w, 5, 3, { command: NFQNL_CFG_CMD_BIND });
  assert.deepEqual(
    [...w.finish()],
    [
      ...h32(28),
      ...h16(0x0302),
      ...h16(0x0005),
      ...h32(5),
      ...h32(0),
      0,
      0,
      0,
      3,
      ...h16(8),
      ...h16(1),
      NFQNL_CFG_CMD_BIND,
      0,
      0,
      0,
    ],
  );
  writeNfqConfig(w, 6, 3, { copyMode: NFQNL_COPY_PACKET, copyRange: 0xffff });
  const params = w.finish();
  // struct nfqnl_msg_config_params is packed: 5 bytes, then padding
  assert.deepEqual(
    [...params.subarray(20, 32)],
    [...h16(9), ...h16(2), 0, 0, 0xff, 0xff, 2, 0, 0, 0],
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.record(
        {
          command: fc.integer({ min: 0, max: 4 }),
          pf: fc.integer({ min: 0, max: 0xffff }),
          copyMode: fc.integer({ min: 0, max: 2 }),
          copyRange: fc.integer({ min: 0, max: 0xffffffff }),
          maxLen: fc.integer({ min: 0, max: 0xffffffff }),
          flags: fc.integer({
            min: 0,
            max: NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_CONNTRACK | NFQA_CFG_F_GSO,
          }),
          mask: fc.integer({ min: 0, max: 0xffffffff }),
        },
        { requiredKeys: [] },
      ),
      (queue, cfg) => {
        const c = structuredClone(cfg);
        if (c.command !== undefined && c.pf === undefined) c.pf = 0;
        if (c.pf !== undefined && c.command === undefined) delete c.pf;
        if (c.copyRange !== undefined && c.copyMode === undefined) delete c.copyRange;
        if (c.copyMode !== undefined && c.copyRange === undefined) c.copyRange = 0xffff;
        if (c.flags !== undefined && c.mask === undefined) c.mask = c.flags;
        if (c.mask !== undefined && c.flags === undefined) c.flags = 0;
        writeNfqConfig(w, 1, queue, cfg);
        assert.deepEqual(parseNfqConfig(w.finish()), { queue, family: 0, ...c });
      },
    ),
  );
});
