import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ConntrackEntry } from '@p2pwall/core/netlink';
import { parseAddressMatch } from './address-match.js';
import { addressOrder, toConnection, type Connection, type Endpoint } from './connection.js';
import { sortConnections } from './query.js';
import { matchesFilter, kernelFilter, type ConnectionFilter } from './filter.js';
import { parseFilter } from './filter-spec.js';

// LAN client 192.0.2.10 reaches a server behind DNAT (public 203.0.113.1:80 → 198.51.100.10:8080)
// while MASQUERADE shows it as 198.51.100.1:61000: four addresses for two endpoints.
const natted: ConntrackEntry = {
  family: 2,
  orig: { src: '192.0.2.10', dst: '203.0.113.1', proto: 6, srcPort: 40000, dstPort: 80 },
  reply: { src: '198.51.100.10', dst: '198.51.100.1', proto: 6, srcPort: 8080, dstPort: 61000 },
  status: 0x1be,
  mark: 0x12,
  protoinfo: { tcp: { state: 3 } },
};
const udp6: ConntrackEntry = {
  family: 10,
  orig: { src: '2001:db8:1::10', dst: '2001:db8:2::53', proto: 17, srcPort: 5353, dstPort: 53 },
  reply: { src: '2001:db8:2::53', dst: '2001:db8:1::10', proto: 17, srcPort: 53, dstPort: 5353 },
};

const c = toConnection(natted);
const u = toConnection(udp6);

test('a connection knows its endpoints under both their names, and its NAT', () => {
  assert.deepEqual(c.initiator, {
    address: '192.0.2.10',
    port: 40000,
    seenAs: { address: '198.51.100.1', port: 61000 },
  });
  assert.deepEqual(c.responder, {
    address: '198.51.100.10',
    port: 8080,
    seenAs: { address: '203.0.113.1', port: 80 },
  });
  assert.deepEqual(c.nat, { snat: true, dnat: true });
  assert.equal(c.state, 'ESTABLISHED');
  assert.equal(u.state, undefined);
});

test('the historical IP [PORT [IP2 [PORT2]]] forms match either end under either name', () => {
  const f = (host: string, hostPort?: number, peer?: string, peerPort?: number) =>
    matchesFilter(c, {
      host: parseAddressMatch(host),
      hostPort,
      ...(peer ? { peer: parseAddressMatch(peer) } : {}),
      peerPort,
    });
  assert.ok(f('192.0.2.10'));
  assert.ok(f('198.51.100.1'), 'the masqueraded name');
  assert.ok(f('203.0.113.1', 80), 'the public service address and port');
  assert.ok(f('198.51.100.10', 8080, '192.0.2.10'));
  assert.ok(f('198.51.100.10', 0, '192.0.2.10', 40000), 'port 0 = any');
  assert.ok(f('192.0.2.0/24', 0, '198.51.100.0/24', 8080), 'CIDR prefixes');
  assert.equal(f('192.0.2.10', 80), false, 'the client does not use port 80');
  assert.equal(f('192.0.2.10', 0, '192.0.2.11'), false);
  assert.equal(f('192.0.2.11'), false);
});

test('--port, --proto, --state, --mark, family and zone', () => {
  assert.ok(matchesFilter(c, { ports: [{ from: 79, to: 81 }] }));
  assert.ok(matchesFilter(c, { ports: [{ from: 61000, to: 61000 }] }));
  assert.equal(matchesFilter(c, { ports: [{ from: 1, to: 79 }] }), false);
  assert.ok(matchesFilter(c, { protocols: [6] }));
  assert.equal(matchesFilter(u, { protocols: [6] }), false);
  assert.ok(matchesFilter(c, { states: ['ESTABLISHED'] }));
  assert.equal(matchesFilter(u, { states: ['ESTABLISHED'] }), false, 'no state: not TCP');
  assert.ok(matchesFilter(c, { mark: { value: 0x10, mask: 0xf0 } }));
  assert.equal(matchesFilter(c, { mark: { value: 0x12, mask: 0xff00 } }), false);
  assert.ok(matchesFilter(u, { family: 6, host: parseAddressMatch('2001:db8:2::/48') }));
  assert.equal(matchesFilter(u, { zone: 1 }), false);
});

test('parseFilter (for scripts) and what the kernel filters itself', () => {
  const f = parseFilter({
    host: '192.0.2.10',
    ports: '80,6881-6889',
    state: 'established',
    mark: '0x10/0xf0',
  });
  assert.equal(f.family, 4);
  assert.deepEqual(f.ports, [
    { from: 80, to: 80 },
    { from: 6881, to: 6889 },
  ]);
  assert.deepEqual(f.states, ['ESTABLISHED']);
  assert.deepEqual(f.protocols, [6]);
  assert.deepEqual(kernelFilter(f), {
    family: 4,
    filter: { mark: { value: 0x10, mask: 0xf0 }, orig: { proto: 6 } },
  });
  assert.throws(
    () => parseFilter({ host: '192.0.2.300' }),
    /not an IP address or CIDR prefix: "192.0.2.300"/,
  );
  assert.throws(() => parseFilter({ ports: '80-70' }), /runs backwards/);
  assert.throws(() => parseFilter({ state: 'OPEN' }), /unknown TCP state "OPEN"/);
});

