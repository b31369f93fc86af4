import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IPPROTO_TCP, IPPROTO_UDP } from '@p2pwall/core';
import { Flow } from '@p2pwall/core/flow';
import { FlowJsonLine } from './flow-json.js';
import { FlowLabels, LabelStore, LABEL_MATCHED, LABEL_UNMATCHED } from './flow-labels.js';

const NAMES = ['bittorrent', 'gnutella', 'http-"large"\u00e9'];

/** The line as the documented object would serialise. */
function expected(capture: string, f: Flow, l: FlowLabels): string {
  const labels = NAMES.filter((_n, i) => l.has(i));
  const first = NAMES.findIndex((_n, i) => l.has(i));
  return (
    JSON.stringify({
      capture,
      l4: f.protocol === IPPROTO_TCP ? 'tcp' : 'udp',
      a: f.endpointA(),
      b: f.endpointB(),
      labels,
      packets: f.totalPackets,
      bytes: f.totalBytes,
      via: first < 0 ? null : l.via(first),
    }) + '\n'
  );
}

test('a --json line is what JSON.stringify gives for the flow (property: IPv4, IPv6, labels, via)', () => {
  const word = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  const label = fc.record({
    matched: fc.boolean(),
    via: fc.option(fc.string(), { nil: null }),
    learned: fc.boolean(),
  });
  fc.assert(
    fc.property(
      fc.record({
        capture: fc.string(),
        version: fc.constantFrom(4, 6),
        tcp: fc.boolean(),
        lo: fc.array(word, { minLength: 4, maxLength: 4 }),
        hi: fc.array(word, { minLength: 4, maxLength: 4 }),
        loPort: fc.integer({ min: 0, max: 65535 }),
        hiPort: fc.integer({ min: 0, max: 65535 }),
        aIsLo: fc.boolean(),
        packets: fc.array(fc.nat(1e9), { minLength: 4, maxLength: 4 }),
        labels: fc.array(label, { minLength: NAMES.length, maxLength: NAMES.length }),
      }),
      (c) => {
        const f = new Flow();
        f.version = c.version;
        f.protocol = c.tcp ? IPPROTO_TCP : IPPROTO_UDP;
        [f.lo0, f.lo1, f.lo2, f.lo3] = c.lo;
        [f.hi0, f.hi1, f.hi2, f.hi3] = c.hi;
        f.loPort = c.loPort;
        f.hiPort = c.hiPort;
        f.aIsLo = c.aIsLo;
        [f.packetsAB, f.packetsBA, f.bytesAB, f.bytesBA] = c.packets;
        const store = new LabelStore(NAMES.length, 2);
        store.open(1);
        c.labels.forEach((x, i) => {
          store.state[NAMES.length + i] = x.matched ? LABEL_MATCHED : LABEL_UNMATCHED;
          if (x.matched) store.setVia(1, i, x.learned ? null : x.via, x.learned ? x.via : null);
        });
        const l = new FlowLabels(store);
        l.slot = 1;
        const capture = JSON.stringify(c.capture);
        assert.equal(new FlowJsonLine(NAMES).line(capture, f, l), expected(c.capture, f, l));
      },
    ),
  );
});
