import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  encodeTcpOptions,
  readTcpOptions,
  TcpOptions,
  TcpOptionWalk,
  TCPOPT_AO,
  TCPOPT_MD5SIG,
  TCPOPT_MPTCP,
  TCPOPT_TIMESTAMP,
} from './tcp-options.js';

const kinds = (w: TcpOptionWalk) => {
  const out: [number, number, string | null][] = [];
  while (w.next()) out.push([w.kind, w.length, w.fault?.reason ?? null]);
  return out;
};

test('the walk visits every option but NOPs, stops at EOL, and visits a broken option last', () => {
  const w = new TcpOptionWalk();
  // NOP NOP timestamps(10), MSS(4), EOL, then bytes that are not options
  const b = Uint8Array.from([1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 2, 4, 5, 0xb4, 0, 19, 18]);
  assert.deepEqual(kinds(w.reset(b, 0, b.length)), [
    [TCPOPT_TIMESTAMP, 10, null],
    [2, 4, null],
  ]);
  assert.deepEqual(kinds(w.reset(Uint8Array.from([1, 19]), 0, 2)), [
    [TCPOPT_MD5SIG, 0, 'option 19 has no length byte'],
  ]);
  assert.deepEqual(kinds(w.reset(Uint8Array.from([8, 0, 19, 18]), 0, 4)), [
    [TCPOPT_TIMESTAMP, 0, 'option 8 has length 0'],
  ]);
  assert.deepEqual(kinds(w.reset(Uint8Array.from([30, 12, 0, 0]), 0, 4)), [
    [TCPOPT_MPTCP, 0, 'option 30 of 12 bytes runs past the header'],
  ]);
  // an offset into a larger buffer: nothing before or after the range is read
  const framed = Uint8Array.from([30, 3, 0x20, 1, 19, 18]);
  assert.deepEqual(kinds(w.reset(framed, 1, 3)), [
    [3, 0, 'option 3 of 32 bytes runs past the header'],
  ]);
});

test('the walk ends inside its range on any bytes', () => {
  const w = new TcpOptionWalk();
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 48 }), fc.nat(8), (b, cut) => {
      const off = Math.min(cut, b.length);
      w.reset(b, off, b.length - off);
      let steps = 0;
      while (w.next()) {
        assert.ok(w.offset >= off && w.offset < b.length);
        assert.ok(w.length === 0 || w.offset + w.length <= b.length);
        assert.ok(++steps <= 40);
      }
    }),
  );
});

test('TCP-MD5, TCP-AO, MPTCP and Fast Open are read; an MD5 digest encodes as Linux sends it', () => {
  const digest = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  const bytes = encodeTcpOptions({ md5Digest: digest, timestamp: { val: 7, ecr: 9 } });
  assert.deepEqual([...bytes.subarray(0, 4)], [1, 1, TCPOPT_MD5SIG, 18]);
  const o = new TcpOptions();
  assert.equal(readTcpOptions(bytes, 0, bytes.length, o), null);
  assert.deepEqual(bytes.subarray(o.md5Digest, o.md5Digest + 16), digest);
  assert.deepEqual([o.hasTimestamp, o.tsVal, o.tsEcr], [true, 7, 9]);

  // TCP-AO with KeyID 5, RNextKeyID 6 and a 12-byte MAC; MPTCP DSS (subtype 2); Fast Open cookie
  const ao = [TCPOPT_AO, 16, 5, 6, ...new Array(12).fill(0xaa)];
  const rest = [TCPOPT_MPTCP, 4, 0x20, 0x01, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8];
  const more = Uint8Array.from([...ao, ...rest]);
  assert.equal(readTcpOptions(more, 0, more.length, o), null);
  assert.deepEqual(
    [o.aoKeyId, o.aoRnextKeyId, o.aoMac, o.aoMacLength, o.md5Digest],
    [5, 6, 4, 12, -1],
  );
  assert.equal(o.mptcpSubtype, 2);
  assert.deepEqual([o.fastOpenCookie, o.fastOpenCookieLength], [22, 8]);
  assert.match(
    readTcpOptions(Uint8Array.from([19, 10, 0, 0, 0, 0, 0, 0, 0, 0]), 0, 10, o)!.reason,
    /MD5 signature option has length 10, not 18/,
  );
  assert.throws(() => encodeTcpOptions({ md5Digest: new Uint8Array(4) }), RangeError);
});
