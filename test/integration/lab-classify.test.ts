// rope classify on traffic recorded live (as root) in a lab this test builds: real BitTorrent
// clients and curl with the recipes of tools/record-samples.ts, and the corpus Gnutella session
// replayed over real sockets — the streams segmented anew by the lab's TCP stacks, so signatures
// that assume the original packet boundaries would fail here. Every namespace and process is
// removed afterwards (withLab), also on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DEFAULT_SCRIPTS, compileBuiltin, type ClassifierRule } from '@p2pwall/rope';
import {
  classifyCapture,
  type FlowReport,
} from '../../packages/rope/src/classify/classify-capture.js';
import { captured, SAMPLES } from '../../tools/record-samples.js';
import { withLab } from '../../tools/lab/topology.js';
import type { GnutellaReplay } from '../../tools/lab/traffic/gnutella.js';
import type { ReplayResult } from '../../tools/lab/traffic/replay.js';
import { corpusSkip, privilegedSkip } from '../support/environment.js';

const TOOLS = ['ip', 'tcpdump', 'opentracker', 'mktorrent', 'aria2c', 'transmission-cli', 'curl'];

function rules(): ClassifierRule[] {
  return DEFAULT_SCRIPTS.map((name) => ({ script: compileBuiltin(name) }));
}

function classify(file: string): FlowReport[] {
  const r = classifyCapture(file, rules());
  assert.equal(r.error, null, r.error?.message);
  r.classifier.stats.forEach((s) => assert.equal(s.lastError, null, s.lastError?.toString()));
  return r.flows;
}

const port = (endpoint: string) => Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));

test(
  'live BitTorrent (aria2c, transmission-cli with uTP) and curl downloads',
  { skip: privilegedSkip(TOOLS) },
  async () => {
    for (const sample of SAMPLES) {
      await withLab({ clients: 1, servers: 1 }, async (lab) => {
        const file = join(lab.workDir, sample.name);
        await sample.record(lab, file);
        const flows = classify(file);
        if (sample.name.startsWith('bittorrent')) {
          const udp = flows.filter((f) => f.l4 === 'udp');
          const announces = flows.filter((f) => f.l4 === 'tcp' && port(f.b) === 6969);
          assert.ok(udp.length > 0 && announces.length > 0, sample.name);
          for (const f of [...udp, ...announces])
            assert.deepEqual(f.labels, ['bittorrent'], `${sample.name}: ${f.l4} ${f.a} ${f.b}`);
          for (const f of flows)
            assert.ok(
              f.labels.every((l) => l === 'bittorrent'),
              `${f.a} ${f.b}`,
            );
        } else {
          assert.deepEqual(
            flows.map((f) => f.labels),
            [[], ['http-large'], ['http-large']],
          );
        }
      });
    }
  },
);

test(
  'the corpus Gnutella session replayed through the lab',
  { skip: privilegedSkip(['ip', 'tcpdump']) || corpusSkip() },
  async () => {
    await withLab({ clients: 1, servers: 1 }, async (lab) => {
      const file = join(lab.workDir, 'gnutella-replay.pcap');
      let replay: GnutellaReplay | undefined;
      let result: ReplayResult | undefined;
      await captured(lab, file, async () => {
        replay = await lab.gnutella({ concurrency: 4 });
        result = await replay.done;
      });
      const flows = classify(file);
      // the lab's two hosts play every peer, so flows are told apart by protocol and by the port
      // each host used (ports alone are ambiguous: a:17874 → b:28681 and b:17874 → a:28681 are
      // different flows); flows replayed one after the other on the same ports merge, and are
      // judged together
      const key = (proto: string, clientPort: number, serverPort: number) =>
        `${proto} client:${clientPort} server:${serverPort}`;
      const client = lab.client.ipv4;
      const onClient = (endpoint: string) => endpoint.startsWith(`${client}:`);
      // a tuple may have several records (a flow written out when it ended, then the tuple used
      // again): like the replayed flows on those ports, they are judged together
      const got = new Map<string, boolean>();
      for (const f of flows) {
        const k = onClient(f.a) ? key(f.l4, port(f.a), port(f.b)) : key(f.l4, port(f.b), port(f.a));
        got.set(k, (got.get(k) ?? false) || f.labels.includes('gnutella'));
      }
      const expected = new Map<string, Set<string>>();
      for (const r of result!.flows) {
        if (r.skipped || !r.intact) continue;
        const label = replay!.label(r.index);
        if (!label) continue;
        const k =
          r.initiator === 'client'
            ? key(r.proto, r.initiatorPort, r.responderPort)
            : key(r.proto, r.responderPort, r.initiatorPort);
        expected.set(k, (expected.get(k) ?? new Set()).add(label));
      }
      let yes = 0;
      let no = 0;
      const wrong: string[] = [];
      for (const [k, labels] of expected) {
        if (labels.size !== 1) continue;
        const [label] = labels;
        const labelled = got.get(k);
        if (label === 'yes') {
          yes++;
          if (labelled !== true) wrong.push(`missed ${k}`);
        } else if (label === 'no') {
          no++;
          if (labelled === true) wrong.push(`false positive ${k}`);
        }
      }
      assert.deepEqual(wrong, []);
      assert.ok(yes > 200, `${yes} Gnutella flows replayed`);
      assert.ok(no > 0, `${no} other flows replayed`);
    });
  },
);
