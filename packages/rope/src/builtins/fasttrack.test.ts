// The built-in fasttrack.rope, signature by signature, over IPv4 and IPv6. No FastTrack client
// runs here, so every packet is built from the protocol's descriptions: giFT-FastTrack's
// fst_udp_discover.c (the UDP ping: 0x27, the minimum encryption type 0x29 as a big-endian u32,
// 0x80, the network name "KaZaA" with its NUL; the pong: 0x28, the encryption type, 0x00, one
// byte, four bytes, the name), a ping and pong as a Debian firewall list quoted them in 2003
// ("'...).KaZaA." and "(...).6..'.KaZaA."), the X-Kazaa-* headers of downloads and l7-filter's
// paths. Look-alikes that IPP2P (xt_ipp2p.c) would accept must not match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertEverySignature,
  builtin,
  bytes,
  c,
  labelledAt,
  matches,
  noise,
  s,
  over,
} from './harness.test.js';
import { assertNoLookAlike } from './look-alikes.test.js';

const ft = builtin('fasttrack');
const tcp = over('tcp', 1214);
const udp = over('udp', 1214);
const UUHASH = '0123456789abcdef0123456789abcdef01234567'; // 20 bytes in hex

test('downloads: GET /.hash=<UUHash> and the client service paths', () => {
  const get = (path: string) =>
    tcp(c(`GET ${path} HTTP/1.1\r\nHost: 198.51.100.20:1214\r\nUser-Agent: Mozilla\r\n\r\n`));
  assert.ok(matches(ft, get(`/.hash=${UUHASH}`)));
  assert.ok(matches(ft, get(`/.hash=${UUHASH.toUpperCase()}/song.mp3`)));
  assert.ok(matches(ft, get('/.download/12345/song.mp3')));
  assert.ok(matches(ft, get('/.supernode')));
  // a hash of another length, a path that only looks alike, the words outside a request line
  assert.ok(!matches(ft, get(`/.hash=${UUHASH.slice(2)}`)));
  assert.ok(!matches(ft, get('/hash=' + UUHASH)));
  assert.ok(!matches(ft, tcp(c(`POST /x HTTP/1.1\r\n\r\nGET /.hash=${UUHASH} HTTP/1.1\r\n`))));
});

test('downloads: Kazaa header fields in a request or a response head', () => {
  assert.equal(
    labelledAt(
      ft,
      tcp(
        c('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n'),
        s(
          'HTTP/1.0 503 Service Unavailable\r\nRetry-After: 300\r\nX-Kazaa-Username: jdoe\r\nX-Kazaa-Network: KaZaA\r\nX-Kazaa-IP: 192.0.2.10:1214\r\nX-Kazaa-SupernodeIP: 203.0.113.5:1214\r\n\r\n',
        ),
      ),
    ),
    1,
  );
  assert.ok(
    matches(ft, tcp(c('GET /x HTTP/1.1\r\nx-kazaatag: 5=Song\r\nX-Kazaa-XferUid: 77\r\n\r\n'))),
  );
  assert.ok(matches(ft, tcp(c('GET /x HTTP/1.1\r\nUser-Agent: KazaaClient Nov  3 2002\r\n\r\n'))));
  assert.ok(matches(ft, tcp(c('GET /x HTTP/1.1\r\nUser-Agent: PeerEnabler/2.5\r\n\r\n'))));
  // in a body, or in a value
  assert.ok(
    !matches(
      ft,
      tcp(c('POST /x HTTP/1.1\r\nContent-Length: 30\r\n\r\nX-Kazaa-Username: jdoe\r\n')),
    ),
  );
  assert.ok(!matches(ft, tcp(c('GET /x HTTP/1.1\r\nReferer: http://a/X-Kazaa-IP:\r\n\r\n'))));
  assert.ok(!matches(ft, tcp(c('GET /x HTTP/1.1\r\nUser-Agent: Mozilla (Kazaa)\r\n\r\n'))));
});

test('push: GIVE <number> alone, the first line of its connection', () => {
  assert.equal(labelledAt(ft, tcp(c('GIVE 1234567\r\n'))), 0);
  assert.ok(matches(ft, tcp(s('GIVE 88\n'))));
  assert.ok(!matches(ft, tcp(c('hello'), c('GIVE 1234567\r\n'))));
  assert.ok(!matches(ft, tcp(c('GIVE 1234567\r\nand more'))));
  assert.ok(!matches(ft, tcp(c('GIVE me that\r\n'))));
});

test('UDP: the supernode ping and pong', () => {
  const ping = (name = 'KaZaA') => bytes([0x27, 0x00, 0x00, 0x00, 0x29, 0x80], name, [0]);
  const pong = (name = 'KaZaA') =>
    bytes([0x28, 0x00, 0x00, 0x00, 0x29, 0x00, 0x36, 0x01, 0x00, 0x27, 0x00], name, [0]);
  assert.equal(labelledAt(ft, udp(c(ping()))), 0);
  assert.equal(labelledAt(ft, udp(c(noise(40, 2)), s(pong()))), 1);
  assert.ok(matches(ft, udp(c(ping('iMesh')))));
  // IPP2P takes any datagram ending "KaZaA\0"
  assert.ok(!matches(ft, udp(c(bytes(noise(30, 3), 'KaZaA', [0])))));
  assert.ok(!matches(ft, udp(c(bytes([0x27, 0x00, 0x00, 0x01, 0x29, 0x80], 'KaZaA', [0])))));
  assert.ok(!matches(ft, udp(c(bytes(ping(), [0])))));
  assert.ok(!matches(ft, udp(c(bytes([0x27, 0x00, 0x00, 0x00, 0x29, 0x80], 'KaZaA')))));
  assert.ok(!matches(ft, udp(c(bytes([0x27, 0x00, 0x00, 0x00, 0x29, 0x80], '\x01\x02', [0])))));
});

test('not FastTrack: other protocols', () => {
  assertNoLookAlike(ft);
});

test('every signature names itself in via', () => {
  assertEverySignature('fasttrack', [
    ['fasttrack-download', tcp(c(`GET /.hash=${UUHASH} HTTP/1.1\r\nHost: x\r\n\r\n`))],
    ['fasttrack-headers', tcp(c('GET /x HTTP/1.1\r\nUser-Agent: PeerEnabler/2.5\r\n\r\n'))],
    ['fasttrack-give', tcp(c('GIVE 1234567\r\n'))],
    ['fasttrack-ping', udp(c(bytes([0x27, 0x00, 0x00, 0x00, 0x29, 0x80], 'KaZaA', [0])))],
    [
      'fasttrack-pong',
      udp(
        s(bytes([0x28, 0x00, 0x00, 0x00, 0x29, 0x00, 0x36, 0x01, 0x00, 0x27, 0x00], 'KaZaA', [0])),
      ),
    ],
  ]);
});
