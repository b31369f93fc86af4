// The built-in edonkey.rope, signature by signature, over IPv4 and IPv6. No eDonkey client runs
// here, so every packet is built byte by byte from the clients' protocol definitions: eMule's
// opcodes.h and aMule's src/include/protocol/ (ed2k/Client2Server/TCP.h and UDP.h,
// ed2k/Client2Client/TCP.h and UDP.h, kad/ and kad2/Client2Client/UDP.h), which give each
// message's opcode and fields; the server ping's challenge is eMule's (0x55AA0000 + a random
// 16-bit number). Look-alikes that IPP2P's own signatures (xt_ipp2p.c) would accept must not match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtin, bytes, c, labelledAt, le32, matches, noise, s, over } from './harness.test.js';
import { assertNoLookAlike } from './look-alikes.test.js';

const ed = builtin('edonkey');
const tcp = over('tcp', 4662);
const udp = over('udp', 4672);

const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
/** One ed2k TCP message: <protocol><size: opcode + payload, u32 LE><opcode><payload>. */
const msg = (proto: number, op: number, ...payload: (string | number[] | Uint8Array)[]) => {
  const p = bytes(...payload);
  return bytes([proto], le32(p.length + 1), [op], p);
};
const USER_HASH = noise(16, 41);
const FILE_HASH = noise(16, 42);
/** A tag set: <count u32>, then old-style tags <type><name length u16><name><value>. */
const tagSet = (...tags: Uint8Array[]) => bytes(le32(tags.length), ...tags);
const stringTag = (name: number, value: string) =>
  bytes([0x02], le16(1), [name], le16(value.length), value);
const u32Tag = (name: number, value: number) => bytes([0x03], le16(1), [name], le32(value));
const CLIENT_TAGS = tagSet(
  stringTag(0x01, 'http://www.aMule.org'), // CT_NAME
  u32Tag(0x11, 0x3c), // CT_VERSION: EDONKEYVERSION
  u32Tag(0xfb, 0x00020300), // CT_EMULE_VERSION
);
// OP_HELLO 0x01: 0x10 <hash 16><client id 4><port 2><tag set><server ip 4><server port 2>
const HELLO = msg(
  0xe3,
  0x01,
  [0x10],
  USER_HASH,
  [0xc0, 0x00, 0x02, 0x0a],
  le16(4662),
  CLIENT_TAGS,
  [203, 0, 113, 7],
  le16(4661),
);
// OP_HELLOANSWER 0x4C: the same without the hash size
const HELLO_ANSWER = msg(
  0xe3,
  0x4c,
  noise(16, 43),
  [0x33, 0x64, 0x00, 0x00],
  le16(4662),
  CLIENT_TAGS,
  [203, 0, 113, 7],
  le16(4661),
);
// OP_LOGINREQUEST 0x01 to a server: <hash 16><client id 4><port 2><tag set>
const LOGIN = msg(0xe3, 0x01, USER_HASH, [0, 0, 0, 0], le16(4662), CLIENT_TAGS);

test('the opening of a connection: hello, hello answer, server login', () => {
  assert.equal(labelledAt(ed, tcp(c(HELLO), s(HELLO_ANSWER))), 0);
  assert.equal(labelledAt(ed, tcp(c(noise(40, 1)), s(HELLO_ANSWER))), 1);
  assert.equal(labelledAt(ed, tcp(c(LOGIN))), 0);
  // a login whose user hash happens to begin with 0x10, the hello's hash size
  const hash10 = bytes([0x10], USER_HASH.subarray(1));
  assert.ok(matches(ed, tcp(c(msg(0xe3, 0x01, hash10, [0, 0, 0, 0], le16(4662), CLIENT_TAGS)))));
  // the hello followed in the same segment by eMule's info, or cut after it
  assert.ok(
    matches(ed, tcp(c(bytes(HELLO, msg(0xc5, 0x01, [0x30, 0x01], tagSet(u32Tag(0x20, 3))))))),
  );
  assert.ok(matches(ed, tcp(c(bytes(HELLO, [0xc5, 0x20, 0x00])))));
  // a size that does not agree with the packet, junk behind it, a tag set of nothing
  assert.ok(!matches(ed, tcp(c(HELLO.subarray(0, HELLO.length - 1)))));
  assert.ok(!matches(ed, tcp(c(bytes(HELLO, 'x')))));
  assert.ok(
    !matches(ed, tcp(c(msg(0xe3, 0x01, [0x10], USER_HASH, [1, 2, 3, 4], le16(4662), le32(0))))),
  );
  assert.ok(
    !matches(
      ed,
      tcp(c(msg(0xe3, 0x01, [0x10], USER_HASH, [1, 2, 3, 4], le16(4662), le32(900), noise(20)))),
    ),
  );
});

