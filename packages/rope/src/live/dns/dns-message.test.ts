import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_POINTER_HOPS, parseDnsAnswer } from './dns-message.js';
import { dnsResponse, type TestRecord } from './dns-testing.js';

const label = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
const name = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join('.'));
const record: fc.Arbitrary<TestRecord> = fc.oneof(
  fc.record({
    type: fc.constant('A' as const),
    name,
    ttl: fc.integer({ min: 0, max: 0x7fffffff }),
    addr: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant('AAAA' as const),
    name,
    ttl: fc.integer({ min: 0, max: 0x7fffffff }),
    addr: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  }),
  fc.record({ type: fc.constant('CNAME' as const), name, ttl: fc.nat(), target: name }),
);
const message = fc.record({
  questions: fc.array(name, { minLength: 1, maxLength: 2 }),
  answers: fc.array(record, { maxLength: 6 }),
  compress: fc.boolean(),
});

test('dns: what was encoded is read back, with and without compression', () => {
  fc.assert(
    fc.property(message, (m) => {
      const b = dnsResponse(m.questions, m.answers, m.compress);
      const a = parseDnsAnswer(b, 0, b.length);
      assert.ok(a);
      assert.deepEqual(a.questions, m.questions);
      assert.deepEqual(
        a.cnames,
        m.answers.flatMap((r) => (r.type === 'CNAME' ? [r.name, r.target] : [])),
      );
      assert.deepEqual(
        a.addresses.map((x) => [x.name, [...x.addr], x.ttl]),
        m.answers.flatMap((r) => (r.type === 'CNAME' ? [] : [[r.name, [...r.addr], r.ttl]])),
      );
    }),
  );
});

test('dns: every message cut short is refused, none throws', () => {
  fc.assert(
    fc.property(message, fc.nat(), (m, at) => {
      const b = dnsResponse(m.questions, m.answers, m.compress);
      const cut = at % b.length;
      assert.equal(parseDnsAnswer(b, 0, cut), null);
      // and from a larger buffer: the length given is what counts
      assert.equal(parseDnsAnswer(new Uint8Array([...b, 1, 2, 3]), 0, cut), null);
    }),
  );
});

test('dns: arbitrary bytes never throw; random corruption of an answer never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      parseDnsAnswer(b, 0, b.length);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      message,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
      (m, edits) => {
        const b = dnsResponse(m.questions, m.answers, m.compress);
        for (const [i, v] of edits) b[i % b.length] = v;
        parseDnsAnswer(b, 0, b.length);
      },
    ),
    { numRuns: 2000 },
  );
});

test('dns: pointer loops, forward pointers and pointer chains too long are refused', () => {
  const header = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0];
  // the question name points at itself
  assert.equal(parseDnsAnswer(Uint8Array.from([...header, 0xc0, 12, 0, 1, 0, 1]), 0, 18), null);
  // a pointer forward
  assert.equal(
    parseDnsAnswer(Uint8Array.from([...header, 0xc0, 14, 1, 0x61, 0, 0, 1, 0, 1]), 0, 21),
    null,
  );
  // a chain of pointers, each to the one before: MAX_POINTER_HOPS hops work, one more is refused
  const build = (hops: number) => {
    // layout: header | "a" 0 type class (question 1) | an answer of type TXT whose owner is a
    // pointer chain of `hops` pointers ending at the question name
    const b = [0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0x61, 0, 0, 16, 0, 1];
    // a TXT record's rdata holds the pointers (never read as rdata), then the owner name uses them
    const rdataAt = b.length + 2 + 10;
    const pointers: number[] = [];
    let prev = 12;
    for (let i = 0; i < hops - 1; i++) {
      pointers.push(0xc0 | (prev >> 8), prev & 0xff);
      prev = rdataAt + i * 2;
    }
    // first answer: owner "a" by pointer, TXT, rdata = the pointers
    b.push(0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 1, 0, pointers.length, ...pointers);
    b[7] = 2;
    // second answer: owner = a pointer to the last one of the chain, an A record
    b.push(0xc0 | (prev >> 8), prev & 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1);
    return Uint8Array.from(b);
  };
  const ok = parseDnsAnswer(build(MAX_POINTER_HOPS), 0, build(MAX_POINTER_HOPS).length);
  assert.ok(ok);
  assert.deepEqual(ok.addresses[0].name, 'a');
  const long = build(MAX_POINTER_HOPS + 1);
  assert.equal(parseDnsAnswer(long, 0, long.length), null);
});

test('dns: a query is not an answer; names come in lower case', () => {
  const b = dnsResponse(['Tracker.Example.ORG'], [], false);
  assert.deepEqual(parseDnsAnswer(b, 0, b.length)?.questions, ['tracker.example.org']);
  b[2] &= 0x7f;
  assert.equal(parseDnsAnswer(b, 0, b.length), null);
});
