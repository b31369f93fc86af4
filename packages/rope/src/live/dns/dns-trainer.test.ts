import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTcpPacket, buildUdpPacket, formatIp, Packet } from '@p2pwall/core';
import type { PeerBlocker } from '../enforcement.js';
import { formatDnsPatternError, parseDnsPatterns } from './dns-patterns.js';
import { DNS_TRAIN_LABEL, DnsTrainer, MIN_BLOCK_SECONDS } from './dns-trainer.js';
import { dnsResponse } from './dns-testing.js';

const PATTERN = '(^|\\.)tracker\\.example\\.org$';

function recorder(): PeerBlocker & { blocked: [string, number | null, number, string][] } {
  const blocked: [string, number | null, number, string][] = [];
  return {
    blocked,
    blockPeer: (addr, port, seconds, label) =>
      void blocked.push([formatIp(addr, 0, addr.length as 4 | 16), port, seconds, label]),
  };
}

function trainer(text: string) {
  const { patterns, errors } = parseDnsPatterns(text, 'train.txt');
  assert.deepEqual(errors, []);
  const b = recorder();
  return { t: new DnsTrainer(patterns, b), b };
}

function udpAnswer(msg: Uint8Array): Packet {
  const ip = buildUdpPacket({
    src: '198.51.100.53',
    dst: '192.0.2.10',
    srcPort: 53,
    dstPort: 33333,
    payload: msg,
  });
  const p = new Packet();
  assert.ok(p.decode(ip, 0, ip.length));
  return p;
}

const A = (name: string, ttl: number, ...addr: number[]) => ({
  type: 'A' as const,
  name,
  ttl,
  addr: Uint8Array.from(addr),
});

test('patterns: comments, blanks, one per line; refused lines reported with file:line:col', () => {
  const { patterns, errors } = parseDnsPatterns(
    `# trackers\n\n  ${PATTERN}\n   (unclosed\nok\\.example$\n  a(?=b)\n`,
    'train.txt',
  );
  assert.deepEqual(
    patterns.map((p) => [p.source, p.origin]),
    [
      [PATTERN, 'train.txt:3'],
      ['ok\\.example$', 'train.txt:5'],
    ],
  );
  assert.deepEqual(
    errors.map((e) => [e.line, e.column]),
    [
      [4, 4],
      [6, 3],
    ],
  );
  assert.match(formatDnsPatternError(errors[0]), /^train\.txt:4:4: invalid regular expression/);
  assert.match(formatDnsPatternError(errors[1]), /^train\.txt:6:3: /);
});

test('trainer: a matching question name blocks each address for max(TTL, 300 s)', () => {
  const { t, b } = trainer(PATTERN);
  t.observe(
    udpAnswer(
      dnsResponse(
        ['tracker.example.org'],
        [
          A('tracker.example.org', 30, 203, 0, 113, 7),
          A('tracker.example.org', 3600, 203, 0, 113, 8),
        ],
        true,
      ),
    ),
  );
  assert.deepEqual(b.blocked, [
    ['203.0.113.7', null, MIN_BLOCK_SECONDS, DNS_TRAIN_LABEL],
    ['203.0.113.8', null, 3600, DNS_TRAIN_LABEL],
  ]);
  // names that do not match, or only look alike
  t.observe(udpAnswer(dnsResponse(['nottracker.example.org'], [A('x', 1, 203, 0, 113, 9)], true)));
  t.observe(
    udpAnswer(dnsResponse(['tracker.example.org.evil'], [A('y', 1, 203, 0, 113, 9)], true)),
  );
  assert.equal(b.blocked.length, 2);
  assert.deepEqual(t.counts, { answers: 3, matched: 1, blocked: 2, ignored: 0 });
});

test('trainer: a CNAME name that matches counts; case does not matter; AAAA too', () => {
  const { t, b } = trainer(PATTERN);
  const v6 = new Uint8Array(16);
  v6.set([0x20, 0x01, 0x0d, 0xb8], 0);
  v6[15] = 5;
  t.observe(
    udpAnswer(
      dnsResponse(
        ['www.innocent.example'],
        [
          {
            type: 'CNAME',
            name: 'www.innocent.example',
            ttl: 60,
            target: 'Eu.Tracker.Example.Org',
          },
          { type: 'AAAA', name: 'eu.tracker.example.org', ttl: 400, addr: v6 },
        ],
        false,
      ),
    ),
  );
  assert.deepEqual(b.blocked, [['2001:db8::5', null, 400, DNS_TRAIN_LABEL]]);
});

test('trainer: DNS over TCP in one segment is read; malformed and partial messages are counted', () => {
  const { t, b } = trainer(PATTERN);
  const msg = dnsResponse(
    ['tracker.example.org'],
    [A('tracker.example.org', 1, 203, 0, 113, 1)],
    true,
  );
  const framed = Uint8Array.from([msg.length >> 8, msg.length & 0xff, ...msg]);
  const tcp = (payload: Uint8Array) => {
    const ip = buildTcpPacket({
      src: '198.51.100.53',
      dst: '192.0.2.10',
      srcPort: 53,
      dstPort: 40000,
      flags: 0x18,
      payload,
    });
    const p = new Packet();
    assert.ok(p.decode(ip, 0, ip.length));
    return p;
  };
  t.observe(tcp(framed));
  t.observe(tcp(framed.subarray(0, 20)));
  t.observe(udpAnswer(msg.subarray(0, msg.length - 1)));
  assert.equal(b.blocked.length, 1);
  assert.deepEqual(t.counts, { answers: 1, matched: 1, blocked: 1, ignored: 2 });
});

test('trainer: banName bans a name, or with *. the names below it; addPattern takes a regex', () => {
  const { t, b } = trainer('');
  assert.equal(t.patternCount, 0);
  assert.match(t.addPattern('(') ?? '', /invalid regular expression/);
  assert.match(t.addPattern('  ') ?? '', /empty/);
  assert.match(t.banName('a*b') ?? '', /not a DNS name/);
  assert.equal(t.banName('Peers.Example.NET.'), null);
  assert.equal(t.banName('peers.example.net'), null);
  assert.equal(t.banName('*.swarm.example'), null);
  assert.equal(t.patternCount, 2);
  const ask = (name: string, last: number) =>
    t.observe(udpAnswer(dnsResponse([name], [A(name, 1, 192, 0, 2, last)], true)));
  ask('peers.example.net', 1);
  ask('xpeers.example.net', 2);
  ask('a.b.swarm.example', 3);
  ask('swarm.example', 4);
  ask('peersxexample.net', 5);
  assert.deepEqual(
    b.blocked.map((x) => x[0]),
    ['192.0.2.1', '192.0.2.3'],
  );
});
