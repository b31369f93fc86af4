import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIpv4, formatIpv6 } from '../../wire/address.js';
import { NlMsgView } from '../message.js';
import { NlWriter } from '../writer.js';
import {
  INET_DIAG_NOCOOKIE,
  INET_DIAG_REQ_V2_LEN,
  SOCK_DIAG_BY_FAMILY,
  TCP_ESTABLISHED,
} from './constants.js';
import {
  decodeDiagMsg,
  encodeDiagMsg,
  putDiagRequest,
  putSocketId,
  readDiagRequest,
  readSocketId,
  type TcpSocketInfo,
} from './inet-diag.js';
import { matchesSocket } from './client.js';

// The reply for an established loopback socket 127.0.0.1:44106 -> 127.0.0.1:8080 (Linux 6.18,
// INET_DIAG_SHUTDOWN and INET_DIAG_MARK requested).
const DIAG =
  '94000000140002000201bc67403a400802010000ac4a1f907f0000010000000000000000000000007f00000100000000000000000000000000000000190000000000000000000000000000000000000000000000f2890300050008000000000008000f00000000000c001500010000000000000006001600520000001800100000000000000000001d0000000001000000010000';

test('decodes a real inet_diag_msg: family, state, both ends, cookie, inode, attributes', () => {
  const b = Buffer.from(DIAG, 'hex');
  const m = new NlMsgView().reset(b, 0);
  const s = decodeDiagMsg(b, m.payloadOffset, m.end);
  assert.equal(s.family, 2);
  assert.equal(s.state, TCP_ESTABLISHED);
  assert.equal(s.src, '127.0.0.1');
  assert.equal(s.srcPort, 44106);
  assert.equal(s.dst, '127.0.0.1');
  assert.equal(s.dstPort, 8080);
  assert.equal(s.cookie, 25n);
  assert.equal(s.inode, 231922);
  assert.equal(s.shutdown, 0);
  assert.equal(s.mark, 0);
  assert.equal(s.md5, undefined);
  assert.ok(matchesSocket(s, { port: 8080 }));
  assert.ok(matchesSocket(s, { remoteAddress: '127.0.0.1', localPort: 44106 }));
  assert.equal(matchesSocket(s, { localPort: 8080 }), false);
});

test('a destroy request names the socket exactly, cookie included', () => {
  const b = Buffer.alloc(INET_DIAG_REQ_V2_LEN);
  putDiagRequest(b, 0, {
    family: 10,
    protocol: 6,
    states: 0xffffffff,
    id: {
      src: '2001:db8::1',
      srcPort: 80,
      dst: '2001:db8::2',
      dstPort: 40000,
      cookie: 0x1122334455667788n,
    },
  });
  assert.deepEqual(readSocketId(b, 8, 10), {
    family: 10,
    src: '2001:db8::1',
    srcPort: 80,
    dst: '2001:db8::2',
    dstPort: 40000,
    ifindex: 0,
    cookie: 0x1122334455667788n,
  });
  putSocketId(b, 8, { src: '192.0.2.1', dst: '192.0.2.2' });
  assert.equal(readSocketId(b, 8, 2).cookie, INET_DIAG_NOCOOKIE);
});

test('property: socket ids round-trip', () => {
  fc.assert(
    fc.property(
      fc.nat(65535),
      fc.nat(65535),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      fc.nat(0xffffffff),
      (sp, dp, cookie, ifindex) => {
        const b = Buffer.alloc(48);
        const id = {
          family: 2,
          src: '198.51.100.7',
          srcPort: sp,
          dst: '203.0.113.9',
          dstPort: dp,
          ifindex,
          cookie,
        };
        putSocketId(b, 0, id);
        assert.deepEqual(readSocketId(b, 0, 2), id);
      },
    ),
  );
});

/** encodeDiagMsg into a whole message, decoded back. */
function roundTrip(s: TcpSocketInfo): TcpSocketInfo {
  const w = new NlWriter().begin(SOCK_DIAG_BY_FAMILY, 0, 1);
  encodeDiagMsg(w, s);
  const b = w.finish();
  const m = new NlMsgView().reset(b, 0);
  return decodeDiagMsg(b, m.payloadOffset, m.end);
}

test('encodeDiagMsg writes what decodeDiagMsg read from the kernel', () => {
  const b = Buffer.from(DIAG, 'hex');
  const m = new NlMsgView().reset(b, 0);
  const s = decodeDiagMsg(b, m.payloadOffset, m.end);
  assert.deepEqual(roundTrip(s), s);
  const sent = Buffer.alloc(INET_DIAG_REQ_V2_LEN);
  putDiagRequest(sent, 0, { family: 2, protocol: 6, ext: 0x81, states: 0xfff, id: s });
  assert.deepEqual(readDiagRequest(sent, 0), {
    family: 2,
    protocol: 6,
    ext: 0x81,
    states: 0xfff,
    id: readSocketId(b, m.payloadOffset + 4, 2),
  });
});

test('property: encodeDiagMsg and decodeDiagMsg are inverses', () => {
  const u32 = fc.nat(0xffffffff);
  const socket = fc.boolean().chain((v6) => {
    const addr = fc
      .uint8Array({ minLength: v6 ? 16 : 4, maxLength: v6 ? 16 : 4 })
      .map((b) => (v6 ? formatIpv6(b) : formatIpv4(b)));
    return fc.record(
      {
        family: fc.constant(v6 ? 10 : 2),
        src: addr,
        srcPort: fc.nat(65535),
        dst: addr,
        dstPort: fc.nat(65535),
        ifindex: u32,
        cookie: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        state: fc.nat(12),
        uid: u32,
        inode: u32,
        rqueue: u32,
        wqueue: u32,
        mark: u32,
        shutdown: fc.nat(3),
        md5: fc.constant(true),
        ulp: fc.constantFrom('tls', 'mptcp'),
      },
      {
        requiredKeys: [
          'family',
          'src',
          'srcPort',
          'dst',
          'dstPort',
          'ifindex',
          'cookie',
          'state',
          'uid',
          'inode',
          'rqueue',
          'wqueue',
        ],
      },
    );
  });
  // fast-check's records have no prototype; the decoder's do
  fc.assert(fc.property(socket, (s) => assert.deepEqual(roundTrip({ ...s }), { ...s })));
});
