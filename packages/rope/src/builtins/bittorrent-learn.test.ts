// What bittorrent.rope learns from the flows that pass (its tables "bt-peers" and
// "bt-dht-nodes"), and that a later flow to a learned endpoint is BitTorrent, named
// `learned:<signature> <the packet that taught it>`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, type Flow } from './bittorrent-flows.test.js';
import { be16, btHandshake, bytes, c, hex, noise, s, type Step } from './harness.test.js';

const CLIENT = '192.0.2.10';
const TRACKER = '198.51.100.1';
const PEER = '203.0.113.7';
const PEER6 = '2001:db8:7::7';

const flow = (l4: 'tcp' | 'udp', server: string, serverPort: number, ...steps: Step[]): Flow => ({
  l4,
  client: server.includes(':') ? '2001:db8::10' : CLIENT,
  server,
  clientPort: 40000 + Math.floor(Math.random() * 20000),
  serverPort,
  steps,
});
/** Random payloads both ways: nothing but a learned endpoint makes this BitTorrent. */
const opaque = (l4: 'tcp' | 'udp', server: string, port: number) =>
  flow(l4, server, port, c(noise(40, 1)), s(noise(50, 2)), c(noise(30, 3)));

const v4 = (a: string, port: number) => bytes(a.split('.').map(Number), be16(port));
const ANNOUNCE = `GET /announce?info_hash=${'%aa'.repeat(20)}&port=6881 HTTP/1.1\r\nHost: t\r\n\r\n`;
const answer = (body: string | Uint8Array) =>
  bytes('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n', body);

test('an HTTP tracker answer teaches its compact peers: later TCP and UDP flows to them', () => {
  const t = new Session();
  const body = bytes('d8:intervali1800e5:peers12:', v4(PEER, 51413), v4('203.0.113.8', 6881), 'e');
  assert.deepEqual(t.run(flow('tcp', TRACKER, 6969, c(ANNOUNCE), s(answer(body)))), {
    at: 1,
    via: 'tracker-http',
  });
  const got = t.run(opaque('tcp', PEER, 51413));
  assert.equal(got.at, 0);
  assert.match(got.via, /^learned:tracker-http 198\.51\.100\.1:6969>192\.0\.2\.10:\d+$/);
  assert.equal(t.run(opaque('udp', '203.0.113.8', 6881)).at, 0);
  assert.equal(t.run(opaque('tcp', PEER, 51414)).at, -1, 'another port');
  assert.equal(t.run(opaque('tcp', '203.0.113.9', 51413)).at, -1, 'another address');
  // a client that names itself in the announce still waits for the answer, and learns from it
  const ua = ANNOUNCE.replace('\r\n\r\n', '\r\nUser-Agent: BitTorrent/7.10.5\r\n\r\n');
  const body2 = bytes('d8:intervali1800e5:peers6:', v4('203.0.113.99', 1234), 'e');
  assert.deepEqual(t.run(flow('tcp', TRACKER, 6969, c(ua), s(answer(body2)))), {
    at: 1,
    via: 'tracker-http',
  });
  assert.equal(t.run(opaque('tcp', '203.0.113.99', 1234)).at, 0);
  // two hours later the peer is forgotten
  t.wait(7201);
  assert.equal(t.run(opaque('tcp', PEER, 51413)).at, -1);
});

test('an HTTP tracker answer: peers6 (18-byte entries) and the dictionary form', () => {
  const t = new Session();
  const p6 = bytes(hex('20010db8000700000000000000000007'), be16(6881));
  const body = bytes(
    'd8:intervali1800e5:peersld2:ip11:203.0.113.77:peer id20:-TR3000-abcdefghijkl4:porti6882eed2:ip11:203.0.113.54:porti7000eee6:peers618:',
    p6,
    'e',
  );
  assert.equal(t.run(flow('tcp', TRACKER, 80, c(ANNOUNCE), s(answer(body)))).at, 1);
  assert.equal(t.run(opaque('tcp', PEER6, 6881)).at, 0);
  assert.equal(t.run(opaque('tcp', PEER, 6882)).at, 0);
  assert.equal(t.run(opaque('tcp', '203.0.113.5', 7000)).at, 0);
  // a malformed entry ends the list, teaching nothing more
  const bad = bytes('d5:peersld2:ip11:203.0.113.94:porti99999eee');
  assert.equal(t.run(flow('tcp', TRACKER, 80, c(ANNOUNCE), s(answer(bad)))).at, 1);
  assert.equal(t.run(opaque('tcp', '203.0.113.9', 99999 & 0xffff)).at, -1);
});

