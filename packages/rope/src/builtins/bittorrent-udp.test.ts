// The built-in bittorrent.rope over UDP, signature by signature, over IPv4 and IPv6: datagrams
// built from the protocol specifications (BEP 5, 14, 15, 29, the Vuze DHT) that must match, and
// the UDP protocols that look like them (STUN, DTLS, RTP, QUIC, DNS) that must not. The TCP
// signatures are in bittorrent.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  be16,
  be32,
  btHandshake,
  builtin,
  bytes,
  c,
  hex,
  labelledAt,
  matches,
  noise,
  s,
  over,
} from './harness.test.js';

const bt = builtin('bittorrent');
const udp = over('udp');

test('Mainline DHT (BEP 5): queries, replies, errors', () => {
  const id = 'abcdefghij0123456789';
  assert.ok(matches(bt, udp(c(`d1:ad2:id20:${id}e1:q4:ping1:t2:aa1:y1:qe`))));
  assert.ok(matches(bt, udp(c(`d1:rd2:id20:${id}e1:t2:aa1:y1:re`))));
  // BEP 42: the requester's address comes first in a reply
  assert.ok(
    matches(bt, udp(c(`d2:ip6:\xc0\x00\x02\x0a\x1a\xe11:rd2:id20:${id}5:nodes0:e1:t2:aa1:y1:re`))),
  );
  // a get_peers query waits for its answer (whatever comes next on the flow), to learn from it
  const getPeers = `d1:ad2:id20:${id}9:info_hash20:${id}e1:q9:get_peers1:t2:aa1:y1:qe`;
  assert.equal(labelledAt(bt, udp(c(getPeers), s(`d1:rd2:id20:${id}5:nodes0:e1:t2:aa1:y1:re`))), 1);
  assert.equal(labelledAt(bt, udp(c(getPeers), c(getPeers))), 1);
  assert.ok(!matches(bt, udp(c(getPeers))), 'a get_peers nobody answers teaches nothing');
  assert.ok(matches(bt, udp(c('d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee'))));
  // keys in any order (clients that do not sort them), BEP 44's "cas" before "id", errors
  // with the transaction id first
  assert.ok(matches(bt, udp(c(`d1:t2:aa1:y1:q1:q4:ping1:ad2:id20:${id}ee`))));
  assert.ok(
    matches(
      bt,
      udp(c(`d1:ad3:casi7e2:id20:${id}3:seqi8e5:token2:tk1:v1:xe1:q3:put1:t2:aa1:y1:qe`)),
    ),
  );
  assert.ok(matches(bt, udp(c(`d1:t2:aa1:y1:r1:rd5:nodes0:2:id20:${id}ee`))));
  assert.ok(matches(bt, udp(c('d1:t2:aa1:y1:e1:eli203e14:Protocol Erroree'))));
  // bencoded, but not the DHT; the DHT's words, but not bencoded
  assert.ok(!matches(bt, udp(c('d3:cow3:moo4:spam4:eggse'))));
  assert.ok(!matches(bt, udp(c(`d2:id20:${id}4:type1:qe`))), 'an id without a message type');
  assert.ok(!matches(bt, udp(c(`d2:id20:${id}1:y1:xe`))), 'no such message type');
  assert.ok(!matches(bt, udp(c(`x1:t2:aa1:y1:q2:id20:${id}e`))));
  assert.ok(!matches(bt, udp(c(`x1:ad2:id20:${id}e`))));
  assert.ok(!matches(bt, udp(c('d1:eli201e5:Errore1:t2:aa1:y1:qe'))));
});

test('Local Service Discovery (BEP 14)', () => {
  const lsd =
    'BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: 0123456789ABCDEF0123456789ABCDEF01234567\r\n\r\n\r\n';
  assert.ok(matches(bt, { l4: 'udp', steps: [c(lsd)], serverPort: 6771, clientPort: 6771 }));
  assert.ok(!matches(bt, udp(c('M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\n\r\n'))));
});

