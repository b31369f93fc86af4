// The built-in bittorrent.rope over TCP, signature by signature, over IPv4 and IPv6: packets
// built from the protocol specifications (BEP 3, the HTTP tracker protocol, Azureus messaging)
// that must match, and look-alikes from other protocols that must not. The UDP signatures (DHT,
// LSD, UDP tracker, Vuze DHT, uTP) are in bittorrent-udp.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BT_INFO_HASH,
  BT_PSTR,
  be16,
  be32,
  builtin,
  btHandshake,
  bytes,
  c,
  hex,
  labelledAt,
  matches,
  noise,
  s,
  type Step,
  over,
} from './harness.test.js';

const bt = builtin('bittorrent');
const tcp = over('tcp');
const udp = over('udp');

/** 20 bytes as a tracker URL writes them: escapes for the unreserved-unsafe ones. */
const urlBytes = (b: Uint8Array) =>
  [...b]
    .map((x) =>
      /[A-Za-z0-9.\-_~]/.test(String.fromCharCode(x))
        ? String.fromCharCode(x)
        : `%${x.toString(16).padStart(2, '0')}`,
    )
    .join('');

test('peer handshake (BEP 3), from either side', () => {
  assert.equal(labelledAt(bt, tcp(c(btHandshake()), s(btHandshake()))), 0);
  assert.equal(labelledAt(bt, tcp(c(noise(68)), s(btHandshake()))), 1);
  // a handshake with the extension messages behind it in the same segment
  assert.ok(
    matches(bt, tcp(c(bytes(btHandshake(), [0, 0, 0, 0x1a, 20, 0], 'd1:md11:ut_metadatai2eee')))),
  );
});

test('peer handshake sent in pieces: the 0x13 alone, or cut anywhere in the protocol name', () => {
  const h = btHandshake();
  assert.equal(labelledAt(bt, tcp(c(h.subarray(0, 1)), c(h.subarray(1)))), 1);
  assert.equal(labelledAt(bt, tcp(c(h.subarray(0, 7)), s('x'), c(h.subarray(7)))), 2);
  assert.equal(
    labelledAt(bt, tcp(c(h.subarray(0, 1)), c(h.subarray(1, 10)), c(h.subarray(10)))),
    2,
  );
  // pieces of two directions do not combine
  assert.ok(!matches(bt, tcp(c(h.subarray(0, 1)), s(h.subarray(1)))));
  // a lone 0x13 followed by something else
  assert.ok(!matches(bt, tcp(c('\x13'), c('BitTorrent protocoX and more'))));
});

test('a plain handshake after an encrypted (MSE) negotiation, up to the 6th packet of a side', () => {
  const steps: Step[] = [];
  // first packets under the 96 bytes of an MSE key: the encrypted handshake's shape alone does
  // not match (bittorrent-hidden.test.ts), the plain handshake must
  for (let i = 0; i < 5; i++) steps.push(c(noise(60 + i, i)), s(noise(64 + i, 10 + i)));
  assert.equal(labelledAt(bt, tcp(...steps, s(btHandshake()))), 10);
  // inside a packet, behind the encrypted verification constant and padding
  assert.equal(
    labelledAt(
      bt,
      tcp(c(noise(96)), s(noise(96, 2)), c(noise(120, 3)), s(bytes(noise(14, 4), btHandshake()))),
    ),
    3,
  );
  // beyond the window (10 payload packets per direction), nothing is looked at
  const late: Step[] = [];
  for (let i = 0; i < 10; i++) late.push(c(noise(50, i)), s(noise(50, 20 + i)));
  assert.ok(!matches(bt, tcp(...late, s(btHandshake()))));
});

test('not BitTorrent: the protocol string inside an HTTP download, or cut short', () => {
  // a client binary served over HTTP holds "\x13BitTorrent protocol"
  const body = bytes('MZ', noise(300), BT_PSTR, noise(100));
  assert.ok(
    !matches(
      bt,
      tcp(
        c('GET /qbittorrent.exe HTTP/1.1\r\nHost: example.org\r\n\r\n'),
        s(bytes('HTTP/1.1 200 OK\r\nContent-Length: 402\r\n\r\n', body)),
      ),
    ),
  );
  assert.ok(!matches(bt, tcp(c('\x13BitTorrent protocoL'), s(noise(68)))));
  assert.ok(!matches(bt, tcp(c('\x12BitTorrent protocol'))));
});