test("eMule's info message after the hello", () => {
  // OP_EMULEINFO 0xC5 0x01: <client version 1><protocol version 0x01><tag set>
  const info = msg(0xc5, 0x01, [0x30, 0x01], tagSet(u32Tag(0x20, 3), u32Tag(0x21, 2)));
  assert.equal(labelledAt(ed, tcp(c(noise(30, 2)), c(info))), 1);
  assert.ok(matches(ed, tcp(c(msg(0xc5, 0x02, [0x30, 0x01], tagSet(u32Tag(0x20, 3)))))));
  assert.ok(!matches(ed, tcp(c(msg(0xc5, 0x01, [0x30, 0x02], tagSet(u32Tag(0x20, 3)))))));
});

test('whole messages: two in one segment, or one segment from each side', () => {
  const requestName = msg(0xe3, 0x58, FILE_HASH); // OP_REQUESTFILENAME <hash 16>
  const nameAnswer = msg(0xe3, 0x59, FILE_HASH, le32(9), 'song.flac'); // OP_REQFILENAMEANSWER
  const setFile = msg(0xe3, 0x4f, FILE_HASH); // OP_SETREQFILEID
  assert.equal(labelledAt(ed, tcp(c(requestName), s(nameAnswer))), 1);
  assert.equal(labelledAt(ed, tcp(c(bytes(requestName, setFile)))), 0);
  assert.equal(labelledAt(ed, tcp(c(requestName), c(setFile))), 1);
  // one lone message proves nothing; a retransmission is the same packet, not a second one
  assert.ok(!matches(ed, tcp(c(requestName))));
  assert.ok(!matches(ed, tcp(c(msg(0xe3, 0x55)), s(noise(6, 3)))));
  assert.ok(!matches(ed, tcp(c(requestName), c(requestName, -requestName.length))));
  // an opcode nobody defined, a size off by one
  assert.ok(!matches(ed, tcp(c(msg(0xe3, 0x00, FILE_HASH)), s(msg(0xe3, 0x00, FILE_HASH)))));
  assert.ok(!matches(ed, tcp(c(bytes(requestName, [0])), s(bytes(nameAnswer, [0])))));
});

test('a part of a file longer than its segment: the size must agree with the range', () => {
  // OP_SENDINGPART 0x46: <hash 16><start 4><end 4><data end-start>, cut by the segment
  const part = (start: number, end: number, size = end - start + 25) =>
    bytes([0xe3], le32(size), [0x46], FILE_HASH, le32(start), le32(end), noise(1300, 4));
  const request = msg(
    0xe3,
    0x47,
    FILE_HASH,
    le32(0),
    le32(10240),
    le32(20480),
    le32(10240),
    le32(20480),
    le32(30720),
  );
  assert.equal(labelledAt(ed, tcp(c(request), s(part(0, 10240)))), 1);
  assert.ok(!matches(ed, tcp(c(request), s(part(0, 10240, 10264)))));
  assert.ok(!matches(ed, tcp(c(request), s(part(10240, 0)))));
  // eMule's 64-bit variant, OP_SENDINGPART_I64 0xA2 (protocol 0xC5)
  const part64 = bytes(
    [0xc5],
    le32(10240 + 33),
    [0xa2],
    FILE_HASH,
    le32(0x100000),
    le32(0),
    le32(0x100000 + 10240),
    le32(0),
    noise(1300, 5),
  );
  assert.ok(matches(ed, tcp(c(request), s(part64))));
});

test('packed messages carry a zlib stream', () => {
  // 0xD4: OP_ANSWERSOURCES (0x82) packed; 78 9C is zlib's default header
  const packed = msg(0xd4, 0x82, [0x78, 0x9c], noise(40, 6));
  const other = msg(0xe3, 0x34, le32(1000), le32(50000)); // OP_SERVERSTATUS
  assert.ok(matches(ed, tcp(c(bytes(packed, other)))));
  assert.ok(!matches(ed, tcp(c(bytes(msg(0xd4, 0x82, [0x12, 0x34], noise(40, 6)), other)))));
});