test('UDP tracker (BEP 15): the connect request, then the conversation until the peer list', () => {
  const connect = hex('00000417 27101980 00000000 1234abcd');
  const connected = hex('00000000 1234abcd 0102030405060708');
  const announce = bytes(hex('0102030405060708 00000001 22222222'), new Uint8Array(82));
  const peers = bytes(hex('00000001 22222222 00000708 00000001 00000002'), hex('c0000201 1ae1'));
  assert.equal(labelledAt(bt, udp(c(connect), s(connected), c(announce), s(peers))), 3);
  // no answer: the connect sent again; an error from the tracker
  assert.equal(labelledAt(bt, udp(c(connect), c(connect))), 1);
  assert.equal(
    labelledAt(bt, udp(c(connect), s(bytes(hex('00000003 1234abcd'), 'unregistered torrent')))),
    1,
  );
  assert.ok(!matches(bt, udp(c(connect))), 'a connect alone waits');
  assert.ok(
    !matches(bt, udp(c(hex('00000417 27101980 00000001 1234abcd')))),
    'announce needs a connect first',
  );
  assert.ok(!matches(bt, udp(c(hex('00000417 27101981 00000000 1234abcd')))));
  assert.ok(!matches(bt, udp(c(hex('00000417 27101980 00000000')))));
});

/** A Vuze DHT request header: connection id (top bit set), action, transaction id, then more. */
const vuzeRequest = (
  action: number,
  tid: number,
  rest: Uint8Array,
  conn = hex('8123456789abcdef'),
) => bytes(conn, be32(action), be32(tid), rest);

test('Vuze DHT: a request and the reply that echoes its ids', () => {
  const req = vuzeRequest(0x404, 0x11223344, bytes([50, 0], noise(40)));
  const reply = bytes(be32(0x405), be32(0x11223344), hex('8123456789abcdef'), [50], noise(30));
  assert.equal(labelledAt(bt, udp(c(req), s(reply))), 1);
  // the fixed sizes IPP2P knows: a ping request (36 bytes), a ping reply (21 bytes)
  assert.ok(matches(bt, udp(c(vuzeRequest(0x400, 7, noise(20))))));
  assert.ok(
    matches(bt, udp(s(bytes(be32(0x401), be32(7), hex('8123456789abcdef'), [1, 2, 3, 4, 5])))),
  );
  assert.ok(matches(bt, udp(c(bytes(hex('0000082737502950'), noise(36))))));
  // a reply with another transaction id, a request without the connection id's top bit
  assert.ok(
    !matches(
      bt,
      udp(c(req), s(bytes(be32(0x405), be32(0x11223345), hex('8123456789abcdef'), noise(31)))),
    ),
  );
  assert.ok(!matches(bt, udp(c(vuzeRequest(0x400, 7, noise(20), hex('0123456789abcdef'))))));
  assert.ok(!matches(bt, udp(c(req), c(reply))), 'the reply comes from the other side');
});

/** A uTP (BEP 29) packet: header, extensions, payload. */
function utp(
  type: number,
  id: number,
  o: {
    ts?: number;
    diff?: number;
    ext?: [number, Uint8Array][];
    payload?: Uint8Array | string;
    version?: number;
    window?: number;
  } = {},
): Uint8Array {
  const ext = o.ext ?? [];
  const chain: number[] = [];
  ext.forEach(([, data], i) =>
    chain.push(i + 1 < ext.length ? ext[i + 1][0] : 0, data.length, ...data),
  );
  return bytes(
    [(type << 4) | (o.version ?? 1), ext.length > 0 ? ext[0][0] : 0],
    be16(id),
    be32(o.ts ?? 0x1234567),
    be32(o.diff ?? 0),
    be32(o.window ?? 0x100000),
    be16(1),
    be16(0),
    chain,
    o.payload ?? '',
  );
}
const DATA = 0;
const FIN = 1;
const STATE = 2;
const SYN = 4;

