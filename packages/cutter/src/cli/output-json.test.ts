// The --json lines of connections and results, built field by field (output.ts), against the
// shape they had when they were built by spreading objects: the same bytes, keys in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { statusFlags, type ConntrackEntry } from '@p2pwall/core/netlink';
import { toConnection, type Connection } from '../find/connection.js';
import type { CutResult, EndReport } from '../cut/result.js';
import { connectionJson, JSON_SCHEMA, jsonLine, resultJson } from './output.js';

// the reference: the spread-built objects of docs/json.md, as output.ts made them before
function referenceConnection(c: Connection): Record<string, unknown> {
  const t = (x: Connection['entry']['orig']) => ({
    src: x.src,
    dst: x.dst,
    ...(x.srcPort !== undefined ? { sport: x.srcPort } : {}),
    ...(x.dstPort !== undefined ? { dport: x.dstPort } : {}),
  });
  const e = c.entry;
  return {
    proto: c.proto,
    family: c.family,
    ...(c.state ? { state: c.state } : {}),
    original: t(e.orig),
    reply: t(e.reply),
    nat: c.nat,
    mark: c.mark,
    zone: c.zone,
    ...(c.id !== undefined ? { id: c.id } : {}),
    ...(e.timeout !== undefined ? { timeout: e.timeout } : {}),
    status: statusFlags(e.status ?? 0),
    local: c.local ?? null,
    ...(e.countersOrig && e.countersReply
      ? {
          counters: {
            original: {
              packets: Number(e.countersOrig.packets),
              bytes: Number(e.countersOrig.bytes),
            },
            reply: {
              packets: Number(e.countersReply.packets),
              bytes: Number(e.countersReply.bytes),
            },
          },
        }
      : {}),
  };
}

function referenceResult(r: CutResult): Record<string, unknown> {
  return {
    ...referenceConnection(r.connection),
    result: r.result,
    reason: r.reason,
    ms: Math.round(r.ms * 100) / 100,
    ...(r.method ? { method: r.method } : {}),
    ...(r.conntrackDeleted !== undefined ? { conntrackDeleted: r.conntrackDeleted } : {}),
    ...(r.initiator ? { initiator: r.initiator } : {}),
    ...(r.responder ? { responder: r.responder } : {}),
    ...(r.blockedUntil ? { blockedUntil: new Date(r.blockedUntil).toISOString() } : {}),
  };
}

const counters = fc.record({
  packets: fc.bigInt({ min: 0n, max: 1n << 40n }),
  bytes: fc.bigInt({ min: 0n, max: 1n << 50n }),
});

const entry: fc.Arbitrary<ConntrackEntry> = fc
  .record(
    {
      six: fc.boolean(),
      proto: fc.constantFrom(6, 17, 1, 132),
      sport: fc.integer({ min: 0, max: 65535 }),
      dport: fc.integer({ min: 0, max: 65535 }),
      status: fc.integer({ min: 0, max: 0x7fffffff }),
      mark: fc.nat(),
      zone: fc.nat(65535),
      id: fc.nat(),
      timeout: fc.nat(),
      state: fc.integer({ min: 0, max: 10 }),
      countersOrig: counters,
      countersReply: counters,
    },
    { requiredKeys: ['six', 'proto', 'sport', 'dport'] },
  )
  .map((x) => {
    const [a, b] = x.six ? ['2001:db8:1::10', '2001:db8:2::20'] : ['192.0.2.10', '198.51.100.20'];
    const ports = x.proto === 1 ? {} : { srcPort: x.sport, dstPort: x.dport };
    const rports = x.proto === 1 ? {} : { srcPort: x.dport, dstPort: x.sport };
    return {
      family: x.six ? 10 : 2,
      orig: { src: a, dst: b, proto: x.proto, ...ports },
      reply: { src: b, dst: a, proto: x.proto, ...rports },
      ...(x.status !== undefined ? { status: x.status } : {}),
      ...(x.mark !== undefined ? { mark: x.mark } : {}),
      ...(x.zone !== undefined ? { zone: x.zone } : {}),
      ...(x.id !== undefined ? { id: x.id } : {}),
      ...(x.timeout !== undefined ? { timeout: x.timeout } : {}),
      ...(x.state !== undefined && x.proto === 6 ? { protoinfo: { tcp: { state: x.state } } } : {}),
      ...(x.countersOrig ? { countersOrig: x.countersOrig } : {}),
      ...(x.countersReply ? { countersReply: x.countersReply } : {}),
    };
  });

const end: fc.Arbitrary<EndReport> = fc.record(
  {
    reset: fc.boolean(),
    rsts: fc.nat(9),
    probes: fc.nat(9),
    seen: fc.nat(9),
    ms: fc.double({ min: 0, max: 5000, noNaN: true }),
  },
  { requiredKeys: ['reset', 'rsts', 'probes', 'seen'] },
);

const result: fc.Arbitrary<CutResult> = fc
  .record(
    {
      entry,
      local: fc.constantFrom<Connection['local']>('initiator', 'responder'),
      result: fc.constantFrom<CutResult['result']>('cut', 'failed', 'skipped', 'closing'),
      reason: fc.string({ maxLength: 20 }),
      method: fc.constantFrom<NonNullable<CutResult['method']>>(
        'rst',
        'sock-destroy',
        'conntrack-delete',
      ),
      ms: fc.double({ min: 0, max: 10000, noNaN: true }),
      initiator: end,
      responder: end,
      conntrackDeleted: fc.boolean(),
      blockedUntil: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    },
    { requiredKeys: ['entry', 'result', 'reason', 'ms'] },
  )
  .map(({ entry: e, local, ...rest }) => {
    const connection = toConnection(e);
    if (local) connection.local = local;
    return { connection, ...rest } as CutResult;
  });

test('result and connection lines: the bytes the spread-built objects gave (property)', () => {
  fc.assert(
    fc.property(result, fc.integer({ min: 0, max: 4_000_000_000_000 }), (r, t) => {
      const now = new Date(t);
      const want = JSON.stringify({
        schema: JSON_SCHEMA,
        time: now.toISOString(),
        ...referenceResult(r),
      });
      assert.equal(jsonLine(resultJson(r), now), want);
      assert.equal(
        jsonLine(connectionJson(r.connection), now),
        jsonLine(referenceConnection(r.connection), now),
      );
    }),
    { numRuns: 2000 },
  );
});
