// Two real Direct Connect clients (ncdc) on a real hub (uhub) in the lab: one shares a file, the
// other searches for it and downloads it over ncdc's default client-to-client TLS. The capture,
// classified with every P2P script, labels each of their flows directconnect and nothing else —
// the TLS link through the endpoint the plain hub session announced (ADC's CTM). The ground truth
// is what the test launched: every flow between the hub and the clients, and between the clients.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { HUB_PORT, startDirectConnect } from '../../tools/lab/traffic/directconnect.js';
import { withLab } from '../../tools/lab/topology.js';
import { privilegedSkip, toolSkip } from '../support/environment.js';
import { assertAllLabelled, between, keepCapture, hostOf, portOf } from './p2p-clients.js';
import { classifyP2p } from './p2p-labels.js';

const skip = privilegedSkip(['ip', 'tcpdump']) || toolSkip(['uhub', 'ncdc', 'script']);

test(
  'ncdc on uhub: search and a TLS transfer, every flow labelled directconnect',
  { skip },
  async () => {
    await withLab({ servers: 2 }, async (lab) => {
      const file = join(lab.workDir, 'dc.pcap');
      const cap = await lab.capture(lab.router, lab.router.wanIface, file, 'tcp or udp');
      // what a firewall in front of the first client's LAN sees: its hub session, its search
      // result, its TLS link — not the second client's hub session, whose CTM names the link
      const lanFile = join(lab.workDir, 'dc-lan.pcap');
      const lanCap = await lab.capture(lab.router, lab.router.lanIface, lanFile, 'tcp or udp');
      const dc = await startDirectConnect(lab, {
        hub: lab.servers[0],
        clients: [lab.clients[0], lab.servers[1]],
      });
      try {
        await dc.transfer(120_000);
      } finally {
        await dc.stop();
        await cap.stop();
        await lanCap.stop();
      }
      keepCapture(file, 'directconnect-ncdc.pcap');
      const [one, two] = dc.clients.map((c) => c.host.ipv4);
      const flows = between(await classifyP2p(lab.router, file), [dc.hub.ipv4, one, two]);
      const toHub = flows.filter((f) => f.l4 === 'tcp' && portOf(f.b) === HUB_PORT);
      assert.equal(toHub.length, 2, 'each client joined the hub');
      const links = flows.filter(
        (f) =>
          f.l4 === 'tcp' && [hostOf(f.a), hostOf(f.b)].sort().join() === [one, two].sort().join(),
      );
      assert.ok(links.length >= 1, 'a client-to-client link');
      // its `via` (where `rope classify --json` prints one): an endpoint the hub session taught
      for (const l of links.filter((x) => x.l4 === 'tcp' && x.via !== undefined))
        assert.match(l.via ?? '', /^learned:directconnect-/);
      assertAllLabelled(flows, 'directconnect');

      const lanFlows = between(await classifyP2p(lab.router, lanFile), [dc.hub.ipv4, one, two]);
      assert.ok(
        lanFlows.some((f) => f.l4 === 'tcp' && portOf(f.b) === dc.clients[1].port),
        'the link on the LAN side',
      );
      assert.ok(!lanFlows.some((f) => hostOf(f.a) === two && portOf(f.b) === HUB_PORT));
      assertAllLabelled(lanFlows, 'directconnect');
    });
  },
);
