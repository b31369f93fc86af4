// The built-in edonkey.rope's learned endpoints: what a plain packet announces (a hello's ports, a
// server's sources and servers, a Kad answer's contacts, the ends of a proven flow) labels a later
// flow to that endpoint that shows no plain byte — obfuscated eD2k or Kad — with `via` naming what
// taught it. Packets are built byte by byte from aMule's src/include/protocol/ (ed2k/
// Client2Client/TCP.h: OP_HELLO, OP_HELLOANSWER and the tag CT_EMULE_UDPPORTS 0xF9 with the Kad
// port in its high 16 bits; ed2k/Client2Server/TCP.h and UDP.h: OP_FOUNDSOURCES 0x42,
// OP_SERVERLIST 0x32, OP_GLOBFOUNDSOURCES 0x9B; kad2/Client2Client/UDP.h: KADEMLIA2_RES 0x29,
// KADEMLIA2_BOOTSTRAP_RES 0x09, KADEMLIA2_HELLO_REQ 0x11, whose contacts carry the address as a
// little-endian number). The hello's tag layout is the one aMule 2.3.3 sent in the lab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtin, bytes, c, le32, noise, s } from './harness.test.js';
import { runFlows, type Endpoint, type Flow } from './flows.test.js';

const ed = builtin('edonkey');
const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const msg = (proto: number, op: number, ...payload: (string | number[] | Uint8Array)[]) => {
  const p = bytes(...payload);
  return bytes([proto], le32(p.length + 1), [op], p);
};
const ep = (address: string, port: number): Endpoint => ({ address, port });
const octets = (a: string) => a.split('.').map(Number);

const A = '192.0.2.10'; // a client
const B = '198.51.100.20'; // the client it connects to
const X = '192.0.2.99'; // a third host, whose flows prove nothing by themselves
/** Old-style tags <type><name length 2 = 1><name><value>, as aMule writes a hello's. */
const tags = (udpPorts: number) =>
  bytes(
    le32(3),
    [0x02],
    le16(1),
    [0x01],
    le16(5),
    'lab-a', // CT_NAME
    [0x03],
    le16(1),
    [0x11],
    le32(0x3c), // CT_VERSION
    [0x03],
    le16(1),
    [0xf9],
    le32(udpPorts), // CT_EMULE_UDPPORTS: Kad port << 16 | eD2k UDP port
  );
/** OP_HELLO: 0x10 <user hash 16><client id 4><listening port 2><tags><server 4><server port 2> */
const hello = (port: number, udpPorts: number) =>
  msg(0xe3, 0x01, [0x10], noise(16, 1), le32(1), le16(port), tags(udpPorts), le32(0), le16(0));
/** OP_HELLOANSWER: the same without the hash size. */
const helloAnswer = (port: number, udpPorts: number) =>
  msg(0xe3, 0x4c, noise(16, 2), le32(1), le16(port), tags(udpPorts), le32(0), le16(0));
/** Obfuscated traffic: RC4 from the first byte (this noise starts with none of 0xE3 0xC5 0xD4). */
const hidden = (n: number, seed: number) => bytes([0x5a], noise(n - 1, seed));
const tcpFlow = (client: Endpoint, server: Endpoint, ...steps: Flow['steps']): Flow => ({
  l4: 'tcp',
  client,
  server,
  steps,
});
const udpFlow = (client: Endpoint, server: Endpoint, ...steps: Flow['steps']): Flow => ({
  l4: 'udp',
  client,
  server,
  steps,
});

