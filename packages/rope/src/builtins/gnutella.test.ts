// The built-in gnutella.rope, signature by signature, over IPv4 and IPv6: packets built from the
// protocol specifications (Gnutella 0.6, HUGE, G2, Mojito, gtk-gnutella's semi-reliable UDP)
// that must match, and look-alikes that must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertEverySignature,
  builtin,
  bytes,
  c,
  hex,
  labelledAt,
  le32,
  matches,
  noise,
  s,
  over,
} from './harness.test.js';

const gn = builtin('gnutella');
const tcp = over('tcp', 6346);
const udp = over('udp', 6346);
const GUID = '0123456789abcdef0123456789ABCDEF';

test('handshake: GNUTELLA CONNECT/<version> (0.6 with CRLF, 0.4 with LF) and the answer', () => {
  assert.equal(
    labelledAt(
      gn,
      tcp(c('GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire/5.5.16\r\nX-Ultrapeer: False\r\n\r\n')),
    ),
    0,
  );
  assert.ok(matches(gn, tcp(c('GNUTELLA CONNECT/0.4\n\n'))));
  assert.ok(
    matches(
      gn,
      tcp(
        c(noise(20)),
        s(
          'GNUTELLA/0.6 503 Too many leaf connections (300 max)\r\nUser-Agent: gtk-gnutella/1.2.2\r\n\r\n',
        ),
      ),
    ),
  );
  assert.ok(matches(gn, tcp(c(noise(20)), s('GNUTELLA OK\n\n'))));
  assert.ok(!matches(gn, tcp(c('GNUTELLA CONNECT/x.6\r\n'))));
  assert.ok(!matches(gn, tcp(c('GNUTELLA CONNECT/0.6 please'))));
  assert.ok(!matches(gn, tcp(c('GNUTELLA/0.6 OK\r\n'))));
});

test('push and queue: GIV, QUEUE, PUSH', () => {
  assert.ok(matches(gn, tcp(c(`GIV 1234:${GUID}/song.mp3\n\n`))));
  assert.ok(matches(gn, tcp(c(`QUEUE ${GUID} 192.0.2.10:6346\r\n`))));
  assert.ok(matches(gn, tcp(c(`PUSH guid:${GUID}\r\n\r\n`))));
  assert.ok(!matches(gn, tcp(c('GIV 1234:0123/song.mp3\n\n'))), 'a GUID has 32 hex digits');
  assert.ok(!matches(gn, tcp(c(`QUEUE ${GUID} somewhere\r\n`))));
});

test('transfers over HTTP to Gnutella paths', () => {
  const get = (line: string, headers = '') =>
    tcp(c(`${line} HTTP/1.1\r\nHost: 198.51.100.20:6346\r\n${headers}\r\n`));
  assert.ok(matches(gn, get('GET /uri-res/N2R?urn:sha1:LXIP2A72T5H3BU3GRUMZFYNU3OYDK6FI')));
  assert.ok(matches(gn, get('GET /uri-res/n2r?urn:bitprint:LXIP2A72T5H3BU3GRUMZFYNU3OYDK6FI.ABC')));
  assert.ok(matches(gn, get('GET /uri-res/N2X?urn:sha1:LXIP2A72T5H3BU3GRUMZFYNU3OYDK6FI')));
  assert.ok(matches(gn, get('GET /get/17/song.mp3?urn:sha1:LXIP2A72T5H3BU3GRUMZFYNU3OYDK6FI')));
  assert.ok(matches(gn, get('GET /gnutella/thex/v3?urn:tree:tiger/:ABCDEF;1024')));
  assert.ok(matches(gn, get('GET /gnutella/tigertree/v3?urn:tree:tiger/:ABCDEF')));
  assert.ok(matches(gn, get('HEAD /gnutella/push-proxy?ServerId=ABCDEFGHIJKLMNOPQRSTUV')));
  assert.ok(matches(gn, get('GET /gnet/push-proxy?guid=0123456789ABCDEF0123456789ABCDEF')));
  // a download by index, from a Gnutella servent only
  assert.ok(matches(gn, get('GET /get/17/song.mp3', 'User-Agent: LimeWire/4.18.8\r\n')));
  assert.ok(!matches(gn, get('GET /get/17/song.mp3', 'User-Agent: Mozilla/5.0\r\n')));
  assert.ok(!matches(gn, get('GET /get/17/song.mp3')));
  assert.ok(!matches(gn, get('GET /uri-res/other')));
});

