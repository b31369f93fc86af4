// Every link type with a packet built by ../wire/build.ts, framed by hand the way each link layer
// frames it. Each case was also written to a pcap and checked with tshark 4.0, which found the same
// IP source address, or no IP where -1 is expected, except for PPI nested in PPI, which Wireshark
// follows and we refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIp } from '../wire/address.js';
import { buildTcpPacket, buildUdpPacket } from '../wire/build.js';
import { Packet } from '../wire/packet.js';
import {
  DLT_RAW_12,
  DLT_RAW_14,
  ipOffset,
  LINKTYPE_C_HDLC,
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_PPI,
  LINKTYPE_PPP,
  LINKTYPE_PPP_HDLC,
  LINKTYPE_RAW,
  SUPPORTED_LINK_TYPES,
} from './link-type.js';
import { captureFromBuffer } from './open-capture.js';
import { encodePcap } from './pcap-writer.js';
import { encodePcapng } from './pcapng-encode.js';
import { forEachPacket } from './for-each-packet.js';

const hex = (s: string): number[] => [...Buffer.from(s.replace(/\s+/g, ''), 'hex')];
const cat = (...parts: (number[] | Uint8Array)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => [...p]));

const v4 = buildTcpPacket({
  src: '192.0.2.1',
  dst: '198.51.100.2',
  srcPort: 40000,
  dstPort: 80,
  flags: 0x02,
});
const v6 = buildUdpPacket({
  src: '2001:db8::1',
  dst: '2001:db8::2',
  srcPort: 40000,
  dstPort: 9,
  payload: 'x',
});
const MACS = hex('020000000002 020000000001');

interface LinkCase {
  name: string;
  linkType: number;
  frame: Uint8Array;
  /** Offset of the IP header, -1 for none. */
  ip: number;
}