test('uTP: a SYN answered by a STATE with the same connection id', () => {
  // the SYN alone opens the flow (see below); the answer matches as well
  assert.equal(labelledAt(bt, udp(c(utp(SYN, 0x4242)), s(utp(STATE, 0x4242, { diff: 99 })))), 0);
  assert.equal(
    labelledAt(bt, udp(c(noise(40, 5)), c(utp(SYN, 0x4242)), s(utp(STATE, 0x4242, { diff: 9 })))),
    2,
  );
  // the initiator's later packets carry id + 1; a capture may start after the SYN
  assert.equal(
    labelledAt(
      bt,
      udp(
        c(utp(DATA, 0x4243, { diff: 5, payload: noise(100) })),
        s(utp(STATE, 0x4242, { diff: 7 })),
      ),
    ),
    1,
  );
  assert.equal(
    labelledAt(
      bt,
      udp(c(utp(STATE, 0x10, { diff: 5 })), s(utp(DATA, 0x12, { diff: 7, payload: 'x' }))),
    ),
    -1,
    'ids two apart',
  );
  // ids wrap at 16 bits
  assert.equal(
    labelledAt(
      bt,
      udp(c(utp(DATA, 0x0001, { diff: 5, payload: 'x' })), s(utp(STATE, 0xffff, { diff: 7 }))),
    ),
    -1,
    'two apart across the wrap',
  );
  assert.equal(
    labelledAt(
      bt,
      udp(c(utp(STATE, 0xffff, { diff: 5 })), s(utp(DATA, 0xfffe, { diff: 7, payload: 'x' }))),
    ),
    1,
  );
  // with the extension bits and a selective ack
  const ext: [number, Uint8Array][] = [
    [2, new Uint8Array(8)],
    [1, new Uint8Array([0xff, 0, 0, 0])],
  ];
  assert.equal(
    labelledAt(
      bt,
      udp(
        c(noise(30, 3)),
        c(utp(SYN, 7, { ext: ext.slice(0, 1) })),
        s(utp(STATE, 7, { ext, diff: 1 })),
      ),
    ),
    2,
  );
  assert.equal(
    labelledAt(bt, udp(c(utp(FIN, 9000, { diff: 1 })), s(utp(FIN, 8999, { diff: 1 })))),
    1,
  );
});

test('uTP: the peer handshake inside a DATA packet', () => {
  assert.equal(labelledAt(bt, udp(c(utp(DATA, 0x1000, { diff: 1, payload: btHandshake() })))), 0);
});

// Most uTP connection attempts are never answered (peers behind NAT, gone, or busy): the flow is
// the SYN alone, retried after 3 s. nDPI's capture of Transmission 2.94 holds hundreds of such
// flows (2 or 3 datagrams of 30 bytes: libutp before 2013 sent the extension bits in its SYN).
test('uTP: a SYN nobody answers, as the first datagram of its side', () => {
  assert.equal(labelledAt(bt, udp(c(utp(SYN, 0x889b, { ext: [[2, new Uint8Array(8)]] })))), 0);
  assert.equal(labelledAt(bt, udp(c(utp(SYN, 0x889b)), c(utp(SYN, 0x889b)))), 0);
  // a SYN from the side that answered first (the remote peer connects back)
  assert.equal(labelledAt(bt, udp(c(noise(40, 8)), s(utp(SYN, 0x1234)))), 1);
  // the exact bytes Transmission 3.00 sent in the lab (packages/rope/samples/bittorrent-utp.pcap)
  assert.equal(
    labelledAt(bt, udp(c(hex('4102889bab21566d00000000000400000d50000000080000000000000000')))),
    0,
  );
});

