// DirectIo on a real datagram socket pair (AF_UNIX keeps datagram boundaries as netlink does, and
// needs no privilege): runs of datagrams land in their slots with their lengths, an empty socket
// reads as 0, a datagram longer than its slot is flagged, send() delivers at once, and
// waitReadable() says whether a datagram waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { DirectIo } from './direct-io.js';

const require = createRequire(import.meta.url);
const koffi = require('koffi') as {
  load(name: string): { func(sig: string): (...a: unknown[]) => number };
};
const libc = koffi.load('libc.so.6');
const socketpair = libc.func('int socketpair(int, int, int, _Out_ int *)');
const close = libc.func('int close(int)');

function pair(): [number, number] {
  const fds = [0, 0];
  // AF_UNIX, SOCK_DGRAM
  assert.equal(socketpair(1, 2, 0, fds), 0);
  return [fds[0], fds[1]];
}

/** A sender with one slot and a receiver with `slots` of `slotBytes` on a fresh pair, closed after. */
function withPair(
  slots: number,
  slotBytes: number,
  fn: (tx: DirectIo, rx: DirectIo) => void,
): void {
  const [a, b] = pair();
  try {
    fn(DirectIo.open(a, 1, 16)!, DirectIo.open(b, slots, slotBytes)!);
  } finally {
    close(a);
    close(b);
  }
}

const available = DirectIo.open(-1, 1, 16) !== null;
const skip = available ? false : 'direct I/O needs koffi on an LP64 Linux';

test('a run of datagrams lands in its slots, in order, with their lengths', { skip }, () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 256 }), { minLength: 1, maxLength: 20 }),
      (datagrams) => {
        const [a, b] = pair();
        try {
          const tx = DirectIo.open(a, 1, 16)!;
          const rx = DirectIo.open(b, 8, 256)!;
          for (const d of datagrams) assert.equal(tx.send(d, d.length), 0);
          const got: Buffer[] = [];
          for (let n = rx.receive(); n > 0; n = rx.receive()) {
            assert.ok(n <= rx.slots);
            for (let i = 0; i < n; i++) {
              assert.equal(rx.truncated(i), false);
              got.push(Buffer.from(rx.arena.subarray(rx.offset(i), rx.offset(i) + rx.length(i))));
            }
            if (n < rx.slots) break;
          }
          assert.deepEqual(
            got,
            datagrams.map((d) => Buffer.from(d)),
          );
          assert.equal(rx.receive(), 0);
        } finally {
          close(a);
          close(b);
        }
      },
    ),
    { numRuns: 50 },
  );
});

test(
  'a datagram longer than its slot is flagged as truncated, the next one is intact',
  { skip },
  () => {
    withPair(4, 64, (tx, rx) => {
      const long = Buffer.alloc(100, 7);
      const short = Buffer.from('short');
      tx.send(long, long.length);
      tx.send(short, short.length);
      assert.equal(rx.receive(), 2);
      assert.equal(rx.truncated(0), true);
      assert.equal(rx.length(0), 64);
      assert.equal(rx.truncated(1), false);
      assert.equal(
        rx.arena.subarray(rx.offset(1), rx.offset(1) + rx.length(1)).toString(),
        'short',
      );
    });
  },
);

test('a failed send returns the errno', { skip }, () => {
  const [a, b] = pair();
  close(b);
  try {
    const tx = DirectIo.open(a, 1, 16)!;
    // the peer is gone: ECONNREFUSED (111)
    assert.notEqual(tx.send(Buffer.from('x'), 1), 0);
  } finally {
    close(a);
  }
});

test(
  'waitReadable: false when nothing comes within the wait, true once a datagram waits',
  { skip },
  () => {
    withPair(4, 64, (tx, rx) => {
      assert.equal(rx.waitReadable(1), false);
      tx.send(Buffer.from('ping'), 4);
      assert.equal(rx.waitReadable(1000), true);
      assert.equal(rx.receive(), 1);
      assert.equal(rx.waitReadable(0), false, 'read: nothing waits any more');
    });
  },
);
