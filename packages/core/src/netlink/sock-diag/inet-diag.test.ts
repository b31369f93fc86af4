import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NlMsgView } from '../message.js';
import { INET_DIAG_NOCOOKIE, INET_DIAG_REQ_V2_LEN, TCP_ESTABLISHED } from './constants.js';
import { decodeDiagMsg, putDiagRequest, putSocketId, readSocketId } from './inet-diag.js';
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