test('a hello teaches the sender’s listening port and UDP ports, and the responder', () => {
  const out = runFlows(ed, [
    tcpFlow(ep(A, 40000), ep(B, 4662), c(hello(4662, (4672 << 16) | 4665))),
    tcpFlow(ep(X, 40001), ep(B, 4662), c(hidden(96, 3)), s(hidden(80, 4))), // the responder
    tcpFlow(ep(X, 40002), ep(A, 4662), c(hidden(96, 5))), // the listening port it announced
    udpFlow(ep(X, 4672), ep(A, 4665), c(hidden(40, 6))), // its eD2k UDP port
    udpFlow(ep(X, 4672), ep(A, 4672), c(hidden(40, 7))), // its Kad port
    udpFlow(ep(X, 4672), ep(A, 4666), c(hidden(40, 8))), // a port it did not announce
    tcpFlow(ep(X, 40003), ep(A, 4663), c(hidden(96, 9))),
  ]);
  assert.deepEqual(out[0], { at: 0, via: 'edonkey-hello' });
  const taught = `learned:edonkey-hello ${A}:40000>${B}:4662`;
  assert.deepEqual(
    out.slice(1).map((o) => o.via),
    [taught, taught, taught, taught, null, null],
  );
  assert.deepEqual(
    out.slice(1).map((o) => o.at),
    [0, 0, 0, 0, -1, -1],
  );
});

test('the hello answer, after the hello labelled the flow, still teaches its ports', () => {
  const out = runFlows(ed, [
    tcpFlow(ep(A, 40000), ep(B, 4662), c(hello(4662, 4672)), s(helloAnswer(5662, 5672 << 16))),
    udpFlow(ep(X, 4672), ep(B, 5672), c(hidden(40, 10))),
    tcpFlow(ep(X, 40001), ep(B, 5662), c(hidden(96, 11))),
  ]);
  assert.equal(out[0].at, 0);
  assert.deepEqual(out[1], { at: 0, via: `learned:edonkey-hello ${B}:4662>${A}:40000` });
  assert.equal(out[2].at, 0);
});

test('over IPv6 the hello teaches IPv6 endpoints', () => {
  const [a6, b6, x6] = ['2001:db8:1::10', '2001:db8:2::20', '2001:db8:1::99'];
  const out = runFlows(ed, [
    tcpFlow(ep(a6, 40000), ep(b6, 4662), c(hello(4662, (4672 << 16) | 4665))),
    udpFlow(ep(x6, 4672), ep(a6, 4665), c(hidden(40, 12))),
    udpFlow(ep(x6, 4672), ep(a6, 4672), c(hidden(40, 13))),
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0, 0],
  );
});

test('a server’s sources and server list over TCP, after the login labelled the flow', () => {
  const SERVER = '198.51.100.5';
  const login = msg(0xe3, 0x01, noise(16, 14), le32(0), le16(4662), tags(4672));
  // OP_FOUNDSOURCES: <hash 16><count 1> count × <client id 4><port 2>; a high id is the address
  // as on the wire, a low id (below 2^24: the 4th byte 0) a firewalled client with no address
  const sources = msg(
    0xe3,
    0x42,
    noise(16, 15),
    [2],
    octets('203.0.113.7'),
    le16(4662),
    le32(0x1234),
    le16(4662),
  );
  // OP_SERVERLIST: <count 1> count × <address 4><port 2>
  const servers = msg(0xe3, 0x32, [1], octets('203.0.113.8'), le16(4661));
  const out = runFlows(ed, [
    tcpFlow(ep(A, 40000), ep(SERVER, 4661), c(login), s(bytes(sources, servers))),
    tcpFlow(ep(X, 40001), ep('203.0.113.7', 4662), c(hidden(96, 16))),
    tcpFlow(ep(X, 40002), ep('203.0.113.8', 4661), c(hidden(96, 17))),
    tcpFlow(ep(X, 40003), ep('52.18.0.0', 4662), c(hidden(96, 18))), // the low id 0x1234
  ]);
  assert.equal(out[0].at, 0);
  assert.deepEqual(out[1], {
    at: 0,
    via: `learned:edonkey-sources ${SERVER}:4661>${A}:40000`,
  });
  assert.deepEqual(out[2], {
    at: 0,
    via: `learned:edonkey-server-list ${SERVER}:4661>${A}:40000`,
  });
  assert.equal(out[3].at, -1);
});