test("Gnutella's own header fields and media types, in the head only", () => {
  assert.ok(matches(gn, tcp(c('GET /f HTTP/1.1\r\nX-Gnutella-Content-URN: urn:sha1:ABC\r\n\r\n'))));
  assert.ok(
    matches(
      gn,
      tcp(
        c('GET /f HTTP/1.1\r\nHost: x\r\n\r\n'),
        s('HTTP/1.1 503 Busy\r\nServer: BearShare 5.2\r\nX-Queue: position=2,length=5\r\n\r\n'),
      ),
    ),
  );
  assert.ok(
    matches(
      gn,
      tcp(
        c('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
        s('HTTP/1.1 200 OK\r\ncontent-type: application/x-gnutella-packets\r\n\r\n'),
      ),
    ),
  );
  assert.ok(
    matches(
      gn,
      tcp(
        c('GET / HTTP/1.1\r\nHost: x\r\nAccept: text/html, application/x-gnutella-packets\r\n\r\n'),
      ),
    ),
  );
  // after the empty line it is body
  assert.ok(
    !matches(
      gn,
      tcp(
        c('GET /f HTTP/1.1\r\n\r\n'),
        s('HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\nX-Gnutella-Content-URN: urn:sha1:ABC\r\n'),
      ),
    ),
  );
  assert.ok(!matches(gn, tcp(c('GET /f HTTP/1.1\r\nX-Not-Gnutella-Content: 1\r\n\r\n'))));
});

test('a Gnutella client name alone is not Gnutella: SSDP, web requests', () => {
  assert.ok(
    !matches(gn, {
      l4: 'udp',
      serverPort: 1900,
      steps: [
        c(
          'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSER-AGENT: gtk-gnutella/1.2.2 UPnP/1.1\r\n\r\n',
        ),
      ],
    }),
  );
  assert.ok(
    !matches(gn, tcp(c('GET /index.html HTTP/1.1\r\nUser-Agent: gtk-gnutella/1.2.2\r\n\r\n'))),
  );
  assert.ok(
    !matches(
      gn,
      tcp(
        c('GET /gwc.php?client=GTKG&hostfile=1 HTTP/1.0\r\nUser-Agent: gtk-gnutella/1.2.2\r\n\r\n'),
      ),
    ),
  );
});

/** A Gnutella 0.6 message: GUID, descriptor, TTL, hops, little-endian size, payload. */
const message = (
  fn: number,
  ttl: number,
  hops: number,
  payload: Uint8Array | string,
  size?: number,
) => {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  return bytes(noise(16, fn + 1), [fn, ttl, hops], le32(size ?? p.length), p);
};

test('Gnutella 0.6 messages over UDP: the size field is the rest of the datagram', () => {
  assert.ok(matches(gn, udp(c(message(0x00, 1, 0, '')))));
  assert.ok(
    matches(
      gn,
      udp(s(message(0x01, 1, 0, bytes([0xe2, 0x18, 198, 51, 100, 20], le32(10), le32(2000))))),
    ),
  );
  assert.ok(matches(gn, udp(c(message(0x80, 2, 0, '\x00\x00song\x00')))));
  assert.ok(matches(gn, udp(c(message(0x31, 1, 0, noise(30))))));
  assert.ok(
    matches(gn, udp(c(message(0x81, 1, 1, noise(60), 60 | 0x80000000)))),
    'size marked as carrying flags',
  );
  assert.ok(matches(gn, udp(c(message(0x00, 0x89, 0, '')))), 'TTL with the deflate-capable mark');
  assert.ok(!matches(gn, udp(c(message(0x00, 1, 0, 'x', 2)))), 'size one too large');
  assert.ok(!matches(gn, udp(c(message(0x99, 1, 0, 'abc')))), 'no such descriptor');
  assert.ok(!matches(gn, udp(c(new Uint8Array(23)))), 'zeros: no TTL');
  assert.ok(
    !matches(gn, udp(c(message(0x81, 1, 1, noise(60), 60 | 0x00010000)))),
    'flags without the mark',
  );
});

/** A Mojito (Kademlia) message: the 61-byte header, then the body. */
const mojito = (opcode: number, vendor: string, addrLength = 4, body: Uint8Array = noise(20)) =>
  bytes(
    noise(16, 3),
    [0x44, 0, 0],
    le32(61 - 23 + body.length),
    [opcode],
    vendor,
    [0, 0],
    noise(20, 4),
    [addrLength],
    [198, 51, 100, 20],
    [0x18, 0xca],
    [1, 0],
    [0, 0],
    body,
  );

test('Mojito DHT messages', () => {
  assert.ok(matches(gn, udp(c(mojito(0x05, 'GTKG')))));
  assert.ok(matches(gn, udp(c(mojito(0x02, 'LIME')))));
  assert.ok(!matches(gn, udp(c(mojito(0x0b, 'GTKG')))), 'no such opcode');
  assert.ok(!matches(gn, udp(c(mojito(0x05, 'GTKG', 16)))), 'the contact address is always IPv4');
  assert.ok(!matches(gn, udp(c(mojito(0x05, 'G\x00\x01G')))), 'vendor codes are letters');
});

test('Gnutella2 and gtk-gnutella semi-reliable UDP (GND, GTA)', () => {
  const deflated = bytes('GND', [0x01], [0xab, 0x55], [1, 1], hex('789c'), noise(40));
  assert.ok(matches(gn, udp(c(deflated))));
  assert.ok(
    matches(gn, udp(c(bytes('GND', [0x10], [0x3f, 0x85], [1, 1], 'LAQ2P\x0aUDP', noise(30))))),
  );
  assert.ok(matches(gn, udp(c(bytes('GTA', [0x02], [0, 7], [2, 3], noise(100))))));
  assert.ok(
    matches(gn, udp(c(bytes('GTA', [0x02], [0, 8], [1, 1], message(0x81, 1, 0, noise(50)))))),
  );
  assert.ok(
    !matches(gn, udp(c(bytes('GTA', [0x02], [0, 8], [1, 1], noise(60))))),
    'a plain GTA part holds a Gnutella message',
  );
  assert.ok(matches(gn, udp(c(bytes('GND', [0x00], [0, 7], [1, 0])))), 'an acknowledgement');
  assert.ok(
    !matches(gn, udp(c(bytes('GND', [0x04], [0, 7], [1, 1], noise(20))))),
    'critical flag set',
  );
  assert.ok(!matches(gn, udp(c(bytes('GND', [0x00], [0, 7], [0, 1], noise(20))))), 'part 0');
  assert.ok(
    !matches(gn, udp(c(bytes('GND', [0x00], [0, 7], [3, 2], noise(20))))),
    'part beyond the count',
  );
  assert.ok(
    !matches(gn, udp(c(bytes('GND', [0x01], [0, 7], [1, 0])))),
    'a deflated acknowledgement',
  );
  assert.ok(
    !matches(gn, udp(c(bytes('GND', [0x00], [0, 7], [1, 0], noise(40))))),
    'an acknowledgement with a payload',
  );
  assert.ok(
    !matches(gn, udp(c(bytes('GND', [0x01], [0, 7], [1, 1], hex('1f8b'), noise(20))))),
    'not a zlib header',
  );
});

test('other UDP traffic stays unlabelled: DNS, STUN, RTP, DTLS, QUIC', () => {
  const others = [
    hex('1234 0100 0001 0000 0000 0000 076578616d706c65 03636f6d 00 0001 0001'),
    hex('0001 0000 2112a442 000102030405060708090a0b'),
    bytes(hex('8060 0001 00000010 12345678'), noise(160)),
    bytes(hex('16fefd 0000 0000 0000 0000 0050 01 00004c'), noise(76)),
    bytes(hex('c3 00000001 08'), noise(1200)),
  ];
  for (const o of others)
    assert.ok(!matches(gn, udp(c(o), s(o))), Buffer.from(o.subarray(0, 6)).toString('hex'));
});

test('every signature names itself in via', () => {
  assertEverySignature('gnutella', [
    ['gnutella-handshake', tcp(c('GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire/5.5.16\r\n\r\n'))],
    ['gnutella-handshake-reply', tcp(c(noise(20)), s('GNUTELLA/0.6 200 OK\r\n\r\n'))],
    ['gnutella-handshake-reply', tcp(c(noise(20)), s('GNUTELLA OK\n\n'))],
    ['gnutella-push', tcp(c(`GIV 1234:${GUID}/song.mp3\n\n`))],
    ['gnutella-push', tcp(c(`PUSH guid:${GUID}\r\n\r\n`))],
    [
      'gnutella-download',
      tcp(c('GET /uri-res/N2R?urn:sha1:LXIP2A72T5H3BU3GRUMZFYNU3OYDK6FI HTTP/1.1\r\n\r\n')),
    ],
    [
      'gnutella-http-headers',
      tcp(c('GET /f HTTP/1.1\r\nX-Gnutella-Content-URN: urn:sha1:ABC\r\n\r\n')),
    ],
    [
      'gnutella-download-by-index',
      tcp(c('GET /get/17/song.mp3 HTTP/1.1\r\nUser-Agent: LimeWire/4.18.8\r\n\r\n')),
    ],
    ['gnutella-udp-message', udp(c(message(0x80, 2, 0, '\x00\x00song\x00')))],
    ['gnutella-mojito', udp(c(mojito(0x05, 'GTKG')))],
    ['gnutella-udp-transport', udp(c(bytes('GND', [0x00], [0, 7], [1, 0])))],
    ['gnutella-udp-transport', udp(c(bytes('GTA', [0x02], [0, 7], [2, 3], noise(100))))],
  ]);
});
