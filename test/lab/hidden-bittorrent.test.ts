// BitTorrent that hides, on real swarms (issue #13 §3), as root: libtorrent peers with encryption
// forced (MSE/PE, RC4 only) over TCP with opentracker, over uTP with a DHT instead of a tracker,
// a capture that starts while a swarm of both (TCP and uTP on the same ports, tracker and DHT) is
// already transferring, and aria2c requiring encryption against a libtorrent seeder. In the same lab, hard negatives: a 20 MB HTTPS download,
// random-payload TCP and UDP flows opening with 96–608-byte messages both ways, DNS.
//
// Each test records the router's LAN bridge (lan0; tcpdump makes it promiscuous, so it also sees
// what the two LAN leechers send each other) and classifies the capture with `rope classify
// --json`. Truth comes from what the test launched (flow-truth.ts): every flow of a swarm endpoint
// (peer wire, uTP, DHT, tracker) must be labelled bittorrent, every negative flow nothing; with
// every P2P script (`--script p2p`), no flow may carry another network's label. Where
// the tracker's answers could have taught the peers' endpoints (TCP with a tracker), the capture
// is judged once more without the tracker's flows: the MSE/PE handshakes must be recognised
// alone, without memory (issue #13 §2).
// Seeder and tracker on s1, leechers on c1 and c2, the DHT bootstrap node on s2; the negatives run
// between c1 and s1, the same hosts as swarm peers.
//
// P2PWALL_LAB_CAPTURES=DIR keeps each capture with a truth TSV beside it (flow-truth.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lab } from '../../tools/lab/topology.js';
import { withLab } from '../../tools/lab/topology.js';
import type { LibtorrentSwarm } from '../../tools/lab/traffic/libtorrent.js';
import { SYSTEM_PYTHON } from '../../tools/lab/traffic/libtorrent.js';
import { privilegedSkip } from '../support/environment.js';
import { classifyFlows, classifyP2p } from './p2p-labels.js';
import {
  describe,
  judge,
  keepCapture,
  keyOf,
  openingsSeen,
  responderPayloads,
  type Verdict,
} from './flow-truth.js';
import { recordSwarm, withoutTracker } from './swarm-capture.js';

const skip = privilegedSkip([
  'ip',
  'tcpdump',
  'opentracker',
  'aria2c',
  'dnsmasq',
  'openssl',
  'curl',
  SYSTEM_PYTHON,
]);

const LAB = { clients: 2, servers: 2 } as const;
/** Generous: the machine may be loaded; the swarms finish in seconds when it is not. */
const COMPLETE_MS = 240_000;
/**
 * The seeders' upload limit where the test does not set one: a few seconds per download, and a
 * packet rate tcpdump keeps up with on a loaded machine.
 */
const SEED_RATE = 1 << 20;

async function verdictOf(
  lab: Lab,
  name: string,
  file: string,
  swarms: LibtorrentSwarm[],
  negatives: { endpoints: Parameters<typeof judge>[3] },
): Promise<Verdict> {
  const flows = await classifyFlows(lab.router, file);
  const verdict = judge(
    file,
    flows,
    swarms.flatMap((s) => s.endpoints),
    negatives.endpoints,
    await classifyP2p(lab.router, file),
  );
  keepCapture(name, file, verdict);
  return verdict;
}

/**
 * The MSE/PE handshake alone (issue #13 §2: recognised "without any memory"): the capture again
 * without the tracker's flows, whose answers would teach the peers' endpoints. Every TCP
 * peer-wire flow whose whole handshake is in the capture — its opening, and the responder's two
 * turns (`responderPayloads`) — must still be labelled, and the negatives still not. Returns what
 * is wrong.
 */
async function handshakesAlone(
  lab: Lab,
  name: string,
  file: string,
  swarm: LibtorrentSwarm,
  negatives: { endpoints: Parameters<typeof judge>[3] },
): Promise<string[]> {
  const bare = await withoutTracker(lab, name, file);
  const v = await verdictOf(lab, `${name}-no-tracker`, bare, [swarm], negatives);
  const answered = responderPayloads(bare);
  const whole = v.rows.filter(
    (r) =>
      r.expected === 'bittorrent' && r.flow.l4 === 'tcp' && (answered.get(keyOf(r.flow)) ?? 0) >= 2,
  );
  const missed = whole.filter((r) => !r.flow.labels.includes('bittorrent'));
  return [
    ...(whole.length === 0 ? ['no peer-wire flow with a whole handshake in the capture'] : []),
    ...missed.map(
      (r) => `missed without the tracker (${r.roles.join(' ↔ ')}): ${describe(r.flow)}`,
    ),
    ...v.wrong.filter((w) => w.startsWith('false positive')),
  ];
}

/** Flows of the verdict over `l4` with an endpoint whose role starts with `role`. */
function count(v: Verdict, l4: 'tcp' | 'udp', role: string): number {
  return v.rows.filter((r) => r.flow.l4 === l4 && r.roles.some((x) => x.startsWith(role))).length;
}

