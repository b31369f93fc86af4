// Every flow listed in the corpus truth is found by the core's capture readers, decoder and flow
// table: same capture, L4 protocol and endpoint pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Packet } from '@p2pwall/core';
import { FlowTable, type Flow } from '@p2pwall/core/flow';
import { CaptureError, forEachPacket, openCapture } from '@p2pwall/core/pcap';
import { corpusDir, corpusSkip } from '../support/environment.js';
import { ABSENT_FROM_CAPTURES, flowKey, readTruth, truthKeys } from '../support/truth.js';

test('every truth.tsv flow is found by the flow table', { skip: corpusSkip() }, () => {
  const truth = readTruth(corpusDir);
  const captures = [...new Set(truth.map((r) => r.pcap))];
  const found = new Set<string>();
  const packet = new Packet();
  const errors: string[] = [];
  for (const name of captures) {
    const record = (f: Flow) => {
      if (f.protocol !== 6 && f.protocol !== 17) return;
      found.add(flowKey(name, f.protocol === 6 ? 'tcp' : 'udp', f.endpointA(), f.endpointB()));
    };
    const table = new FlowTable({ onRemove: record });
    const reader = openCapture(join(corpusDir, 'pcap', name));
    try {
      forEachPacket(reader, packet, (r, p, isIp) => {
        if (isIp) table.lookup(p, r.tsSec + r.tsNsec / 1e9);
      });
    } catch (e) {
      if (!(e instanceof CaptureError)) throw e;
      errors.push(e.message);
    } finally {
      reader.close();
    }
    table.drain();
  }
  const missing = truth
    .filter((r) => !truthKeys(r).some((k) => found.has(k)))
    .map((r) => `${r.pcap} ${r.l4} ${r.a} ${r.b}`);
  assert.deepEqual(
    missing,
    ABSENT_FROM_CAPTURES,
    `${missing.length} of ${truth.length} truth flows not found`,
  );
  // the captures that end in a corrupt record were still read up to it
  assert.ok(
    errors.every((m) => /record \d+ at byte \d+/.test(m)),
    errors.join('\n'),
  );
});
