// The lab's pure parts, without privileges: address plan, bencode and info hashes, HTTP ranges,
// conntrack lines, line splitting of program output, the lab's own firewall rules.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  hostAddress,
  hostPort,
  LAN,
  routerAddress,
  SERVER_SIDE,
} from '../../tools/lab/addresses.js';
import { dropInvalidRules, routerRules } from '../../tools/lab/firewall.js';
import { onLines } from '../../tools/lab/processes.js';
import { parseConntrackLine } from '../../tools/lab/router.js';
import { BencodeError, decode, infoHash, type BValue } from '../../tools/lab/traffic/bencode.js';
import { parseRange } from '../../tools/lab/traffic/http-range.js';

test('address plan: documentation ranges only, hosts from .10, router .1', () => {
  assert.deepEqual(hostAddress(LAN, 1), { ipv4: '192.0.2.10', ipv6: '2001:db8:1::10' });
  assert.deepEqual(hostAddress(SERVER_SIDE, 2), { ipv4: '198.51.100.11', ipv6: '2001:db8:2::11' });
  assert.deepEqual(routerAddress(LAN), { ipv4: '192.0.2.1', ipv6: '2001:db8:1::1' });
  assert.throws(() => hostAddress(LAN, 0), RangeError);
  assert.throws(() => hostAddress(LAN, 51), RangeError);
  assert.equal(hostPort('2001:db8:2::10', 80), '[2001:db8:2::10]:80');
  assert.equal(hostPort('198.51.100.10', 80), '198.51.100.10:80');
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), (i) => {
      const a = hostAddress(LAN, i);
      return a.ipv4.startsWith('192.0.2.') && a.ipv6.startsWith('2001:db8:1::');
    }),
  );
});

function encode(v: BValue): Buffer {
  if (typeof v === 'number') return Buffer.from(`i${v}e`);
  if (v instanceof Uint8Array) return Buffer.concat([Buffer.from(`${v.length}:`), v]);
  if (Array.isArray(v))
    return Buffer.concat([Buffer.from('l'), ...v.map(encode), Buffer.from('e')]);
  const keys = [...v.keys()].sort();
  return Buffer.concat([
    Buffer.from('d'),
    ...keys.flatMap((k) => [encode(Buffer.from(k, 'latin1')), encode(v.get(k)!)]),
    Buffer.from('e'),
  ]);
}

const bvalue: fc.Arbitrary<BValue> = fc.letrec<{ v: BValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.integer(),
    fc.uint8Array({ maxLength: 20 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc
      .dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4 })
      .map((o) => new Map(Object.entries(o))),
  ),
})).v;

test('bencode: decode inverts a reference encoder; malformed input names the byte', () => {
  fc.assert(
    fc.property(bvalue, (v) => {
      assert.deepEqual(encode(decode(encode(v))), encode(v));
    }),
  );
  assert.throws(() => decode(Buffer.from('i01e')), /bad integer '01' at byte 0/);
  assert.throws(() => decode(Buffer.from('5:ab')), BencodeError);
  assert.throws(() => decode(Buffer.from('l1:a')), /unexpected end|unterminated/);
  assert.throws(() => decode(Buffer.from('i1ei2e')), /trailing bytes at byte 3/);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decode(bytes);
      } catch (e) {
        assert.ok(e instanceof BencodeError);
      }
    }),
  );
});

test('info hash: SHA-1 of the info dictionary exactly as written', () => {
  const info = encode(
    new Map<string, BValue>([
      ['length', 5],
      ['name', Buffer.from('f')],
      ['piece length', 16384],
      ['pieces', Buffer.alloc(20, 1)],
    ]),
  );
  const torrent = Buffer.concat([Buffer.from('d8:announce3:url4:info'), info, Buffer.from('e')]);
  assert.equal(infoHash(torrent), createHash('sha1').update(info).digest('hex'));
  assert.throws(() => infoHash(Buffer.from('d8:announce3:urle')), /no info dictionary/);
});

