// BitTorrent that hides, recognised without memory: the MSE/PE encrypted handshake by its shape
// (lengths, randomness, who speaks when), and uTP mid-stream (no SYN) by three consistent
// headers. With the hard negatives: TLS, SSH, HTTP, random payloads that do not fit or whose
// flows go on differently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from './bittorrent-flows.test.js';
import {
  be16,
  be32,
  builtin,
  bytes,
  c,
  hex,
  labelledAt,
  noise,
  s,
  type Step,
  over,
} from './harness.test.js';

const bt = builtin('bittorrent');
const tcp = over('tcp');
const udp = over('udp');

/** An MSE/PE exchange: keys with padding, the initiator's hashes, the responder's answer. */
const mse = (padA = 40, padB = 200, third = 124) => [
  c(noise(96 + padA, 1)),
  s(noise(96 + padB, 2)),
  c(noise(third, 3)),
  s(noise(90, 4)),
  c(noise(300, 5)),
];

test('MSE/PE: keys of 96-608 random bytes each way, then the initiator, then the responder', () => {
  assert.equal(labelledAt(bt, tcp(...mse())), 3);
  for (const [a, b] of [
    [0, 0],
    [512, 512],
    [0, 512],
    [300, 7],
  ])
    assert.equal(labelledAt(bt, tcp(...mse(a, b))), 3, `padding ${a}/${b}`);
  const session = new Session();
  const got = session.run({
    l4: 'tcp',
    client: '192.0.2.10',
    server: '198.51.100.20',
    clientPort: 40000,
    serverPort: 51413,
    steps: mse(),
  });
  assert.deepEqual(got, { at: 3, via: 'mse-handshake' });
  // libtorrent as initiator sends its encrypted BitTorrent handshake (IA, 68 bytes) in a packet
  // of its own after the hashes, before the responder's second packet (seen in the lab)
  const [a1, b1, a2, b2] = mse();
  assert.equal(labelledAt(bt, tcp(a1, b1, a2, c(noise(68, 7)), b2)), 4);
});

test('not MSE: random keys whose lengths do not fit, or flows that go on differently', () => {
  const [a1, b1, a2, b2, a3] = mse();
  const no = (steps: Step[], why: string) => assert.equal(labelledAt(bt, tcp(...steps)), -1, why);
  no([c(noise(95)), b1, a2, b2, a3], 'initiator key too short');
  no([c(noise(609)), b1, a2, b2, a3], 'initiator key too long');
  no([a1, s(noise(95, 2)), a2, b2, a3], 'responder key too short');
  no([a1, s(noise(609, 2)), a2, b2, a3], 'responder key too long');
  no(
    [b1, a1, a2, b2, a3].map((x) => ({ ...x, from: (1 - x.from) as 0 | 1 })),
    'responder first',
  );
  no([s(noise(200, 9)), a1, b1, a2, b2], 'the responder spoke first');
  no([a1], 'the initiator sends one packet');
  no([a1, c(noise(100, 8)), b1, a2, b2], 'the initiator sends twice before the answer');
  no([a1, b1, s(noise(100, 8)), a2, b2], 'the responder sends twice before the hashes');
  no([a1, b1], 'the initiator never goes on');
  no([a1, b1, a2], 'the responder never goes on');
  no([a1, b1, c(noise(55, 3)), b2, a3], 'less than two hashes and a verification constant');
  no(
    [a1, b1, a2, c(noise(68, 7)), c(noise(60, 8)), b2],
    'the initiator sends two more packets before the responder goes on',
  );
  // a well-known service's port: obfuscated protocols that hide there (Telegram's MTProto)
  assert.equal(labelledAt(bt, { ...tcp(...mse()), serverPort: 443 }), -1);
});

test('not MSE: TLS, SSH and HTTP with lengths that fit', () => {
  // a TLS 1.3 ClientHello and ServerHello record: random, key share, then structure
  const hello = (type: number, n: number, seed: number) =>
    bytes(hex('16 0303'), be16(n - 5), [type, 0], be16(n - 9), hex('0303'), noise(n - 11, seed));
  const tls = [c(hello(1, 517, 1)), s(hello(2, 122, 2)), c(noise(80, 3)), s(noise(300, 4))];
  assert.equal(labelledAt(bt, tcp(...tls)), -1, 'TLS');
  const ssh = [
    c('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'),
    s('SSH-2.0-OpenSSH_9.6\r\n'),
    c(bytes(be32(1500), [10, 20], noise(1494, 5))),
    s(bytes(be32(1100), [8, 20], noise(1094, 6))),
  ];
  assert.equal(labelledAt(bt, tcp(...ssh)), -1, 'SSH');
  const http = [
    c(`GET /${'a'.repeat(150)} HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n`),
    s('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 120\r\n\r\n'),
    c(`GET /${'b'.repeat(150)} HTTP/1.1\r\nHost: example.org\r\n\r\n`),
    s(`HTTP/1.1 304 Not Modified\r\nETag: "${'0'.repeat(100)}"\r\n\r\n`),
  ];
  assert.equal(labelledAt(bt, tcp(...http)), -1, 'HTTP');
});

