// The file-sharing scripts on arbitrary bytes (fast-check): conversations of random payloads —
// plain noise, and payloads that begin the way each network's messages begin (protocol bytes,
// length prefixes that agree, command words) so the generator reaches the scripts' deeper checks
// — must never make a script fail or hit a cap (which would drop the packet under rope run):
// the harness asserts that every run ends without an error. A packet packed with the smallest
// valid messages, the costliest input for the message walks, must not either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { builtin, bytes, c, labelledAt, le32, matches, s, type Step } from './harness.test.js';
import type { BuiltinScript } from './builtin-scripts.js';

const SCRIPTS: BuiltinScript[] = [
  'edonkey',
  'fasttrack',
  'directconnect',
  'applejuice',
  'soulseek',
  'winmx',
  'ares',
];

const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const text = (t: string) => Uint8Array.from(Buffer.from(t, 'latin1'));

/** Payloads: noise, or a network's opening bytes followed by noise, or a framed message. */
const payload = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 300 }),
  fc
    .tuple(
      fc.constantFrom(
        [0xe3],
        [0xc5],
        [0xd4],
        [0xe4],
        [0xe5],
        [0x27, 0, 0, 0],
        [0x28, 0, 0, 0],
        [0x03, 0x00, 0x5a],
        [0x05, 0, 0, 0, 0],
        [...text('$Lock ')],
        [...text('$SR ')],
        [...text('HSUP AD')],
        [...text('SEND')],
        [...text('GET /.hash=')],
        [...text('ajprot\r\n')],
      ),
      fc.uint8Array({ maxLength: 200 }),
    )
    .map(([head, tail]) => bytes([...head], tail)),
  // an ed2k message whose size agrees, a Soulseek message, an Ares message
  fc
    .tuple(
      fc.constantFrom(0xe3, 0xc5, 0xd4),
      fc.integer({ min: 0, max: 255 }),
      fc.uint8Array({ maxLength: 120 }),
    )
    .map(([p, op, body]) => bytes([p], le32(body.length + 1), [op], body)),
  fc
    .tuple(fc.integer({ min: 0, max: 70 }), fc.uint8Array({ maxLength: 120 }))
    .map(([code, body]) => bytes(le32(body.length + 4), le32(code), body)),
  fc
    .tuple(fc.integer({ min: 0, max: 20 }), fc.uint8Array({ maxLength: 60 }))
    .map(([type, body]) => bytes(le16(body.length), [type], body)),
);

const conversation = fc.record({
  l4: fc.constantFrom('tcp' as const, 'udp' as const),
  steps: fc.array(
    fc.tuple(fc.boolean(), payload).map(([fromClient, p]): Step => (fromClient ? c(p) : s(p))),
    { minLength: 1, maxLength: 8 },
  ),
});

for (const name of SCRIPTS) {
  test(`${name}: random payloads never make the script fail or hit a cap`, () => {
    const script = builtin(name);
    fc.assert(
      fc.property(conversation, (conv) => {
        labelledAt(script, conv); // asserts that no run ended with an error
      }),
      { numRuns: 150 },
    );
  });
}

test('the costliest packets: as many of the smallest messages as a segment holds', () => {
  // 6-byte ed2k messages (OP_ACCEPTUPLOADREQ), 5-byte Soulseek ones, 3-byte Ares ones
  const ed2k = bytes(...Array.from({ length: 240 }, () => [0xe3, 1, 0, 0, 0, 0x55]));
  const slsk = bytes(...Array.from({ length: 290 }, () => [1, 0, 0, 0, 7]));
  for (const l4 of ['tcp', 'udp'] as const)
    for (const name of SCRIPTS)
      for (const p of [ed2k, slsk]) labelledAt(builtin(name), { l4, steps: [c(p), s(p), c(p)] });
  // more messages than are read: not counted as whole messages
  assert.ok(!matches(builtin('edonkey'), { l4: 'tcp', steps: [c(ed2k), s(ed2k)] }));
  assert.ok(!matches(builtin('soulseek'), { l4: 'tcp', steps: [c(slsk), s(slsk)] }));
});
