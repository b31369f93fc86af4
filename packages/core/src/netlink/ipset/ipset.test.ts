import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NlMsgView } from '../message.js';
import { NlWriter } from '../writer.js';
import { writeIpsetAdt } from './adt.js';
import {
  decodeIpsetHeader,
  decodeIpsetProtocol,
  writeIpsetCreate,
  writeIpsetProtocolQuery,
  writeIpsetSetCommand,
} from './commands.js';
import { IPSET_CMD_ADD, IPSET_CMD_DEL, IPSET_CMD_DESTROY, IPSET_ERR_EXIST } from './constants.js';
import {
  checkIpsetElement,
  decodeIpsetData,
  writeIpsetData,
  type IpsetElement,
} from './element.js';
import { IpsetError, ipsetErrorName, ipsetKernelFault } from './errors.js';
import { decodeIpsetListMessage, emptyIpsetListing } from './listing.js';

const hex = (...parts: string[]) => parts.join('').replace(/\s+/g, '');
const view = (h: string | Buffer) =>
  new NlMsgView().reset(typeof h === 'string' ? Buffer.from(h, 'hex') : h, 0);

test('a create is the bytes the ipset command sends for `create b hash:ip,port family inet6 timeout 60`', () => {
  // as strace showed `ipset` 7.17 sending it (seq aside)
  const b = writeIpsetCreate(
    new NlWriter(),
    0x6b12a5a2,
    7,
    'b',
    7,
    { type: 'hash:ip,port', family: 'inet6', timeoutMs: 60_000 },
    true,
  ).finish();
  assert.equal(
    b.toString('hex'),
    hex(
      '54000000 0206 0506 a2a5126b 00000000', // CREATE, REQUEST|ACK|EXCL|CREATE
      '02 00 0000', // nfgenmsg: AF_INET, v0, res_id 0
      '05000100 07000000', // IPSET_ATTR_PROTOCOL 7
      '06000200 62000000', // IPSET_ATTR_SETNAME "b"
      '11000300 686173683a69702c706f727400 000000', // IPSET_ATTR_TYPENAME "hash:ip,port"
      '05000400 07000000', // IPSET_ATTR_REVISION 7
      '05000500 0a000000', // IPSET_ATTR_FAMILY NFPROTO_IPV6
      '0c000780 08000640 0000003c', // IPSET_ATTR_DATA { IPSET_ATTR_TIMEOUT|NET_BYTEORDER 60 s }
    ),
  );
});

test('an add of one element with a timeout goes in IPSET_ATTR_DATA', () => {
  const b = writeIpsetAdt(new NlWriter(), {
    cmd: IPSET_CMD_ADD,
    seq: 1,
    protocol: 7,
    name: 'b',
    type: 'hash:ip,port',
    elements: [{ address: '2001:db8::1', port: 80, timeoutMs: 29_001 }],
    exclusive: false,
  }).finish();
  assert.equal(
    b.toString('hex'),
    hex(
      '58000000 0906 0500 01000000 00000000', // ADD, REQUEST|ACK (no EXCL: -exist)
      '02 00 0000',
      '05000100 07000000',
      '06000200 62000000',
      '34000780', // IPSET_ATTR_DATA
      '18000180 14000240 20010db8000000000000000000000001', // IP { IPADDR_IPV6|NET_BYTEORDER }
      '06000440 0050 0000', // PORT|NET_BYTEORDER 80
      '08000640 0000001e', // TIMEOUT|NET_BYTEORDER 30 s (29.001 s rounded up)
      '05000700 06000000', // PROTO tcp
    ),
  );
});

test('several elements go in IPSET_ATTR_ADT with IPSET_ATTR_LINENO, deletes without timeouts', () => {
  const b = writeIpsetAdt(new NlWriter(), {
    cmd: IPSET_CMD_DEL,
    seq: 2,
    protocol: 6,
    name: 'b4',
    type: 'hash:ip',
    elements: [{ address: '192.0.2.1', timeoutMs: 5000 }, { address: '192.0.2.2' }],
    exclusive: true,
  }).finish();
  assert.equal(
    b.toString('hex'),
    hex(
      '50000000 0a06 0502 02000000 00000000', // DEL, REQUEST|ACK|EXCL
      '02 00 0000',
      '05000100 06000000',
      '07000200 62340000',
      '24000880', // IPSET_ATTR_ADT
      '10000780 0c000180 08000140 c0000201', // DATA { IP { IPADDR_IPV4 192.0.2.1 } }
      '10000780 0c000180 08000140 c0000202',
      '08000940 00000000', // IPSET_ATTR_LINENO 0
    ),
  );
});