test('a server’s sources over UDP (OP_GLOBFOUNDSOURCES)', () => {
  const found = bytes([0xe3, 0x9b], noise(16, 19), [1], octets('203.0.113.9'), le16(4662));
  const out = runFlows(ed, [
    udpFlow(ep(A, 4672), ep('198.51.100.5', 4665), s(found)),
    tcpFlow(ep(X, 40001), ep('203.0.113.9', 4662), c(hidden(96, 20))),
  ]);
  assert.deepEqual(out[0], { at: 0, via: 'edonkey-found-sources' });
  assert.equal(out[1].via, 'learned:edonkey-found-sources 198.51.100.5:4665>192.0.2.10:4672');
});

/** A Kad contact: <node id 16><address as a little-endian number><UDP port><TCP port><version>. */
const contact = (address: string, udp: number, tcp: number) =>
  bytes(noise(16, udp), octets(address).reverse(), le16(udp), le16(tcp), [9]);

test('Kad answers teach their contacts, UDP and TCP ports', () => {
  // KADEMLIA2_RES 0x29: <target 16><count 1><contacts>
  const res = bytes(
    [0xe4, 0x29],
    noise(16, 21),
    [2],
    contact('203.0.113.21', 4672, 4662),
    contact('203.0.113.22', 5672, 5662),
  );
  // KADEMLIA2_BOOTSTRAP_RES 0x09: <node id 16><TCP port 2><version 1><count 2><contacts>
  const boot = bytes(
    [0xe4, 0x09],
    noise(16, 22),
    le16(4662),
    [9],
    le16(1),
    contact('203.0.113.23', 6672, 6662),
  );
  const out = runFlows(ed, [
    udpFlow(ep(A, 4672), ep(B, 4672), s(res)),
    udpFlow(ep(A, 4672), ep('198.51.100.21', 4672), s(boot)),
    udpFlow(ep(X, 4672), ep('203.0.113.21', 4672), c(hidden(40, 23))),
    tcpFlow(ep(X, 40001), ep('203.0.113.22', 5662), c(hidden(96, 24))),
    udpFlow(ep(X, 4672), ep('203.0.113.23', 6672), c(hidden(40, 25))),
    udpFlow(ep(X, 4672), ep('21.113.0.203', 4672), c(hidden(40, 26))), // the address unreversed
  ]);
  assert.deepEqual(out[0], { at: 0, via: 'edonkey-kad-node-lookup' });
  assert.equal(out[2].via, `learned:edonkey-kad-node-lookup ${B}:4672>${A}:4672`);
  assert.equal(out[3].at, 0);
  assert.equal(out[4].via, `learned:edonkey-kad-node-lookup 198.51.100.21:4672>${A}:4672`);
  assert.equal(out[5].at, -1);
});

test('a Kad hello teaches the sender’s TCP port; a proven datagram both its ends', () => {
  // KADEMLIA2_HELLO_REQ 0x11: <node id 16><TCP port 2><version 1><tag count 1>
  const kadHello = bytes([0xe4, 0x11], noise(16, 27), le16(4762), [9], [0]);
  const out = runFlows(ed, [
    udpFlow(ep(A, 4772), ep(B, 4672), c(kadHello)),
    tcpFlow(ep(X, 40001), ep(A, 4762), c(hidden(96, 28))), // the TCP port of the hello
    udpFlow(ep(X, 4672), ep(A, 4772), c(hidden(40, 29))), // the sender's UDP port
    udpFlow(ep(X, 4672), ep(B, 4672), c(hidden(40, 30))), // the receiver's
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0, 0, 0],
  );
  assert.equal(out[1].via, `learned:edonkey-kad-hello ${A}:4772>${B}:4672`);
});

test('a learned endpoint is forgotten after two hours', () => {
  const out = runFlows(ed, [
    tcpFlow(ep(A, 40000), ep(B, 4662), c(hello(4662, 4672))),
    { ...udpFlow(ep(X, 4672), ep(A, 4672), c(hidden(40, 31))), after: 7100 },
    { ...udpFlow(ep(X, 4673), ep(A, 4672), c(hidden(40, 32))), after: 7300 },
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0, -1],
  );
});

