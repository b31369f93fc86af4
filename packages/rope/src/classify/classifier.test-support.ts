// What the classifier's tests share: a script compiled (or the test fails with its diagnostics),
// packets decoded into one reused Packet, and the two hosts of their flows (documentation
// addresses).
import assert from 'node:assert/strict';
import { buildTcpPacket, buildUdpPacket, Packet, TCP_ACK, TCP_PSH } from '@p2pwall/core';
import { compile } from '../compile/compile.js';
import type { Script } from '../runtime/script.js';

export const CLIENT = '192.0.2.10';
export const SERVER = '198.51.100.20';

/** `source` compiled as NAME.rope with `pushes` pre-pushed values. */
export function compiled(source: string, name: string, pushes = 0): Script {
  const { script, diagnostics } = compile(source, `${name}.rope`, { pushes });
  assert.ok(script, diagnostics.map((d) => d.render()).join('\n'));
  return script;
}

const packet = new Packet();

/** `bytes` (an IP packet) decoded; the same Packet every call, valid until the next. */
export function decoded(bytes: Uint8Array): Packet {
  assert.ok(packet.decode(bytes, 0, bytes.length));
  return packet;
}

/** A packet with payload of the TCP connection CLIENT:port → SERVER:serverPort, from the client. */
export function fromClient(payload: string, port = 40000, serverPort = 6881): Packet {
  const src = CLIENT;
  const dst = SERVER;
  return decoded(
    buildTcpPacket({ src, dst, srcPort: port, dstPort: serverPort, flags: TCP_ACK, payload }),
  );
}

/** A packet with payload of the same connection, from the server. */
export function fromServer(payload: string, port = 40000, serverPort = 6881): Packet {
  const flags = TCP_ACK | TCP_PSH;
  return decoded(
    buildTcpPacket({
      src: SERVER,
      dst: CLIENT,
      srcPort: serverPort,
      dstPort: port,
      flags,
      payload,
    }),
  );
}

/** A UDP datagram CLIENT:srcPort → SERVER:dstPort. */
export function datagram(payload: string, srcPort = 6881, dstPort = 6881): Packet {
  return decoded(buildUdpPacket({ src: CLIENT, dst: SERVER, srcPort, dstPort, payload }));
}