test('destroy and protocol queries', () => {
  assert.equal(
    writeIpsetSetCommand(new NlWriter(), IPSET_CMD_DESTROY, 3, 7, 'b').finish().toString('hex'),
    hex('24000000 0306 0500 03000000 00000000 02000000 05000100 07000000 06000200 62000000'),
  );
  assert.equal(
    writeIpsetProtocolQuery(new NlWriter(), 4, 6).finish().toString('hex'),
    hex('1c000000 0106 0500 04000000 00000000 02000000 05000100 06000000'),
  );
});

// Answers of Linux 6.18 (ipset protocol 7).
const PROTOCOL_REPLY = '240000000106000009907d3bae7b000802000000050001000700000005000a0006000000';
const HEADER_REPLY =
  '480000000c0600000a907d3bae7b0008020000000500010007000000080002006270360011000300686173683a69702c706f727400000000050005000a0000000500040007000000';
// `ipset list` of `create blk4 hash:ip timeout 60` holding 192.0.2.1 (timeout 30) and 192.0.2.2
// (timeout 0: permanent), and of `create bp6 hash:ip,port family inet6 timeout 60` holding
// 2001:db8::1,tcp:80 (timeout 30) and 2001:db8::2,udp:53.
const LIST_BLK4 =
  'c4000000070602000b907d3bae7b000802000000050001000700000009000200626c6b34000000000c000300686173683a6970000500050002000000050004000600000006000b40000000004400078008001240000004000800134000010000050015000c000000080011408dd10f29080019400000000008001a40000001580800184000000002080006400000003c34000880180007800c00018008000100c00002020800064000000000180007800c00018008000100c0000201080006400000001d';
const LIST_BP6 =
  '00010000070602000c907d3bae7b0008020000000500010007000000080002006270360011000300686173683a69702c706f727400000000050005000a000000050004000700000006000b40000100004400078008001240000004000800134000010000050015000c00000008001140da9e7c5b080019400000000008001a40000001a80800184000000002080006400000003c6c00088034000780180001801400020020010db800000000000000000000000206000440003500000500070011000000080006400000003b34000780180001801400020020010db800000000000000000000000106000440005000000500070006000000080006400000001d';

test('kernel answers decode to what `ipset list` shows', () => {
  assert.deepEqual(decodeIpsetProtocol(view(PROTOCOL_REPLY)), { protocol: 7, protocolMin: 6 });
  assert.deepEqual(decodeIpsetHeader(view(HEADER_REPLY)), {
    name: 'bp6',
    type: 'hash:ip,port',
    family: 'inet6',
    revision: 7,
  });
  const blk4 = emptyIpsetListing('blk4');
  decodeIpsetListMessage(view(LIST_BLK4), blk4);
  assert.deepEqual(blk4, {
    name: 'blk4',
    type: 'hash:ip',
    family: 'inet',
    revision: 6,
    timeoutMs: 60_000,
    hashSize: 1024,
    maxElements: 65536,
    count: 2,
    references: 0,
    memory: 344,
    elements: [
      { address: '192.0.2.2', expiresMs: 0 },
      { address: '192.0.2.1', expiresMs: 29_000 },
    ],
  });
  const bp6 = emptyIpsetListing('bp6');
  decodeIpsetListMessage(view(LIST_BP6), bp6);
  assert.equal(bp6.family, 'inet6');
  assert.deepEqual(bp6.elements, [
    { address: '2001:db8::2', port: 53, proto: 'udp', expiresMs: 59_000 },
    { address: '2001:db8::1', port: 80, proto: 'tcp', expiresMs: 29_000 },
  ]);
});