test('obfuscated traffic to an endpoint never learned is not eDonkey', () => {
  const out = runFlows(ed, [
    tcpFlow(ep(A, 40000), ep(B, 4662), c(hidden(96, 33)), s(hidden(96, 34))),
    udpFlow(ep(A, 4672), ep(B, 4672), c(hidden(40, 35)), s(hidden(40, 36))),
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [-1, -1],
  );
});

test('each signature names itself in via', () => {
  const hash = noise(16, 40);
  const cases: [Flow, string, number?][] = [
    [tcpFlow(ep(A, 1), ep(B, 4662), c(hello(4662, 0))), 'edonkey-hello'],
    [
      tcpFlow(ep(A, 2), ep(B, 4662), c(msg(0xc5, 0x01, [0x30, 0x01], tags(0)))),
      'edonkey-emule-info',
    ],
    [
      tcpFlow(ep(A, 3), ep(B, 4662), c(bytes(msg(0xe3, 0x58, hash), msg(0xe3, 0x4f, hash)))),
      'edonkey-messages',
    ],
    [
      udpFlow(ep(A, 4), ep(B, 4665), c(bytes([0xe3, 0x96, 1, 2, 0xaa, 0x55]))),
      'edonkey-server-status',
    ],
    [
      udpFlow(
        ep(A, 5),
        ep(B, 4665),
        c(bytes([0xe3, 0x96, 1, 2, 3, 4])),
        s(bytes([0xe3, 0x97, 1, 2, 3, 4], le32(1), le32(2))),
      ),
      'edonkey-udp-reply',
      1, // the answer proves the request
    ],
    [
      udpFlow(ep(A, 6), ep(B, 4672), c(bytes([0xe4, 0x21, 0x0b], noise(32, 41)))),
      'edonkey-kad-node-lookup',
    ],
    [
      udpFlow(ep(A, 7), ep(B, 4672), c(bytes([0xe4, 0x11], noise(16, 42), le16(4662), [9], [0]))),
      'edonkey-kad-hello',
    ],
    [
      udpFlow(ep(A, 8), ep(B, 4672), c(bytes([0xe5, 0x3b, 0x78, 0xda], noise(300, 43)))),
      'edonkey-kad-packed',
    ],
    [
      udpFlow(ep(A, 9), ep(B, 4672), c(bytes([0xc5, 0x90], hash, le16(8), [0xff], le16(1)))),
      'edonkey-reask',
    ],
  ];
  for (const [f, name, at = 0] of cases)
    assert.deepEqual(runFlows(ed, [f])[0], { at, via: name }, name);
});

test('the largest answers stay within the run’s caps (learning stops at 48 endpoints a packet)', () => {
  const many = (n: number) =>
    bytes(
      ...Array.from({ length: n }, (_, i) => contact(`203.0.113.${i % 250}`, 1000 + i, 2000 + i)),
    );
  const sources = (n: number) =>
    bytes(
      ...Array.from({ length: n }, (_, i) => bytes(octets(`203.0.113.${i % 250}`), le16(3000 + i))),
    );
  const out = runFlows(ed, [
    udpFlow(ep(A, 4672), ep(B, 4672), s(bytes([0xe4, 0x29], noise(16, 50), [255], many(255)))),
    udpFlow(ep(A, 4673), ep(B, 4665), s(bytes([0xe3, 0x9b], noise(16, 51), [255], sources(255)))),
    tcpFlow(
      ep(A, 40000),
      ep(B, 4661),
      c(msg(0xe3, 0x01, noise(16, 52), le32(0), le16(4662), tags(4672))),
      s(
        bytes(
          ...Array.from({ length: 8 }, () => msg(0xe3, 0x42, noise(16, 53), [200], sources(200))),
        ),
      ),
    ),
    udpFlow(ep(X, 4672), ep('203.0.113.40', 1040), c(hidden(40, 54))), // the 41st contact
    udpFlow(ep(X, 4672), ep('203.0.113.60', 1060), c(hidden(40, 55))), // the 61st: past 48
  ]);
  assert.deepEqual(
    out.map((o) => o.at),
    [0, 0, 0, 0, -1],
  );
});
