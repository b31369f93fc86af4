// Hidden BitTorrent from clients the scripts were not written against (issue #13: "measured on
// encrypted swarms the team has not seen"), as root: a transmission-cli seeder and leecher and an
// aria2c leecher, every one of them REQUIRING peer encryption (MSE/PE: transmission `-er`, aria2c
// RC4 only), transmission's uTP and DHT on, opentracker; hard negatives in the same lab. The
// router's LAN bridge is recorded and classified with `rope classify --json`: every flow of a
// swarm endpoint must be labelled bittorrent, every negative none — and with every P2P script
// (`--script p2p`), no flow may carry another network's label (issue #14). Then once more without the
// tracker's flows (whose answers teach the peers' endpoints): the encrypted TCP handshakes and the
// uTP flows must be recognised on their own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLab } from '../../tools/lab/topology.js';
import type { BittorrentSwarm } from '../../tools/lab/traffic/bittorrent.js';
import { TRACKER_PORT } from '../../tools/lab/traffic/bittorrent-tracker.js';
import type { SwarmEndpoint } from '../../tools/lab/traffic/libtorrent.js';
import { privilegedSkip } from '../support/environment.js';
import { describe, judge, keepCapture, keyOf, openingsSeen } from './flow-truth.js';
import { classifyFlows, classifyP2p } from './p2p-labels.js';
import { recordSwarm, withoutTracker } from './swarm-capture.js';

const skip = privilegedSkip([
  'ip',
  'tcpdump',
  'opentracker',
  'mktorrent',
  'aria2c',
  'transmission-cli',
  'openssl',
  'curl',
]);

/** Every endpoint the swarm's programs listen on (peer wire and uTP, DHT, the tracker). */
function swarmEndpoints(swarm: BittorrentSwarm): SwarmEndpoint[] {
  const out: SwarmEndpoint[] = [];
  for (const [role, peers] of [
    ['seeder', swarm.seeders],
    ['leecher', swarm.leechers],
  ] as const) {
    for (const p of peers) {
      const who = `${role} ${p.client} ${p.host.name}`;
      // transmission also reaches peers it learns over IPv6 (DHT, PEX), on the same ports
      for (const address of [p.host.ipv4, p.host.ipv6]) {
        out.push({ l4: 'tcp', address, port: p.port, role: who });
        out.push({ l4: 'udp', address, port: p.port, role: `${who} utp/dht` });
        if (p.dhtPort !== p.port)
          out.push({ l4: 'udp', address, port: p.dhtPort, role: `${who} dht` });
      }
    }
  }
  const tracker = swarm.options.trackerHost.ipv4;
  for (const l4 of ['tcp', 'udp'] as const)
    out.push({ l4, address: tracker, port: TRACKER_PORT, role: 'tracker' });
  return out;
}

test(
  'transmission-cli and aria2c requiring encryption (uTP, DHT, tracker): every flow labelled, negatives not, handshakes recognised without the tracker',
  { skip },
  async (t) => {
    await withLab({ clients: 2, servers: 1 }, async (lab) => {
      const negatives = await lab.hardNegatives();
      let swarm: BittorrentSwarm | undefined;
      const file = await recordSwarm(lab, 'transmission-encrypted', async () => {
        swarm = await lab.bittorrent({
          size: 3 * 1024 * 1024,
          encryption: true,
          seeders: [{ client: 'transmission' }],
          leechers: [
            { client: 'aria2c', host: lab.clients[0] },
            { client: 'transmission', host: lab.clients[1] },
          ],
        });
        const [results] = await Promise.all([
          swarm.download({ timeoutMs: 180_000 }),
          negatives.run(),
        ]);
        for (const r of results)
          assert.ok(r.complete, `${r.client} on ${r.host.name}: ${r.error ?? 'incomplete'}`);
      });
      await swarm!.stop();
      const endpoints = swarmEndpoints(swarm!);
      const flows = await classifyFlows(lab.router, file);
      const p2p = await classifyP2p(lab.router, file);
      const v = judge(file, flows, endpoints, negatives.endpoints, p2p);
      keepCapture('transmission-encrypted', file, v);
      const labelled = v.rows.filter((r) => r.expected === 'bittorrent');
      t.diagnostic(
        `${labelled.length} swarm flows (${labelled.filter((r) => r.flow.l4 === 'udp').length} UDP), ${v.rows.length - labelled.length} negative flows`,
      );
      assert.ok(
        labelled.some((r) => r.flow.l4 === 'tcp' && r.roles.some((x) => x.startsWith('seeder'))),
        'peer wire to the seeder',
      );
      assert.deepEqual(v.wrong, []);
      // encryption really was required: no peer-wire flow showed the plaintext handshake
      const peerWire = labelled.filter((r) => r.flow.l4 === 'tcp' && !r.roles.includes('tracker'));
      t.diagnostic(`peer wire via: ${peerWire.map((r) => JSON.stringify(r.flow.via)).join(', ')}`);
      // aria2c has no uTP: its peer wire is TCP; transmission prefers uTP between its peers
      assert.ok(peerWire.length >= 1, "aria2c's peer wire over TCP");
      assert.ok(
        labelled.some((r) => r.flow.l4 === 'udp' && /utp/.test(JSON.stringify(r.flow.via))),
        'uTP between the transmission peers',
      );
      for (const r of peerWire)
        assert.doesNotMatch(JSON.stringify(r.flow.via), /peer-handshake/, describe(r.flow));

      // without the tracker: nothing taught, the handshakes (TCP) and uTP must speak for themselves
      const bare = await withoutTracker(lab, 'transmission-encrypted', file);
      const vb = judge(
        bare,
        await classifyFlows(lab.router, bare),
        endpoints,
        negatives.endpoints,
        await classifyP2p(lab.router, bare),
      );
      const opened = openingsSeen(bare);
      const missed = vb.rows
        .filter(
          (r) =>
            r.expected === 'bittorrent' &&
            opened.has(keyOf(r.flow)) &&
            !r.flow.labels.includes('bittorrent'),
        )
        .map((r) => `missed without the tracker (${r.roles.join(' ↔ ')}): ${describe(r.flow)}`);
      assert.deepEqual([...missed, ...vb.wrong.filter((w) => w.startsWith('false positive'))], []);
    });
  },
);