test('ipset error codes above the errno range have names and a meaning per command', () => {
  assert.equal(ipsetErrorName(IPSET_ERR_EXIST), 'IPSET_ERR_EXIST');
  assert.equal(ipsetErrorName(2), 'ENOENT');
  assert.equal(
    new IpsetError(ipsetKernelFault(IPSET_ERR_EXIST, 'delete', 'blocked')).message,
    'ipset blocked: delete failed: IPSET_ERR_EXIST — an element is not in the set (delete with ignoreMissing to skip missing elements)',
  );
  assert.equal(
    new IpsetError(ipsetKernelFault(IPSET_ERR_EXIST, 'add', 'blocked')).message,
    'ipset blocked: add failed: IPSET_ERR_EXIST — an element is in the set already (an exclusive add refuses it)',
  );
  assert.equal(
    new IpsetError(ipsetKernelFault(2, 'add', 'blocked')).message,
    'ipset blocked: add failed: ENOENT — the set does not exist',
  );
  assert.equal(
    new IpsetError(ipsetKernelFault(4107, 'add', 'blocked')).message,
    'ipset blocked: add failed: IPSET_ERR_TIMEOUT — the set was created without timeout support (create it with a timeout)',
  );
  assert.equal(
    new IpsetError(ipsetKernelFault(1, 'add', 'blocked')).message,
    'ipset blocked: add failed: EPERM — needs CAP_NET_ADMIN (run as root, or grant the capability)',
  );
});

test('elements are checked against the set before they are sent', () => {
  assert.equal(
    checkIpsetElement('hash:ip', 'inet', { address: '2001:db8::1' }),
    '2001:db8::1 is not an IPv4 address (the set is family inet)',
  );
  assert.equal(
    checkIpsetElement('hash:ip,port', 'inet', { address: '192.0.2.1' }),
    '192.0.2.1 needs a port 0..65535 (the set is hash:ip,port)',
  );
  assert.equal(
    checkIpsetElement('hash:ip,port', 'inet', {
      address: '192.0.2.1',
      port: 1,
      proto: 'gre' as never,
    }),
    'protocol gre is not tcp, udp, sctp, udplite or 1..255',
  );
  assert.match(
    checkIpsetElement('hash:ip', 'inet', { address: '192.0.2.1', timeoutMs: 3e9 })!,
    /not between 0 and 2147483 seconds/,
  );
  assert.equal(
    checkIpsetElement('hash:ip,port', 'inet6', { address: '2001:db8::1', port: 1, proto: 17 }),
    null,
  );
});

const octet = fc.integer({ min: 0, max: 255 });
const element: fc.Arbitrary<[IpsetElement, 'hash:ip' | 'hash:ip,port']> = fc
  .tuple(
    fc.boolean(),
    fc.boolean(),
    fc.tuple(octet, octet, octet, octet),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    fc.integer({ min: 0, max: 0xffff }),
    fc.constantFrom('tcp', 'udp', 'sctp', 'udplite', 47),
    fc.option(fc.integer({ min: 0, max: 2147483000 }), { nil: undefined }),
  )
  .map(([v6, withPort, a4, a6, port, proto, timeoutMs]) => {
    const e: IpsetElement = {
      address: v6 ? a6.map((w) => w.toString(16)).join(':') : a4.join('.'),
    };
    if (withPort) Object.assign(e, { port, proto });
    if (timeoutMs !== undefined) e.timeoutMs = timeoutMs;
    return [e, withPort ? 'hash:ip,port' : 'hash:ip'];
  });

test('any element survives encoding and decoding (timeouts in whole seconds, rounded up)', () => {
  fc.assert(
    fc.property(element, ([e, type]) => {
      const family = e.address.includes(':') ? 'inet6' : 'inet';
      assert.equal(checkIpsetElement(type, family, e), null);
      const w = new NlWriter();
      w.begin(0x0609, 0, 1).nfgenmsg(2, 0, 0);
      writeIpsetData(w, type, e, true);
      const b = w.finish();
      const back = decodeIpsetData(b, 20 + 4, b.length);
      const again = new NlWriter().begin(0x0609, 0, 1).nfgenmsg(2, 0, 0);
      writeIpsetData(again, type, { ...e, address: back.address }, true);
      assert.deepEqual(again.finish(), b);
      assert.equal(back.port, e.port);
      assert.equal(back.proto, e.proto);
      assert.equal(
        back.expiresMs,
        e.timeoutMs === undefined ? undefined : Math.ceil(e.timeoutMs / 1000) * 1000,
      );
    }),
  );
});
