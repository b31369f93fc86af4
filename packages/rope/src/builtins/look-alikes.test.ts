// Shared by the tests of the built-in scripts: the openings of common protocols, byte-exact as
// their specifications lay them out, that no file-sharing script may label. The name ends in
// .test.ts only to keep it out of the build (dist/); it registers no tests of its own.
import assert from 'node:assert/strict';
import type { Script } from '../runtime/script.js';
import { be16, bytes, c, hex, matches, noise, s, type Step } from './harness.test.js';

/** A TLS 1.2/1.3 ClientHello record (RFC 8446 §4.1.2): record header 16 03 01, then the hello. */
export const TLS_CLIENT_HELLO = bytes(
  [0x16, 0x03, 0x01, 0x00, 0x4a],
  [0x01, 0x00, 0x00, 0x46, 0x03, 0x03],
  noise(32, 3),
  [0x00, 0x00, 0x04, 0x13, 0x01, 0x13, 0x02, 0x01, 0x00],
  [0x00, 0x19, 0x00, 0x00, 0x00, 0x15, 0x00, 0x13, 0x00, 0x00, 0x10],
  'tracker.example.',
  [0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04],
);

/** A TLS application-data record (content type 23): what most of a TLS stream looks like. */
export const TLS_APPLICATION_DATA = bytes([0x17, 0x03, 0x03, 0x00, 0x40], noise(64, 5));

/** An SSH identification string (RFC 4253 §4.2). */
export const SSH_BANNER = 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n';

/** An HTTP/1.1 request with quoted header values (RFC 9110 entity tags). */
export const HTTP_REQUEST =
  'GET /index.html HTTP/1.1\r\nHost: example.org\r\nIf-None-Match: "abc", "def"\r\nUser-Agent: curl/8.0\r\n\r\n';

/** An HTTP/1.1 response head. */
export const HTTP_RESPONSE =
  'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nETag: "x1"\r\nContent-Length: 5\r\n\r\nhello';

/** A DNS query for example.org A (RFC 1035 §4.1): id, flags 0x0100, one question. */
export const DNS_QUERY = bytes(
  [0xe3, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
  [7],
  'example',
  [3],
  'org',
  [0, 0x00, 0x01, 0x00, 0x01],
);

/** A QUIC v1 Initial packet's start (RFC 9000 §17.2.2): long header 0xC5, version 1, CIDs. */
export const QUIC_INITIAL = bytes(
  [0xc5, 0x00, 0x00, 0x00, 0x01, 0x08],
  noise(8, 9),
  [0x00, 0x00, 0x44, 0xd0],
  noise(1200, 10),
);

/** A STUN Binding request (RFC 8489 §5): type 0x0001, length, the magic cookie, transaction id. */
export const STUN_BINDING = bytes([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42], noise(12, 11));

/** A DTLS 1.2 ClientHello record (RFC 6347 §4.1): type 22, version FE FD, epoch, sequence. */
export const DTLS_CLIENT_HELLO = bytes(
  [0x16, 0xfe, 0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
  be16(64),
  noise(64, 12),
);

/** An RTP packet (RFC 3550 §5.1): version 2, payload type 0, sequence, timestamp, SSRC. */
export const RTP = bytes([0x80, 0x00, 0x12, 0x34], hex('0001e240 deadbeef'), noise(160, 13));

/** An SSDP search (UPnP 1.1 §1.3.2). */
export const SSDP_SEARCH =
  'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n';

/** TCP conversations of other protocols: first packets from the client and the server. */
export const TCP_LOOK_ALIKES: [string, Step[]][] = [
  ['TLS', [c(TLS_CLIENT_HELLO), s(TLS_APPLICATION_DATA), c(TLS_APPLICATION_DATA)]],
  ['SSH', [s(SSH_BANNER), c(SSH_BANNER), c(noise(640, 14)), s(noise(1080, 15))]],
  ['HTTP', [c(HTTP_REQUEST), s(HTTP_RESPONSE)]],
  ['random bytes', [c(noise(300, 16)), s(noise(1400, 17)), c(noise(52, 18)), s(noise(9, 19))]],
];

/** UDP exchanges of other protocols. */
export const UDP_LOOK_ALIKES: [string, Step[]][] = [
  ['DNS', [c(DNS_QUERY), s(bytes(DNS_QUERY.subarray(0, 2), [0x81, 0x80], DNS_QUERY.subarray(4)))]],
  ['QUIC', [c(QUIC_INITIAL), s(bytes([0xc3], QUIC_INITIAL.subarray(1, 400)))]],
  [
    'STUN',
    [c(STUN_BINDING), s(bytes([0x01, 0x01, 0x00, 0x0c], STUN_BINDING.subarray(4), noise(12)))],
  ],
  ['DTLS', [c(DTLS_CLIENT_HELLO), s(DTLS_CLIENT_HELLO)]],
  ['RTP', [c(RTP), s(RTP), c(RTP)]],
  ['SSDP', [c(SSDP_SEARCH)]],
  ['random bytes', [c(noise(35, 20)), s(noise(4, 21)), c(noise(2, 22)), s(noise(600, 23))]],
];

/** Asserts that the script labels none of the look-alike conversations. */
export function assertNoLookAlike(script: Script): void {
  for (const [name, steps] of TCP_LOOK_ALIKES)
    assert.ok(!matches(script, { l4: 'tcp', steps }), `TCP ${name} labelled ${script.name}`);
  for (const [name, steps] of UDP_LOOK_ALIKES)
    assert.ok(!matches(script, { l4: 'udp', steps }), `UDP ${name} labelled ${script.name}`);
}
