// The packets the compiler's fuzz tests run scripts on: a Gnutella handshake over TCP, a DHT
// ping over UDP and IPv6, and a bare SYN (no payload).
import { buildTcpPacket, buildUdpPacket, Packet } from '@p2pwall/core';

export function fuzzPackets(): Packet[] {
  return [
    buildTcpPacket({
      src: '192.0.2.1',
      dst: '198.51.100.2',
      srcPort: 40000,
      dstPort: 6346,
      flags: 0x18,
      payload: 'GNUTELLA CONNECT/0.6\r\nUser-Agent: x\r\n\r\n',
    }),
    buildUdpPacket({
      src: '2001:db8::1',
      dst: '2001:db8::2',
      srcPort: 6881,
      dstPort: 6881,
      payload: 'd1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe',
    }),
    buildTcpPacket({
      src: '192.0.2.1',
      dst: '198.51.100.2',
      srcPort: 80,
      dstPort: 40000,
      flags: 0x02,
    }),
  ].map((b) => {
    const p = new Packet();
    p.decode(b, 0, b.length);
    return p;
  });
}