const CASES: LinkCase[] = [
  { name: 'Ethernet IPv4', linkType: LINKTYPE_ETHERNET, frame: cat(MACS, hex('0800'), v4), ip: 14 },
  { name: 'Ethernet IPv6', linkType: LINKTYPE_ETHERNET, frame: cat(MACS, hex('86dd'), v6), ip: 14 },
  {
    name: 'Ethernet 802.1Q',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('8100 0064 0800'), v4),
    ip: 18,
  },
  {
    name: 'Ethernet 802.1ad + 802.1Q (QinQ)',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('88a8 00c8 8100 0064 86dd'), v6),
    ip: 22,
  },
  {
    name: 'Ethernet 0x9100 + 0x8100 + 0x8100',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('9100 0001 8100 0002 8100 0003 0800'), v4),
    ip: 26,
  },
  {
    name: 'Ethernet MPLS, one label',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('8847 00010 140'), v4),
    ip: 18,
  },
  {
    name: 'Ethernet MPLS, two labels, IPv6',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('8847 00010040 00020140'), v6),
    ip: 22,
  },
  {
    name: 'Ethernet 802.1Q + MPLS',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('8100 0064 8847 00010140'), v4),
    ip: 22,
  },
  {
    name: 'Ethernet MPLS pseudowire (control word, Ethernet inside)',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('8847 00010140 00000000'), MACS, hex('0800'), v4),
    ip: -1,
  },
  {
    name: 'Ethernet PPPoE session IPv4',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('8864 1100 1234 0029 0021'), v4),
    ip: 22,
  },
  {
    name: 'Ethernet 802.1Q + PPPoE session IPv6',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('8100 0064 8864 1100 1234 0029 0057'), v6),
    ip: 26,
  },
  {
    name: 'Ethernet PPPoE session LCP',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('8864 1100 1234 0006 c021 0101 0004')),
    ip: -1,
  },
  {
    name: 'Ethernet Cisco FabricPath + 802.1Q',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(hex('020abd000000 020abc000000 8903 4020'), MACS, hex('8100 0007 0800'), v4),
    ip: 34,
  },
  {
    name: 'Ethernet ARP',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(MACS, hex('0806 0001 0800 0604 0001'), MACS.slice(0, 6), hex('c0000201')),
    ip: -1,
  },
  {
    name: 'Ethernet 802.3 with LLC (STP)',
    linkType: LINKTYPE_ETHERNET,
    frame: cat(hex('0180c2000000 020000000001 0026 424203 0000'), new Uint8Array(20)),
    ip: -1,
  },
  {
    name: 'Linux cooked SLL IPv4',
    linkType: LINKTYPE_LINUX_SLL,
    frame: cat(hex('0000 0001 0006 020000000001 0000 0800'), v4),
    ip: 16,
  },
  {
    name: 'Linux cooked SLL 802.1Q IPv6',
    linkType: LINKTYPE_LINUX_SLL,
    frame: cat(hex('0004 0001 0006 020000000001 0000 8100'), hex('0064 86dd'), v6),
    ip: 20,
  },
  {
    name: 'Linux cooked SLL2 IPv6',
    linkType: LINKTYPE_LINUX_SLL2,
    frame: cat(hex('86dd 0000 00000002 0001 00 06 020000000001 0000'), v6),
    ip: 20,
  },
  {
    name: 'Linux cooked SLL2 ARP',
    linkType: LINKTYPE_LINUX_SLL2,
    frame: cat(hex('0806 0000 00000002 0001 00 06 020000000001 0000'), hex('0001 0800 0604 0001')),
    ip: -1,
  },
  { name: 'raw IP (101) IPv4', linkType: LINKTYPE_RAW, frame: v4, ip: 0 },
  { name: 'raw IP (101) IPv6', linkType: LINKTYPE_RAW, frame: v6, ip: 0 },
  { name: 'raw IP (12)', linkType: DLT_RAW_12, frame: v6, ip: 0 },
  { name: 'raw IP (14)', linkType: DLT_RAW_14, frame: v4, ip: 0 },
  {
    name: 'raw IP, version 5 in the first nibble',
    linkType: LINKTYPE_RAW,
    frame: cat(hex('50'), v4.subarray(1)),
    ip: -1,
  },
  { name: 'IPv4 (228)', linkType: LINKTYPE_IPV4, frame: v4, ip: 0 },
  {
    name: 'IPv4 (228) holding IPv6 (the version decides)',
    linkType: LINKTYPE_IPV4,
    frame: v6,
    ip: 0,
  },
  {
    name: 'IPv6 (229), version 0',
    linkType: LINKTYPE_IPV6,
    frame: cat(hex('00'), v6.subarray(1)),
    ip: -1,
  },
  { name: 'IPv6 (229)', linkType: LINKTYPE_IPV6, frame: v6, ip: 0 },
  {
    name: 'BSD null AF_INET, little-endian',
    linkType: LINKTYPE_NULL,
    frame: cat(hex('02000000'), v4),
    ip: 4,
  },
  {
    name: 'BSD null AF_INET, big-endian',
    linkType: LINKTYPE_NULL,
    frame: cat(hex('00000002'), v4),
    ip: 4,
  },
  {
    name: 'BSD null AF_INET6 24 (NetBSD/OpenBSD), little-endian',
    linkType: LINKTYPE_NULL,
    frame: cat(hex('18000000'), v6),
    ip: 4,
  },
  {
    name: 'BSD null AF_INET6 28 (FreeBSD), big-endian',
    linkType: LINKTYPE_NULL,
    frame: cat(hex('0000001c'), v6),
    ip: 4,
  },
  {
    name: 'BSD null AF_INET6 30 (macOS), little-endian',
    linkType: LINKTYPE_NULL,
    frame: cat(hex('1e000000'), v6),
    ip: 4,
  },
  {
    name: 'BSD null AF 7 (not IP)',
    linkType: LINKTYPE_NULL,
    frame: cat(hex('07000000'), v4),
    ip: -1,
  },
  { name: 'OpenBSD loop AF_INET', linkType: LINKTYPE_LOOP, frame: cat(hex('00000002'), v4), ip: 4 },
  {
    name: 'OpenBSD loop AF_INET6',
    linkType: LINKTYPE_LOOP,
    frame: cat(hex('00000018'), v6),
    ip: 4,
  },
  { name: 'PPP ff03 IPv4', linkType: LINKTYPE_PPP, frame: cat(hex('ff03 0021'), v4), ip: 4 },
  {
    name: 'PPP IPv6, no address/control',
    linkType: LINKTYPE_PPP,
    frame: cat(hex('0057'), v6),
    ip: 2,
  },
  {
    name: 'PPP compressed protocol field IPv4',
    linkType: LINKTYPE_PPP,
    frame: cat(hex('21'), v4),
    ip: 1,
  },
  {
    name: 'PPP carrying Cisco HDLC (as Wireshark reads it)',
    linkType: LINKTYPE_PPP,
    frame: cat(hex('0f00 0800'), v4),
    ip: 4,
  },
  { name: 'PPP LCP', linkType: LINKTYPE_PPP, frame: cat(hex('ff03 c021 0101 0004')), ip: -1 },
  {
    name: 'PPP in HDLC framing (50)',
    linkType: LINKTYPE_PPP_HDLC,
    frame: cat(hex('ff03 0021'), v4),
    ip: 4,
  },
  {
    name: 'Cisco HDLC (104) IPv6',
    linkType: LINKTYPE_C_HDLC,
    frame: cat(hex('8f00 86dd'), v6),
    ip: 4,
  },
  {
    name: 'PPI around Ethernet',
    linkType: LINKTYPE_PPI,
    frame: cat(hex('0000 0800 01000000'), MACS, hex('0800'), v4),
    ip: 22,
  },
  {
    name: 'PPI around PPI (refused; Wireshark follows it)',
    linkType: LINKTYPE_PPI,
    frame: cat(hex('0000 0800 c0000000'), hex('0000 0800 65000000'), v4),
    ip: -1,
  },
  { name: 'unknown link type (IEEE 802.11)', linkType: 105, frame: v4, ip: -1 },
];