// the endpoint and port rules, written as plainly as possible: an end matches when one of its two
// names (its own address and port, or what the other end sees) lies in the address and port
function plainMatch(c: Connection, f: ConnectionFilter): boolean {
  const names = (e: Endpoint) => [
    { address: e.address, port: e.port },
    { address: e.seenAs.address, port: e.seenAs.port },
  ];
  const inPrefix = (text: string, m: NonNullable<ConnectionFilter['host']>) => {
    const net = m.text.split('/')[0];
    const bits = m.text.includes('/') ? Number(m.text.split('/')[1]) : m.bytes.length * 8;
    const a = parseAddressMatch(text).bytes;
    const b = parseAddressMatch(net).bytes;
    if (a.length !== b.length) return false;
    for (let i = 0; i < bits; i++)
      if (((a[i >> 3] >> (7 - (i & 7))) & 1) !== ((b[i >> 3] >> (7 - (i & 7))) & 1)) return false;
    return true;
  };
  const endMatches = (e: Endpoint, m: ConnectionFilter['host'], port: number | undefined) =>
    names(e).some((n) => (!m || inPrefix(n.address, m)) && (!port || n.port === port));
  const allPorts = [...names(c.initiator), ...names(c.responder)].map((n) => n.port);
  if (f.ports && !allPorts.some((p) => f.ports!.some((r) => p >= r.from && p <= r.to)))
    return false;
  const hostSet = f.host !== undefined || !!f.hostPort;
  const peerSet = f.peer !== undefined || !!f.peerPort;
  if (!hostSet && !peerSet) return true;
  const pair = (x: Endpoint, y: Endpoint) =>
    endMatches(x, f.host, f.hostPort) && (!peerSet || endMatches(y, f.peer, f.peerPort));
  return pair(c.initiator, c.responder) || pair(c.responder, c.initiator);
}

test('endpoint, port and range matching as the plain rule says (property)', () => {
  const v4 = ['192.0.2.10', '192.0.2.11', '198.51.100.1', '198.51.100.10', '203.0.113.1'];
  const v6 = ['2001:db8:1::10', '2001:db8:2::53', '2001:db8:2::1'];
  const port = fc.constantFrom(53, 80, 8080, 40000, 61000);
  const entry = fc.boolean().chain((six) => {
    const addr = fc.constantFrom(...(six ? v6 : v4));
    return fc
      .record({ a: addr, b: addr, c: addr, d: addr, pa: port, pb: port, pc: port, pd: port })
      .map((x): ConntrackEntry => ({
        family: six ? 10 : 2,
        orig: { src: x.a, dst: x.b, proto: 6, srcPort: x.pa, dstPort: x.pb },
        reply: { src: x.c, dst: x.d, proto: 6, srcPort: x.pc, dstPort: x.pd },
      }));
  });
  const match = fc.constantFrom(
    ...v4,
    ...v6,
    '192.0.2.0/24',
    '198.51.100.0/25',
    '0.0.0.0/0',
    '2001:db8:2::/48',
    '2001:db8::/32',
  );
  const filter = fc.record(
    {
      host: match,
      hostPort: fc.oneof(port, fc.constant(0)),
      peer: match,
      peerPort: fc.oneof(port, fc.constant(0)),
      ports: fc.array(
        fc.tuple(port, fc.nat(30000)).map(([from, span]) => ({ from, to: from + span })),
        { minLength: 1, maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(entry, filter, (e, raw) => {
      const f: ConnectionFilter = {
        ...raw,
        host: raw.host === undefined ? undefined : parseAddressMatch(raw.host),
        peer: raw.peer === undefined ? undefined : parseAddressMatch(raw.peer),
      };
      const conn = toConnection(e);
      assert.equal(matchesFilter(conn, f), plainMatch(conn, f));
    }),
    { numRuns: 3000 },
  );
});

test('connections sort by family, then initiator address numerically, then port', () => {
  assert.equal(addressOrder('192.0.2.10'), 'c000020a');
  assert.equal(addressOrder('2001:db8::1'), '20010db8000000000000000000000001');
  assert.equal(addressOrder('not an address'), 'not an address');
  const at = (src: string, srcPort: number) =>
    toConnection({
      family: src.includes(':') ? 10 : 2,
      orig: {
        src,
        dst: src.includes(':') ? '2001:db8::2' : '198.51.100.1',
        proto: 6,
        srcPort,
        dstPort: 80,
      },
      reply: {
        src: src.includes(':') ? '2001:db8::2' : '198.51.100.1',
        dst: src,
        proto: 6,
        srcPort: 80,
        dstPort: srcPort,
      },
    });
  const list = [at('2001:db8::1', 1), at('192.0.2.10', 2), at('192.0.2.9', 5), at('192.0.2.10', 1)];
  assert.deepEqual(
    sortConnections(list).map((c) => `${c.initiator.address}:${c.initiator.port}`),
    ['192.0.2.9:5', '192.0.2.10:1', '192.0.2.10:2', '2001:db8::1:1'],
  );
});
