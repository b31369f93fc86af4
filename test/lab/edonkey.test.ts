// Two real aMule daemons in the lab find each other over Kad and exchange a file over eD2k; the
// capture of everything between them, classified with every P2P script, labels each of their
// flows edonkey and nothing else. The ground truth is what the test launched: every TCP and UDP
// flow between the two peers' addresses is theirs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { startAmulePair } from '../../tools/lab/traffic/amule.js';
import { withLab } from '../../tools/lab/topology.js';
import { privilegedSkip, toolSkip } from '../support/environment.js';
import { assertAllLabelled, between, keepCapture, portOf } from './p2p-clients.js';
import { classifyP2p } from './p2p-labels.js';

const skip = privilegedSkip(['ip', 'tcpdump']) || toolSkip(['amuled', 'amulecmd']);

test(
  'aMule: Kad and eD2k between two daemons, every flow labelled edonkey',
  { skip },
  async (t) => {
    await withLab({ servers: 2 }, async (lab) => {
      const file = join(lab.workDir, 'amule.pcap');
      const cap = await lab.capture(lab.router, lab.router.wanIface, file, 'net 203.0.113.0/24');
      const pair = await startAmulePair(lab, {
        hosts: [lab.servers[0], lab.servers[1]],
        files: [
          { name: 'lab-one.bin', size: 150_000 },
          { name: 'lab-two.bin', size: 60_000 },
        ],
      });
      try {
        await pair.exchange(240_000);
      } finally {
        // Not failures, but a CI log should show how often aMule needed a push (amule.ts).
        for (const r of pair.recoveries) t.diagnostic(`aMule recovery ${r}`);
        await pair.stop();
        await cap.stop();
      }
      keepCapture(file, 'edonkey-amule.pcap');
      const flows = between(
        await classifyP2p(lab.router, file),
        pair.peers.map((p) => p.address),
      );
      assert.ok(
        flows.some((f) => f.l4 === 'udp'),
        'Kad over UDP',
      );
      assert.ok(
        flows.filter((f) => f.l4 === 'tcp' && portOf(f.b) === 4662).length >= 1,
        'eD2k connections to the first peer',
      );
      assertAllLabelled(flows, 'edonkey');
    });
  },
);