test('a long peer list: every entry in the packet, within the run caps', () => {
  const t = new Session();
  const peers: Uint8Array[] = [];
  for (let i = 0; i < 240; i++) peers.push(v4(`203.0.113.${i}`, 10000 + i));
  const list = bytes(...peers);
  const body = bytes(`d8:intervali1800e5:peers${list.length}:`, list, 'e');
  assert.equal(t.run(flow('tcp', TRACKER, 6969, c(ANNOUNCE), s(answer(body)))).at, 1);
  assert.equal(t.run(opaque('tcp', '203.0.113.0', 10000)).at, 0);
  assert.equal(t.run(opaque('udp', '203.0.113.239', 10239)).at, 0);
});

test('a UDP tracker announce answer (BEP 15) teaches its peers', () => {
  const t = new Session();
  const conv = flow(
    'udp',
    TRACKER,
    6969,
    c(hex('00000417 27101980 00000000 1234abcd')),
    s(hex('00000000 1234abcd 0102030405060708')),
    c(bytes(hex('0102030405060708 00000001 22222222'), new Uint8Array(82))),
    s(bytes(hex('00000001 22222222 00000708 00000001 00000002'), v4(PEER, 6000))),
  );
  assert.deepEqual(t.run(conv), { at: 3, via: 'tracker-udp' });
  assert.match(t.run(opaque('tcp', PEER, 6000)).via, /^learned:tracker-udp /);
});

test('DHT: values are peers, nodes are DHT nodes (UDP only), the answering side a node', () => {
  const t = new Session();
  const id = 'abcdefghij0123456789';
  const query = `d1:ad2:id20:${id}9:info_hash20:${id}e1:q9:get_peers1:t2:aa1:y1:qe`;
  const node = bytes(id, v4('203.0.113.20', 7777));
  const reply = bytes(
    `d1:rd2:id20:${id}5:nodes26:`,
    node,
    '5:token2:tk6:valuesl6:',
    v4(PEER, 5555),
    '6:',
    v4('203.0.113.21', 5556),
    'ee1:t2:aa1:y1:re',
  );
  assert.deepEqual(t.run(flow('udp', '198.51.100.30', 6881, c(query), s(reply))), {
    at: 1,
    via: 'dht',
  });
  assert.equal(t.run(opaque('tcp', PEER, 5555)).at, 0);
  assert.equal(t.run(opaque('udp', '203.0.113.21', 5556)).at, 0);
  assert.match(t.run(opaque('udp', '203.0.113.20', 7777)).via, /^learned:dht /);
  assert.equal(t.run(opaque('tcp', '203.0.113.20', 7777)).at, -1, 'a DHT node over TCP');
  assert.equal(t.run(opaque('udp', '198.51.100.30', 6881)).at, 0, 'the node that answered');
});

test('Local Service Discovery: the announcing host on the port it gives', () => {
  const t = new Session();
  const lsd =
    'BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 51413\r\nInfohash: 0123456789ABCDEF0123456789ABCDEF01234567\r\n\r\n\r\n';
  const announce: Flow = {
    l4: 'udp',
    client: '192.0.2.33',
    server: '239.192.152.143',
    clientPort: 6771,
    serverPort: 6771,
    steps: [c(lsd)],
  };
  assert.deepEqual(t.run(announce), { at: 0, via: 'lsd' });
  const back: Flow = { ...opaque('tcp', '192.0.2.33', 51413), client: '192.0.2.34' };
  assert.match(t.run(back).via, /^learned:lsd 192\.0\.2\.33:6771>239\.192\.152\.143:6771$/);
});

test('the listening side of a proven flow is a peer: plain and encrypted TCP, uTP both ends', () => {
  const t = new Session();
  const hs = btHandshake();
  assert.equal(t.run(flow('tcp', PEER, 51413, c(hs))).via, 'peer-handshake');
  assert.match(t.run(opaque('tcp', PEER, 51413)).via, /^learned:peer-handshake /);
  assert.equal(t.run(opaque('tcp', PEER, 51499)).at, -1, 'not the initiator’s port');
  const mse = [c(noise(150, 1)), s(noise(200, 2)), c(noise(124, 3)), s(noise(90, 4))];
  assert.equal(t.run(flow('tcp', '203.0.113.50', 20000, ...mse)).via, 'mse-handshake');
  assert.match(t.run(opaque('udp', '203.0.113.50', 20000)).via, /^learned:mse-handshake /);
  // uTP: both ends use their listening socket
  const syn = hex('4100 1234 01020304 00000000 00100000 0001 0000');
  const u: Flow = { ...flow('udp', '203.0.113.60', 6881, c(syn)), clientPort: 6999 };
  assert.equal(t.run(u).via, 'utp');
  assert.equal(t.run(opaque('tcp', '203.0.113.60', 6881)).at, 0);
  assert.equal(t.run({ ...opaque('tcp', '192.0.2.77', 6999), client: '192.0.2.10' }).at, -1);
  assert.equal(t.run({ ...opaque('udp', CLIENT, 6999) }).at, 0, 'the initiator’s uTP port');
});
