import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConntrackEntry } from '@p2pwall/core/netlink';
import { parseAddressMatch } from './address-match.js';
import { toConnection } from './connection.js';
import { matchesFilter, kernelFilter } from './filter.js';
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
