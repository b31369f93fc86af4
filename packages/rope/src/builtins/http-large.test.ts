// The built-in http-large.rope over IPv4 and IPv6: sizes at and around the limit, Content-Range
// before Content-Length, responses without a body, heads split across packets, and text that
// only looks like a response.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertEverySignature,
  builtin,
  c,
  labelledAt,
  matches,
  noise,
  s,
  type Step,
} from './harness.test.js';

const hl = builtin('http-large');
const GET = 'GET /file.iso HTTP/1.1\r\nHost: example.org\r\n\r\n';
const conv = (steps: Step[], limit?: number) => ({
  l4: 'tcp' as const,
  steps,
  serverPort: 80,
  pushes: limit === undefined ? [] : [limit],
});
const reply = (head: string, limit?: number) =>
  matches(hl, conv([c(GET), s(`${head}\r\n\r\n`)], limit));

test('strictly more than the limit: 1,000,000 bytes unless one is pushed', () => {
  assert.ok(reply('HTTP/1.1 200 OK\r\nContent-Length: 1000001'));
  assert.ok(!reply('HTTP/1.1 200 OK\r\nContent-Length: 1000000'));
  assert.ok(!reply('HTTP/1.0 200 OK\r\nContent-Length: 1048576', 5_000_000));
  assert.ok(reply('HTTP/1.0 200 OK\r\nContent-Length: 5000001', 5_000_000));
  assert.ok(!reply('HTTP/1.0 200 OK\r\nContent-Length: 5000000', 5_000_000));
  assert.ok(reply('HTTP/1.1 200 OK\r\nContent-Length: 99999999999'), 'beyond 32 bits');
  assert.ok(reply('HTTP/1.1 200 OK\r\nContent-Length: 2', 1));
});

test('the Content-Range total decides before Content-Length; both spellings; names in any case', () => {
  assert.ok(
    reply('HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-1/5120755\r\nContent-Length: 2'),
  );
  assert.ok(
    reply('HTTP/1.1 206 Partial Content\r\ncontent-length: 2\r\nCONTENT-RANGE: bytes=0-1/5120755'),
  );
  assert.ok(
    !reply(
      'HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-499/500\r\nContent-Length: 5000000',
    ),
  );
  // no total: the length decides
  assert.ok(
    reply(
      'HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-1999999/*\r\nContent-Length: 2000000',
    ),
  );
  // an unsatisfiable range declares the size of the resource all the same (RFC 9110 §14.4)
  assert.ok(
    reply(
      'HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */5000000\r\nContent-Length: 0',
    ),
  );
  assert.ok(
    !reply(
      'HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */500000\r\nContent-Length: 9000000',
    ),
  );
  assert.ok(reply('HTTP/1.1 200 OK\r\nCoNtEnT-LeNgTh:\t3000000 '));
});

test('responses without a body or without a size never match', () => {
  assert.ok(!reply('HTTP/1.1 304 Not Modified\r\nContent-Length: 5000000'));
  assert.ok(!reply('HTTP/1.1 204 No Content\r\nContent-Length: 5000000'));
  assert.ok(!reply('HTTP/1.1 100 Continue'));
  assert.ok(!reply('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5000000'));
  assert.ok(!reply('HTTP/1.1 200 OK\r\nConnection: close'));
  assert.ok(!reply('HTTP/1.1 200 OK\r\nX-Content-Length: 5000000'));
  assert.ok(!reply('HTTP/2 200\r\nContent-Length: 5000000'));
  assert.ok(!reply('HTTP/1.1 200 OK\r\nContent-Length: -5000000'));
});

test('an interim 100 Continue before the final response, in the same packet or its own', () => {
  assert.ok(reply('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2000000'));
  assert.equal(
    labelledAt(
      hl,
      conv([
        c(GET),
        s('HTTP/1.1 100 Continue\r\n\r\n'),
        s('HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n'),
      ]),
    ),
    2,
  );
});

test('a head split across packets is completed by the next packet of its side', () => {
  assert.equal(
    labelledAt(
      hl,
      conv([
        c(GET),
        s('HTTP/1.1 200 OK\r\nServer: x\r\nContent-Len'),
        c('x'),
        s('gth: 2000000\r\n\r\n'),
      ]),
    ),
    3,
  );
  assert.ok(
    !matches(
      hl,
      conv([c(GET), s('HTTP/1.1 200 OK\r\nServer: x\r\n'), s('Content-Length: 20\r\n\r\n')]),
    ),
  );
  // cut inside the status line, one header line per segment
  const lines = ['HTTP/1.1 2', '00 OK\r\n', 'Server: x\r\n', 'Content-Length: 2000000\r\n', '\r\n'];
  assert.equal(labelledAt(hl, conv([c(GET), ...lines.map((l) => s(l))])), 4);
  assert.equal(
    labelledAt(hl, conv([c(GET), s('H'), s('TTP/1.0 200 OK\r\nContent-Length: 2000000\r\n\r\n')])),
    2,
  );
  assert.ok(
    !matches(hl, conv([c(GET), s('HTTP/1.1 2'), s('xx OK\r\nContent-Length: 2000000\r\n\r\n')])),
  );
});