const packet = new Packet();

for (const c of CASES) {
  test(`ipOffset: ${c.name}`, () => {
    // surround the frame so absolute offsets and the end of the frame are both exercised
    const buf = cat(hex('eeeeee'), c.frame, hex('45eeee'));
    const got = ipOffset(c.linkType, buf, 3, c.frame.length);
    assert.equal(got, c.ip < 0 ? -1 : 3 + c.ip);
    if (got >= 0) {
      assert.ok(packet.decode(buf, got, 3 + c.frame.length - got), 'an IP header decodes there');
      const expected = packet.version === 4 ? '192.0.2.1' : '2001:db8::1';
      assert.equal(formatIp(buf, packet.srcOffset, packet.addrLength), expected);
    }
  });
}

test('ipOffset on every cut of every frame stays inside the frame and never throws', () => {
  for (const c of CASES) {
    for (let len = 0; len <= c.frame.length; len++) {
      const got = ipOffset(c.linkType, c.frame, 0, len);
      assert.ok(got === -1 || (got >= 0 && got < len), `${c.name} cut to ${len}: ${got}`);
    }
  }
});

test('ipOffset on random bytes for every link type stays inside the frame', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...SUPPORTED_LINK_TYPES),
      fc.uint8Array({ maxLength: 80 }),
      fc.nat({ max: 8 }),
      (lt, bytes, off) => {
        const len = Math.max(0, bytes.length - off);
        const got = ipOffset(lt, bytes, off, len);
        assert.ok(got === -1 || (got >= off && got < off + len));
      },
    ),
    { numRuns: 3000 },
  );
  assert.equal(
    ipOffset(LINKTYPE_RAW, v4, 0, v4.length + 1),
    -1,
    'a length beyond the buffer is refused',
  );
  assert.equal(ipOffset(LINKTYPE_RAW, v4, -1, 4), -1);
});

test('forEachPacket: one Packet reused, non-IP records reset it, false stops early', () => {
  const arp = CASES.find((c) => c.name === 'Ethernet ARP')!.frame;
  const eth4 = CASES[0].frame;
  const eth6 = CASES[1].frame;
  const bytes = encodePcap(
    [{ data: eth4 }, { data: arp }, { data: eth6 }, { data: eth4 }],
    LINKTYPE_ETHERNET,
  );
  const seen: string[] = [];
  const p = new Packet();
  const n = forEachPacket(captureFromBuffer('m.pcap', bytes), p, (rec, pk, isIp) => {
    assert.equal(pk, p);
    // a frame without IP is ordinary, not a decoding fault (and costs no fault object)
    if (!isIp) assert.equal(pk.fault, null);
    seen.push(
      isIp ? `${rec.index}:v${pk.version}:${pk.srcPort}` : `${rec.index}:none:v${pk.version}`,
    );
    return rec.index < 3;
  });
  assert.equal(n, 3);
  assert.deepEqual(seen, ['1:v4:40000', '2:none:v0', '3:v6:40000']);
});

test('forEachPacket follows each pcapng interface to its own link type', () => {
  const bytes = encodePcapng([
    {
      blocks: [
        { type: 'idb', linkType: LINKTYPE_LINUX_SLL },
        { type: 'idb', linkType: LINKTYPE_RAW },
        {
          type: 'epb',
          interfaceId: 0,
          data: CASES.find((c) => c.name === 'Linux cooked SLL IPv4')!.frame,
        },
        { type: 'epb', interfaceId: 1, data: v6 },
      ],
    },
  ]);
  const got: string[] = [];
  forEachPacket(captureFromBuffer('two.pcapng', bytes), new Packet(), (rec, pk, isIp) => {
    got.push(`${rec.linkType} ${isIp} ${formatIp(rec.buf, pk.srcOffset, pk.addrLength)}`);
  });
  assert.deepEqual(got, ['113 true 192.0.2.1', '101 true 2001:db8::1']);
});