test('uTP look-alikes are not enough: one header, DATA only, ids that disagree, broken headers', () => {
  // a SYN that does not open its side, with a payload, a timestamp difference, no window, or
  // a wrong version; an unanswered SYN after something else on the flow
  const late = [c(noise(24, 2)), c(utp(SYN, 0x4242))];
  assert.ok(!matches(bt, udp(...late)));
  assert.ok(!matches(bt, udp(c(utp(SYN, 0x4242, { payload: 'x' })))));
  assert.ok(!matches(bt, udp(c(utp(SYN, 0x4242, { diff: 3 })))));
  assert.ok(!matches(bt, udp(c(utp(SYN, 0x4242, { window: 0 })))));
  assert.ok(!matches(bt, udp(c(utp(SYN, 0x4242, { version: 2 })))));
  assert.ok(!matches(bt, udp(c(utp(SYN, 0x4242, { ts: 0 })))));
  assert.ok(!matches(bt, udp(c(utp(SYN, 0, {})))));
  assert.ok(!matches(bt, udp(c(utp(SYN, 0x4242, { ext: [[2, new Uint8Array(4)]] })))));
  // a SYN nobody answers consistently, after the flow's first datagram
  assert.ok(
    !matches(bt, udp(c(noise(30, 4)), c(utp(SYN, 0x4242)), s(utp(STATE, 0x5151, { diff: 9 })))),
  );
  // QUIC short-header packets start 0x40-0x7f: 0x41 and the SYN's lengths are not enough
  for (let i = 0; i < 64; i++) {
    for (const n of [20, 30]) {
      const q = noise(n, 100 + i);
      q[0] = 0x41;
      assert.ok(!matches(bt, udp(c(q), s(noise(n, 200 + i)))), Buffer.from(q).toString('hex'));
    }
  }
  // DATA both ways with consistent ids: media streams look like this
  assert.ok(
    !matches(
      bt,
      udp(
        c(utp(DATA, 0x10, { diff: 1, payload: noise(160) })),
        s(utp(DATA, 0x11, { diff: 1, payload: noise(160, 2) })),
      ),
    ),
  );
  // not version 1; type above 4; zero connection id or timestamp; payload on a STATE or SYN;
  // a SYN with a timestamp difference; an unknown or malformed extension
  const bad = [
    utp(STATE, 0x4242, { version: 2 }),
    bytes([0x51, 0], be16(0x4242), be32(1), be32(0), be32(1), be16(1), be16(0)),
    utp(STATE, 0),
    utp(STATE, 0x4242, { ts: 0 }),
    utp(STATE, 0x4242, { payload: 'x' }),
    utp(STATE, 0x4242, { ext: [[3, new Uint8Array(4)]] }),
    utp(STATE, 0x4242, { ext: [[1, new Uint8Array(3)]] }),
    utp(STATE, 0x4242, { ext: [[2, new Uint8Array(4)]] }),
  ];
  for (const b of bad)
    assert.ok(
      !matches(bt, udp(c(noise(30, 6)), c(utp(SYN, 0x4242)), s(b))),
      Buffer.from(b).toString('hex'),
    );
  assert.ok(!matches(bt, udp(c(utp(SYN, 0x4242, { diff: 5 })), s(utp(STATE, 0x4242)))));
  assert.ok(!matches(bt, udp(c(utp(SYN, 0x4242, { payload: 'x' })), s(utp(STATE, 0x4242)))));
});

// STUN (RFC 8489) binding success responses start 01 01: as uTP that is a DATA packet version 1
// with a selective ack extension; ICE sends them both ways.
const stunResponse = (txid: number) =>
  bytes(
    hex('0101 0030 2112a442'),
    be32(txid),
    be32(txid + 1),
    be32(txid + 2),
    hex('0020 0008 0001 a1b2 e1baa546'),
    hex('8022 0014'),
    'ice-lite 1.0 server ',
    hex('8028 0004 12345678'),
  );

test('not uTP: STUN, DTLS, RTP, RTCP, QUIC and DNS in both directions', () => {
  const pairs: [Uint8Array, Uint8Array][] = [
    [stunResponse(1), stunResponse(2)],
    [hex('0001 0000 2112a442 000102030405060708090a0b'), stunResponse(3)],
    [
      bytes(hex('16fefd 0000 0000 0000 0000 0050 01 00004c'), noise(76)),
      bytes(hex('16fefd 0000 0000 0000 0000 0050 02 00004c'), noise(76, 2)),
    ],
    [
      bytes(hex('8060 0001 00000010 12345678'), noise(160)),
      bytes(hex('8060 0002 00000020 12345679'), noise(160, 3)),
    ],
    [bytes(hex('81c8 0006 12345678'), noise(24)), bytes(hex('81c9 0007 23456789'), noise(28))],
    [bytes(hex('41'), noise(40)), bytes(hex('41'), noise(40, 9))],
    [bytes(hex('c3 00000001 08'), noise(1200)), bytes(hex('c3 00000001 08'), noise(1200, 4))],
    [
      hex('1234 0100 0001 0000 0000 0000 076578616d706c65 03636f6d 00 0001 0001'),
      hex(
        '1234 8180 0001 0001 0000 0000 076578616d706c65 03636f6d 00 0001 0001 c00c 0001 0001 00000e10 0004 c0000201',
      ),
    ],
  ];
  for (const [a, b] of pairs) {
    assert.ok(
      !matches(bt, udp(c(a), s(b), c(a), s(b))),
      Buffer.from(a.subarray(0, 8)).toString('hex'),
    );
  }
});