test(
  'libtorrent over TCP, RC4 forced, opentracker, hybrid v1+v2 torrent: every flow labelled, negatives not',
  { skip },
  async () => {
    await withLab(LAB, async (lab) => {
      const negatives = await lab.hardNegatives();
      let swarm: LibtorrentSwarm | undefined;
      const file = await recordSwarm(lab, 'libtorrent-tcp-tracker', async () => {
        swarm = await lab.libtorrent({
          seeder: lab.servers[0],
          leechers: [{ host: lab.clients[0] }, { host: lab.clients[1] }],
          discovery: 'tracker',
          transport: 'tcp',
          hybrid: true,
          uploadLimit: SEED_RATE,
        });
        assert.equal(swarm.infoHashes.length, 2, 'a hybrid torrent announces under two hashes');
        await Promise.all([swarm.waitComplete(COMPLETE_MS), negatives.run()]);
      });
      await swarm!.stop();
      const v = await verdictOf(lab, 'libtorrent-tcp-tracker', file, [swarm!], negatives);
      assert.ok(count(v, 'tcp', 'seeder') >= 2, 'peer wire to the seeder from both leechers');
      assert.ok(count(v, 'tcp', 'leecher') >= 1, 'peer wire between the leechers');
      assert.ok(count(v, 'tcp', 'tracker') >= 4, 'two announces (v1, v2) per leecher');
      assert.ok(count(v, 'tcp', 'https') >= 1 && count(v, 'udp', 'dns') >= 1);
      assert.deepEqual(v.wrong, []);
      assert.deepEqual(
        await handshakesAlone(lab, 'libtorrent-tcp-tracker', file, swarm!, negatives),
        [],
      );
    });
  },
);

test(
  'libtorrent over uTP only, RC4 forced, no tracker: peers found through a lab DHT',
  { skip },
  async () => {
    await withLab(LAB, async (lab) => {
      const negatives = await lab.hardNegatives();
      let swarm: LibtorrentSwarm | undefined;
      const file = await recordSwarm(lab, 'libtorrent-utp-dht', async () => {
        swarm = await lab.libtorrent({
          seeder: lab.servers[0],
          dhtHost: lab.servers[1],
          leechers: [{ host: lab.clients[0] }, { host: lab.clients[1] }],
          discovery: 'dht',
          transport: 'utp',
          uploadLimit: SEED_RATE,
        });
        await Promise.all([swarm.waitComplete(COMPLETE_MS), negatives.run()]);
      });
      await swarm!.stop();
      const v = await verdictOf(lab, 'libtorrent-utp-dht', file, [swarm!], negatives);
      assert.equal(count(v, 'tcp', 'seeder') + count(v, 'tcp', 'leecher'), 0, 'no TCP peer wire');
      assert.ok(count(v, 'udp', 'seeder') >= 2, 'uTP to the seeder from both leechers');
      assert.ok(count(v, 'udp', 'dht bootstrap') >= 2, 'DHT to the bootstrap node');
      assert.deepEqual(v.wrong, []);
    });
  },
);

test(
  'a capture that starts while a swarm (TCP and uTP, tracker and DHT) is already transferring',
  { skip },
  async () => {
    await withLab(LAB, async (lab) => {
      const negatives = await lab.hardNegatives();
      // (1)+(2) in one swarm, as clients run: every peer accepts TCP and uTP on one port, leecher1
      // connects out over uTP, leecher2 over TCP; peers come from the tracker and the DHT. A slow
      // seeder (256 KiB/s for 4 MiB) keeps the transfers going when the capture starts.
      const swarm = await lab.libtorrent({
        seeder: lab.servers[0],
        dhtHost: lab.servers[1],
        leechers: [{ host: lab.clients[0] }, { host: lab.clients[1] }],
        discovery: 'both',
        transport: 'mixed',
        size: 4 << 20,
        uploadLimit: 256 << 10,
      });
      await swarm.waitProgress(0.15, COMPLETE_MS);
      const file = await recordSwarm(lab, 'libtorrent-midstream', async () => {
        await Promise.all([swarm.waitComplete(COMPLETE_MS), negatives.run()]);
      });
      await swarm.stop();
      const v = await verdictOf(lab, 'libtorrent-midstream', file, [swarm], negatives);
      // the proof that the capture began mid-swarm: peer-wire flows to the seeder, TCP and uTP,
      // whose SYN (TCP SYN, uTP ST_SYN) and so whose MSE/PE handshake is not in it
      const opened = openingsSeen(file);
      const midstream = (l4: 'tcp' | 'udp') =>
        v.rows.filter(
          (r) => r.flow.l4 === l4 && r.roles.includes('seeder') && !opened.has(keyOf(r.flow)),
        ).length;
      assert.ok(midstream('tcp') >= 1, 'TCP peer wire (leecher2) seen mid-stream');
      assert.ok(midstream('udp') >= 1, 'uTP (leecher1) seen mid-stream');
      assert.deepEqual(v.wrong, []);
    });
  },
);

test(
  'aria2c requiring RC4 (--bt-require-crypto) against a libtorrent seeder that forces it',
  { skip },
  async () => {
    await withLab(LAB, async (lab) => {
      const negatives = await lab.hardNegatives();
      let swarm: LibtorrentSwarm | undefined;
      const file = await recordSwarm(lab, 'aria2c-libtorrent', async () => {
        // v1 only: aria2c does not know BitTorrent v2
        swarm = await lab.libtorrent({
          seeder: lab.servers[0],
          leechers: [{ host: lab.clients[0], client: 'aria2c' }],
          discovery: 'tracker',
          transport: 'tcp',
          uploadLimit: SEED_RATE,
        });
        await Promise.all([swarm.waitComplete(COMPLETE_MS), negatives.run()]);
      });
      await swarm!.stop();
      const v = await verdictOf(lab, 'aria2c-libtorrent', file, [swarm!], negatives);
      assert.ok(
        count(v, 'tcp', 'seeder') + count(v, 'tcp', 'leecher') >= 1,
        'peer wire between aria2c and the seeder',
      );
      assert.deepEqual(v.wrong, []);
      assert.deepEqual(
        await handshakesAlone(lab, 'aria2c-libtorrent', file, swarm!, negatives),
        [],
      );
    });
  },
);