test('tracker announce and scrape over HTTP: info_hash= with exactly 20 bytes', () => {
  const ih = urlBytes(BT_INFO_HASH);
  // the YES waits for the tracker's answer, to learn the peers it lists (bittorrent-learn.test.ts)
  const req = (line: string) =>
    tcp(
      c(`${line} HTTP/1.1\r\nHost: tracker.example\r\n\r\n`),
      s('HTTP/1.1 200 OK\r\nContent-Length: 27\r\n\r\nd8:intervali1800e5:peers0:e'),
    );
  assert.ok(
    matches(
      bt,
      req(
        `GET /announce?info_hash=${ih}&peer_id=-TR3000-abcdefghijkl&port=51413&uploaded=0&downloaded=0&left=0&event=started`,
      ),
    ),
  );
  assert.ok(matches(bt, req(`GET /scrape?info_hash=${ih}`)));
  assert.ok(matches(bt, req(`GET /announce.php?passkey=0123&info_hash=${ih}&compact=1`)));
  assert.ok(matches(bt, req(`GET /webseed?info_hash=${ih}&piece=3`)));
  assert.ok(matches(bt, req(`POST /announce?info_hash=${ih}`)));
  // through an HTTP proxy the request line carries the absolute URL
  assert.ok(matches(bt, req(`GET http://tracker.example:6969/announce?info_hash=${ih}&port=1`)));
  assert.ok(
    !matches(bt, req('GET http://tracker.example/announce?info_hash=abcdefghij%00%01%02&port=1')),
  );
  // printable bytes written as themselves count one each
  assert.ok(
    matches(bt, req('GET /announce?info_hash=abcdefghij%00%01%02%03%04%05%06%07%08%09&port=6881')),
  );
  assert.ok(matches(bt, req('GET /?peer_id=-UT3450-%f0%a2%0e%60M%b5a%3a%cf%0cI%8f&port=6881')));
  // BitComet's own requests
  assert.ok(matches(bt, req('GET /data?fid=ABCDEF0123456789&size=1024&offset=0')));
  assert.ok(matches(bt, req('GET /client/bitcomet/version.xml')));
  // not 20 bytes, not a parameter, not a request line
  assert.ok(
    !matches(bt, req('GET /announce?info_hash=abcdefghij%00%01%02%03%04%05%06%07%08&port=1')),
  );
  assert.ok(!matches(bt, req('GET /announce?info_hash=abcdefghijklmnopqrstu&port=1')));
  assert.ok(!matches(bt, req('GET /search?q=info_hash=abcdefghijklmnopqrst')));
  assert.ok(!matches(bt, req('GET /data?fid=1234')));
  assert.ok(!matches(bt, tcp(c(`HTTP/1.1 200 OK\r\nLocation: /announce?info_hash=${ih}\r\n\r\n`))));
});

test('BitTorrent clients named in the User-Agent of an HTTP request', () => {
  const get = (ua: string) =>
    tcp(c(`GET /update HTTP/1.1\r\nHost: example.org\r\nuser-agent: ${ua}\r\n\r\n`));
  assert.ok(matches(bt, get('Azureus 5.7.6.0;Linux;Java 1.8.0')));
  assert.ok(matches(bt, get('BitTorrent/7.10.5')));
  assert.ok(matches(bt, get('BTWebClient/3450(45090)')));
  assert.ok(!matches(bt, get('Mozilla/5.0 (BitTorrent)')));
  assert.ok(!matches(bt, get('AzureusUpdater')));
  assert.ok(!matches(bt, tcp(s('HTTP/1.1 200 OK\r\nServer: BitTorrent/7.10\r\n\r\n'))));
});

test('a .torrent file served over HTTP', () => {
  assert.ok(
    matches(
      bt,
      tcp(
        c('GET /f HTTP/1.1\r\n\r\n'),
        s(
          'HTTP/1.1 200 OK\r\nContent-Type: Application/X-BitTorrent\r\nContent-Length: 900\r\n\r\nd8:announce',
        ),
      ),
    ),
  );
  assert.ok(
    !matches(
      bt,
      tcp(
        c('GET /f HTTP/1.1\r\n\r\n'),
        s('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\napplication/x-bittorrent'),
      ),
    ),
  );
});

test('Azureus messaging handshake: the first packet of a side ends with azver 1', () => {
  const az = bytes(
    [0, 0, 0, 0x40, 0, 0, 0, 12],
    'AZ_HANDSHAKE',
    [1],
    'd6:client5:Vuzee5:azver\x01',
  );
  assert.ok(matches(bt, tcp(c(az))));
  assert.ok(matches(bt, tcp(c(noise(30)), s(az))));
  assert.ok(!matches(bt, tcp(c(noise(30)), c(az))), 'only the first packet of a direction');
});

test('other UDP and TCP traffic stays unlabelled', () => {
  assert.ok(
    !matches(
      bt,
      udp(
        c(
          'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nUSER-AGENT: gtk-gnutella/1.2.2\r\n\r\n',
        ),
      ),
    ),
  );
  assert.ok(
    !matches(
      bt,
      tcp(
        c('GET / HTTP/1.1\r\nHost: example.org\r\n\r\n'),
        s('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'),
      ),
    ),
  );
  assert.ok(!matches(bt, tcp(c(hex('16030100a5010000a10303')), s(hex('160303005a020000560303')))));
});