test('not eDonkey: what IPP2P would take, and other protocols', () => {
  // IPP2P: any packet starting 0xE3 with 0x47 at byte 5 ("file segment transfer")
  assert.ok(
    !matches(
      ed,
      tcp(
        c(bytes([0xe3, 0x10, 0x27, 0x00, 0x00, 0x47], noise(60, 7))),
        s(bytes([0xe3], noise(80, 8))),
      ),
    ),
  );
  // IPP2P: 0xE3, size = length − 5, opcode 0x01 — without a hello's fields
  assert.ok(!matches(ed, tcp(c(msg(0xe3, 0x01, noise(60, 9))))));
  assertNoLookAlike(ed);
});

// ------------------------------------------------------------------------------------- UDP

test('eDonkey servers over UDP: status and description requests, sources', () => {
  // OP_GLOBSERVSTATREQ 0x96 <challenge 0x55AA0000 + r, u32 LE>
  const status = bytes([0xe3, 0x96, 0x34, 0x12, 0xaa, 0x55]);
  assert.equal(labelledAt(ed, udp(c(status))), 0);
  // another client's challenge: the server's answer (0x97) must echo it
  const other = bytes([0xe3, 0x96, 0x01, 0x02, 0x03, 0x04]);
  const answer = (ch: number[]) =>
    bytes([0xe3, 0x97], ch, le32(120000), le32(9000000), le32(500000));
  assert.ok(!matches(ed, udp(c(other))));
  assert.equal(labelledAt(ed, udp(c(other), s(answer([1, 2, 3, 4])))), 1);
  assert.ok(!matches(ed, udp(c(other), s(answer([1, 2, 3, 5])))));
  assert.ok(
    !matches(ed, udp(c(other), c(answer([1, 2, 3, 4])))),
    'the answer comes from the other side',
  );
  // OP_SERVER_DESC_REQ 0xA2 with eMule's challenge (low 16 bits 0xF0FF)
  assert.ok(matches(ed, udp(c(bytes([0xe3, 0xa2, 0xff, 0xf0, 0x99, 0x31])))));
  // OP_GLOBFOUNDSOURCES 0x9B: <hash 16><count 1> count × <id 4><port 2>
  const found = (n: number, extra = 0) =>
    bytes([0xe3, 0x9b], FILE_HASH, [n], noise(6 * n + extra, 9));
  assert.ok(matches(ed, udp(s(found(3)))));
  assert.ok(!matches(ed, udp(s(found(3, 1)))));
  // OP_GLOBGETSOURCES 0x9A <hash 16> answered by found sources
  assert.equal(labelledAt(ed, udp(c(bytes([0xe3, 0x9a], FILE_HASH)), s(found(1, 6)))), 1);
});

test('Kad: node lookups and their answers, bootstrap', () => {
  // KADEMLIA2_REQ 0x21: <type 1><target 16><receiver 16>, 35 bytes
  const req = (type: number, op = 0x21) => bytes([0xe4, op, type], noise(32, 10));
  assert.ok(matches(ed, udp(c(req(0x0b)))));
  assert.ok(matches(ed, udp(c(req(0x02, 0x20)))));
  assert.ok(!matches(ed, udp(c(req(0x07)))));
  // KADEMLIA2_RES 0x29: <target 16><count 1> count × <id 16><ip 4><udp 2><tcp 2><version 1>
  const res = (n: number, extra = 0) =>
    bytes([0xe4, 0x29], noise(16, 11), [n], noise(25 * n + extra, 12));
  assert.ok(matches(ed, udp(s(res(4)))));
  assert.ok(!matches(ed, udp(s(res(4, 1)))));
  assert.ok(!matches(ed, udp(s(res(0)))), 'an answer of no contacts, to no request');
  assert.equal(labelledAt(ed, udp(c(req(0x0b)), s(res(0)))), 0);
  // KADEMLIA2_BOOTSTRAP_REQ 0x01 (2 bytes) answered by KADEMLIA2_BOOTSTRAP_RES 0x09:
  // <id 16><port 2><version 1><count 2> count contacts
  const boot = bytes([0xe4, 0x01]);
  const bootRes = (n: number) =>
    bytes([0xe4, 0x09], noise(16, 13), le16(4672), [8], le16(n), noise(25 * n, 14));
  assert.ok(!matches(ed, udp(c(boot))));
  assert.equal(labelledAt(ed, udp(c(boot), s(bootRes(2)))), 1);
  assert.equal(labelledAt(ed, udp(s(bootRes(20)))), 0);
});