/** A uTP header (BEP 29) with its sequence and ack numbers, and a payload for DATA. */
function utp(type: number, id: number, seqNr: number, ackNr: number, payload = 0): Uint8Array {
  return bytes(
    [(type << 4) | 1, 0],
    be16(id),
    be32(0x01020304 + seqNr),
    be32(5000),
    be32(0x100000),
    be16(seqNr & 0xffff),
    be16(ackNr & 0xffff),
    noise(payload, seqNr),
  );
}
const DATA = 0;

test('uTP mid-stream: three consistent DATA headers, the connection ids one apart', () => {
  // the initiator (receive id 0x4242) sends with 0x4243; both sides send DATA
  const flow = [
    c(utp(DATA, 0x4243, 100, 700, 900)),
    s(utp(DATA, 0x4242, 701, 100, 900)),
    c(utp(DATA, 0x4243, 101, 701, 900)),
    s(utp(DATA, 0x4242, 702, 101, 900)),
  ];
  assert.equal(labelledAt(bt, udp(...flow)), 2);
  // across the 16-bit wrap of sequence numbers; the responder's id above the initiator's
  assert.equal(
    labelledAt(
      bt,
      udp(
        c(utp(DATA, 0x1000, 0xffff, 0xfffe, 500)),
        s(utp(DATA, 0x1001, 0xffff, 0xffff, 500)),
        c(utp(DATA, 0x1000, 0x0000, 0xffff, 500)),
      ),
    ),
    2,
  );
  const session = new Session();
  const got = session.run({
    l4: 'udp',
    client: '192.0.2.10',
    server: '198.51.100.20',
    clientPort: 6881,
    serverPort: 51413,
    steps: flow,
  });
  assert.deepEqual(got, { at: 2, via: 'utp-midstream' });
});

test('not uTP mid-stream: two headers, ids apart, sequence numbers that jump, one side only', () => {
  const no = (steps: Step[], why: string) => assert.equal(labelledAt(bt, udp(...steps)), -1, why);
  no([c(utp(DATA, 0x4243, 100, 700, 900)), s(utp(DATA, 0x4242, 701, 100, 900))], 'two headers');
  no(
    [
      c(utp(DATA, 0x4243, 100, 700, 900)),
      s(utp(DATA, 0x4240, 701, 100, 900)),
      c(utp(DATA, 0x4243, 101, 701, 900)),
      s(utp(DATA, 0x4240, 702, 101, 900)),
    ],
    'ids three apart',
  );
  no(
    [
      c(utp(DATA, 0x4243, 100, 700, 900)),
      s(utp(DATA, 0x4242, 701, 100, 900)),
      c(utp(DATA, 0x4243, 9000, 701, 900)),
      s(utp(DATA, 0x4242, 30000, 101, 900)),
    ],
    'sequence numbers that jump',
  );
  no(
    [
      c(utp(DATA, 0x4243, 100, 700, 900)),
      s(utp(DATA, 0x4242, 701, 20000, 900)),
      c(utp(DATA, 0x4243, 101, 701, 900)),
      s(utp(DATA, 0x4242, 702, 20001, 900)),
    ],
    'acknowledging what was never sent',
  );
  const oneSide: Step[] = [];
  for (let i = 0; i < 6; i++) oneSide.push(c(utp(DATA, 0x4243, 100 + i, 700, 900)));
  no(oneSide, 'one side only');
  // random datagrams whose first byte reads as uTP DATA version 1
  for (let i = 0; i < 32; i++) {
    const steps: Step[] = [];
    for (let j = 0; j < 6; j++) {
      const d = noise(200, 1000 + i * 8 + j);
      d[0] = 0x01;
      d[1] = 0;
      steps.push(j % 2 ? s(d) : c(d));
    }
    no(steps, `random ${i}`);
  }
});