test('responses on a kept-alive connection are followed by sequence number', () => {
  const small = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
  const big = 'HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n';
  assert.equal(labelledAt(hl, conv([c(GET), s(small), c(GET), s(big)])), 3);
  // the body in packets of its own, then the next response
  assert.equal(
    labelledAt(
      hl,
      conv([
        c(GET),
        s('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'),
        s('0123456789'),
        c(GET),
        s(big),
      ]),
    ),
    4,
  );
  // the answer to a HEAD request has no body: the next response follows its head
  assert.equal(
    labelledAt(
      hl,
      conv([
        c('HEAD / HTTP/1.1\r\n\r\n'),
        s('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'),
        c(GET),
        s(big),
      ]),
    ),
    3,
  );
  // a retransmission of the first response changes nothing
  assert.equal(
    labelledAt(hl, conv([c(GET), s(small), s(small, -small.length), c(GET), s(big)])),
    4,
  );
});

test('pipelined responses sharing a packet are read in turn', () => {
  const big = 'HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n';
  const pipelined = (...responses: string[]) =>
    conv([c(`${GET}${GET}${GET}`), s(responses.join(''))]);
  assert.equal(labelledAt(hl, pipelined('HTTP/1.1 304 Not Modified\r\nETag: "a"\r\n\r\n', big)), 1);
  assert.equal(
    labelledAt(hl, pipelined('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', big)),
    1,
  );
  assert.equal(
    labelledAt(
      hl,
      pipelined(
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
        'HTTP/1.1 204 No Content\r\n\r\n',
        'HTTP/1.1 100 Continue\r\n\r\n',
        big,
      ),
    ),
    1,
  );
  // the answer to a HEAD request, then the next response right after its head
  assert.equal(labelledAt(hl, pipelined('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', big)), 1);
  // a response cut by the end of the packet, completed by the next one
  assert.equal(
    labelledAt(
      hl,
      conv([
        c(GET),
        s('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Le'),
        s('ngth: 2000000\r\n\r\n'),
      ]),
    ),
    2,
  );
  // the next response starts where the body ends, not inside it
  for (const n of [4, 8])
    assert.ok(
      !matches(hl, pipelined(`HTTP/1.1 200 OK\r\nContent-Length: ${n}\r\n\r\nhello ${big}`)),
      `length ${n}`,
    );
  assert.ok(matches(hl, pipelined(`HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello ${big}`)));
  // many small answers in one packet: 16 are read, the rest are not
  const small = 'HTTP/1.1 204 No Content\r\n\r\n';
  assert.equal(labelledAt(hl, pipelined(small.repeat(15), big)), 1);
  assert.ok(!matches(hl, pipelined(small.repeat(16), big)));
  assert.ok(!matches(hl, pipelined(small.repeat(2000), big)), 'no cap is reached');
});

test('text that only looks like a response is not one', () => {
  const fake = 'HTTP/1.1 200 OK\r\nContent-Length: 9000000\r\n\r\n';
  // inside a body (a capture or log file being downloaded)
  assert.ok(
    !matches(
      hl,
      conv([
        c(GET),
        s('HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n'),
        s(`log: ${fake}`),
        s(fake),
      ]),
    ),
  );
  // after bytes of the server that are not HTTP
  assert.ok(!matches(hl, conv([c(GET), s(noise(6)), s(fake)])));
  // after a response of unknown length
  assert.ok(
    !matches(
      hl,
      conv([
        c(GET),
        s('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'),
        c(GET),
        s(fake),
      ]),
    ),
  );
  // overlapping data at the start of the stream
  assert.ok(!matches(hl, conv([c(GET), s('\x00\x00\x00\x00\x00\x00'), s(fake, -6)])));
  // a request is not a response; nor is HTTP over UDP
  assert.ok(!matches(hl, conv([c(`POST /up HTTP/1.1\r\nContent-Length: 9000000\r\n\r\n`)])));
  assert.ok(!matches(hl, { l4: 'udp', steps: [s(fake)], serverPort: 1900 }));
});

test('each signature names itself in via', () => {
  assertEverySignature('http-large', [
    [
      'http-large-content-range',
      conv([c(GET), s('HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-1/5120755\r\n\r\n')]),
    ],
    [
      'http-large-content-length',
      conv([c(GET), s('HTTP/1.1 200 OK\r\nContent-Length: 1000001\r\n\r\n')]),
    ],
  ]);
});