test('Kad: a ping answered by a pong, from the other side', () => {
  const ping = bytes([0xe4, 0x60]);
  const pong = bytes([0xe4, 0x61], le16(4672));
  assert.equal(labelledAt(ed, udp(c(ping), s(pong))), 1);
  assert.ok(!matches(ed, udp(c(ping))));
  assert.ok(!matches(ed, udp(s(pong))));
  assert.ok(!matches(ed, udp(c(ping), c(pong))));
  assert.ok(!matches(ed, udp(c(ping), s(bytes(pong, [0])))), 'a pong is 4 bytes');
  // IPP2P takes these alone: 0xE4 0x00 of 27 bytes ending 0, 0xE4 0x50 of 4 bytes
  assert.ok(
    !matches(ed, udp(c(bytes([0xe4, 0x00], noise(24, 15), [0])), s(bytes([0xe4, 0x50, 1, 2])))),
  );
});

test('Kad: hello with its tags filling the datagram', () => {
  // KADEMLIA2_HELLO_REQ 0x11: <id 16><port 2><version 1><tag count 1><tags>
  const tags = bytes([0x08], le16(1), [0xfc], le16(4672), [0x09], le16(1), [0xf2], [0x04]);
  const hello = (count: number, t = tags) =>
    bytes([0xe4, 0x11], noise(16, 16), le16(4662), [8], [count], t);
  assert.ok(matches(ed, udp(c(hello(2)))));
  assert.ok(matches(ed, udp(c(bytes([0xe4, 0x19], hello(0, new Uint8Array()).subarray(2))))));
  assert.ok(!matches(ed, udp(c(hello(3)))));
  assert.ok(!matches(ed, udp(c(hello(2, bytes(tags, [0]))))));
});

test('Kad packed (0xE5): a Kad opcode, then a zlib stream', () => {
  assert.ok(matches(ed, udp(s(bytes([0xe5, 0x3b, 0x78, 0xda], noise(300, 17))))));
  assert.ok(!matches(ed, udp(s(bytes([0xe5, 0x3b, 0x78, 0xdb], noise(300, 17))))));
  assert.ok(!matches(ed, udp(s(bytes([0xe5, 0x77, 0x78, 0xda], noise(300, 17))))));
});

test("eMule's UDP re-ask: the part count agrees, or the answer confirms", () => {
  // OP_REASKFILEPING 0xC5 0x90: <hash 16><part count 2><bits><complete sources 2>
  const reask = (parts: number, bits: number) =>
    bytes([0xc5, 0x90], FILE_HASH, le16(parts), noise(bits, 18), le16(3));
  assert.ok(matches(ed, udp(c(reask(9, 2)))));
  assert.ok(!matches(ed, udp(c(reask(9, 3)))));
  // an older re-ask (<hash 16> only) answered by OP_QUEUEFULL (2 bytes) or OP_REASKACK <rank 2>
  const old = bytes([0xc5, 0x90], FILE_HASH);
  assert.equal(labelledAt(ed, udp(c(old), s(bytes([0xc5, 0x93])))), 1);
  assert.equal(labelledAt(ed, udp(c(old), s(bytes([0xc5, 0x91], le16(17))))), 1);
  assert.ok(!matches(ed, udp(c(old), s(bytes([0xc5, 0x93, 0])))));
});

test('what IPP2P takes over UDP alone is not enough here', () => {
  // 0xE3 0x9A of 18 bytes, 0xE3 0x92 of 10, 0xE4 0x58 of 6, 0xE4 0x59 of 2: requests and
  // answers without their counterpart
  for (const d of [
    bytes([0xe3, 0x9a], noise(16, 19)),
    bytes([0xe3, 0x92], noise(8, 20)),
    bytes([0xe4, 0x58], noise(4, 21)),
    bytes([0xe4, 0x59]),
    bytes([0xe4, 0x52], noise(34, 22)),
  ])
    assert.ok(!matches(ed, udp(c(d), s(noise(30, 23)))), Buffer.from(d).toString('hex'));
});