test('HTTP ranges: single ranges per RFC 9110, unsatisfiable ones, ignored forms', () => {
  assert.deepEqual(parseRange('bytes=0-99', 1000), [0, 99]);
  assert.deepEqual(parseRange('bytes=900-', 1000), [900, 999]);
  assert.deepEqual(parseRange('bytes=-100', 1000), [900, 999]);
  assert.deepEqual(parseRange('bytes=-5000', 1000), [0, 999]);
  assert.deepEqual(parseRange('bytes=990-5000', 1000), [990, 999]);
  assert.equal(parseRange('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=5-4', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 1000), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-0', 0), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-1,5-6', 1000), null);
  assert.equal(parseRange('items=0-1', 1000), null);
  assert.equal(parseRange(undefined, 1000), null);
  fc.assert(
    fc.property(fc.nat(5000), fc.nat(5000), fc.integer({ min: 1, max: 4000 }), (a, b, size) => {
      const r = parseRange(`bytes=${a}-${b}`, size);
      if (r === null) return false;
      if (r === 'unsatisfiable') return a >= size || b < a;
      return r[0] === a && r[1] === Math.min(b, size - 1) && r[0] <= r[1];
    }),
  );
});

test('conntrack -L lines: both tuples, state, flags, counters, mark', () => {
  const tcp = parseConntrackLine(
    'tcp      6 431999 ESTABLISHED src=192.0.2.10 dst=198.51.100.10 sport=60188 dport=20000 packets=3 bytes=180 src=198.51.100.10 dst=198.51.100.1 sport=20000 dport=60188 packets=2 bytes=112 [ASSURED] mark=7 use=1',
    4,
  );
  assert.deepEqual(tcp, {
    family: 4,
    proto: 'tcp',
    state: 'ESTABLISHED',
    original: {
      src: '192.0.2.10',
      dst: '198.51.100.10',
      sport: 60188,
      dport: 20000,
      packets: 3,
      bytes: 180,
    },
    reply: {
      src: '198.51.100.10',
      dst: '198.51.100.1',
      sport: 20000,
      dport: 60188,
      packets: 2,
      bytes: 112,
    },
    flags: ['ASSURED'],
    mark: 7,
    line: tcp?.line,
  });
  const icmp = parseConntrackLine(
    'icmpv6   58 29 src=2001:db8:1::10 dst=2001:db8:2::10 type=128 code=0 id=7 src=2001:db8:2::10 dst=2001:db8:1::10 type=129 code=0 id=7 mark=0 use=1',
    6,
  );
  assert.equal(icmp?.proto, 'icmpv6');
  assert.equal(icmp?.state, undefined);
  assert.equal(icmp?.reply.src, '2001:db8:2::10');
  assert.equal(
    parseConntrackLine('conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.', 4),
    null,
  );
});

test('output lines end at \\n, \\r\\n or a bare \\r (progress displays), across chunk boundaries', async () => {
  const s = new PassThrough();
  const lines: string[] = [];
  onLines(s, (l) => lines.push(l));
  s.write('Progress: 1%\rProgress: 5');
  s.write('0%\rSeeding, up\r\nlast\nno newline');
  s.end();
  await new Promise((r) => s.on('end', r));
  assert.deepEqual(lines, ['Progress: 1%', 'Progress: 50%', 'Seeding, up', 'last', 'no newline']);
});

test('the lab’s own rules: conntrack activation always, NAT per mode, tagged for both backends', () => {
  const base = {
    wanIface: 'wan0',
    lan4: '192.0.2.0/24',
    lan6: '2001:db8:1::/64',
    service4: '203.0.113.1',
    service6: '2001:db8:3::1',
    target4: '198.51.100.10',
    target6: '2001:db8:2::10',
  };
  const none = routerRules({ ...base, backend: 'nft', nat: 'none' });
  assert.equal(none.kind, 'nft');
  if (none.kind === 'nft') {
    assert.match(none.script, /ct state invalid counter/);
    assert.doesNotMatch(none.script, /nat/);
  }
  const dnat = routerRules({ ...base, backend: 'nft', nat: 'dnat' });
  if (dnat.kind === 'nft')
    assert.match(dnat.script, /ip6 daddr 2001:db8:3::1 dnat ip6 to 2001:db8:2::10/);
  const masq = routerRules({ ...base, backend: 'iptables', nat: 'masquerade' });
  assert.equal(masq.kind, 'iptables');
  if (masq.kind === 'iptables') {
    assert.equal(masq.commands.length, 4);
    assert.ok(masq.commands.every((c) => c.includes('p2pw-lab')));
    assert.ok(masq.commands.some((c) => c[0] === 'ip6tables' && c.includes('MASQUERADE')));
  }
  const drop = dropInvalidRules('iptables');
  if (drop.kind === 'iptables')
    assert.deepEqual(
      drop.commands.map((c) => c[0]),
      ['iptables', 'ip6tables'],
    );
});
