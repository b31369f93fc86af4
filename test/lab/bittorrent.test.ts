// A real BitTorrent swarm across the lab router, as root: opentracker and a seeder on the server
// side, aria2c and transmission-cli leechers on the LAN. Checks that downloads complete with the
// right checksum and that the data crossed the router; that transmission's uTP carries a download
// when the router rejects BitTorrent over TCP; and that aria2c finds seeders through the lab's DHT
// from a magnet link alone. Each swarm's traffic, recorded on the router's LAN bridge and
// classified with every P2P script (`--script p2p`), carries no label but bittorrent (issue #14).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabHost } from '../../tools/lab/host.js';
import { withLab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import { foreignLabels, recordP2p, type ClassifiedFlow } from './p2p-labels.js';

const skip = privilegedSkip([
  'ip',
  'nft',
  'opentracker',
  'mktorrent',
  'aria2c',
  'transmission-cli',
  'curl',
  'ss',
  'stdbuf',
  'tcpdump',
]);

/** Every flow the test recorded is the swarm's: none may carry another network's label. */
function assertOnlyBittorrent(flows: ClassifiedFlow[]): void {
  assert.ok(flows.length > 0, 'the recording holds the swarm');
  assert.deepEqual(
    foreignLabels(flows, () => 'bittorrent'),
    [],
  );
}

/** Forwarded TCP and UDP bytes, counted by a table of the test's own in the router. */
async function countForwarded(
  router: LabHost,
): Promise<() => Promise<{ tcp: number; udp: number }>> {
  await router.nft(
    'table inet count {\n chain forward {\n type filter hook forward priority filter + 10;\n meta l4proto tcp counter\n meta l4proto udp counter\n }\n}\n',
  );
  return async () => {
    const text = (await router.nft(['list', 'table', 'inet', 'count'])).stdout;
    const [tcp, udp] = [...text.matchAll(/counter packets \d+ bytes (\d+)/g)].map((m) =>
      Number(m[1]),
    );
    return { tcp, udp };
  };
}

test(
  'aria2c and transmission-cli leechers on the LAN download from a seeder behind the router',
  { skip },
  async () => {
    await withLab({ clients: 2 }, async (lab) => {
      const counted = await countForwarded(lab.router);
      const swarm = await lab.bittorrent({ size: 3 * 1024 * 1024 });
      assert.match(swarm.announceUrl ?? '', /^http:\/\/198\.51\.100\.10:6969\/announce$/);
      assert.equal(swarm.seeders.length, 1);
      const recording = await recordP2p(lab, 'leechers');
      const results = await swarm.download({ timeoutMs: 120_000 });
      assertOnlyBittorrent(await recording.classify());
      assert.deepEqual(
        results.map((r) => [r.client, r.host.name, r.complete, r.checksumOk]),
        [
          ['aria2c', 'c1', true, true],
          ['transmission', 'c2', true, true],
        ],
        JSON.stringify(results.map((r) => ({ ...r, host: r.host.name }))),
      );
      for (const r of results) assert.equal(r.sha256, swarm.file.sha256);
      // The only seeder is on the server side: every piece crossed the router at least once.
      const { tcp, udp } = await counted();
      assert.ok(
        tcp + udp > swarm.file.size,
        `forwarded ${tcp} TCP + ${udp} UDP bytes for a ${swarm.file.size}-byte file`,
      );
      await swarm.stop();
    });
  },
);

test(
  'uTP: transmission-cli completes the download when the router rejects BitTorrent over TCP',
  { skip },
  async (t) => {
    await withLab({}, async (lab) => {
      const counted = await countForwarded(lab.router);
      const swarm = await lab.bittorrent({
        size: 2 * 1024 * 1024,
        seeders: [{ client: 'transmission' }],
        leechers: [{ client: 'transmission' }],
      });
      const seederPort = swarm.seeders[0].port;
      await lab.router.nft(
        `table inet no_tcp {\n chain forward {\n type filter hook forward priority filter;\n tcp dport ${seederPort} reject with tcp reset\n tcp sport ${seederPort} reject with tcp reset\n }\n}\n`,
      );
      const recording = await recordP2p(lab, 'utp');
      // transmission 3.00 tries a peer over uTP first, once. When that handshake fails for any
      // reason (its SYN and two retransmissions unanswered for ~9 s, say, on a loaded machine),
      // it retries over TCP at once, which this router rejects, marks the seeder unreachable and
      // leaves it alone for 15 minutes. A single hiccup at the start would fail the test although
      // uTP works, so a fresh leecher (a new process that remembers nothing) gets a second try;
      // the first one's end is reported. Both failing is a failure.
      const failures: string[] = [];
      let r = (await swarm.download({ timeoutMs: 60_000 }))[0];
      if (!r.complete) {
        failures.push(JSON.stringify({ ...r, host: r.host.name }));
        r = (await swarm.download({ timeoutMs: 60_000 }))[0];
      }
      if (failures.length > 0) t.diagnostic(`the first leecher failed: ${failures[0]}`);
      assert.ok(
        r.complete && r.checksumOk,
        [...failures, JSON.stringify({ ...r, host: r.host.name })].join('; then '),
      );
      assertOnlyBittorrent(await recording.classify());
      const { udp } = await counted();
      assert.ok(udp > swarm.file.size, `the file came over UDP (uTP): ${udp} bytes`);
      await swarm.stop();
    });
  },
);

test(
  'DHT: aria2c gets a magnet link’s file with no tracker, finding seeders through the lab’s DHT',
  { skip },
  async () => {
    await withLab({}, async (lab) => {
      const swarm = await lab.bittorrent({
        discovery: 'dht',
        size: 1024 * 1024,
        seeders: [{ client: 'transmission' }, { client: 'aria2c' }],
        leechers: [{ client: 'aria2c' }],
      });
      assert.equal(swarm.announceUrl, null);
      assert.equal(swarm.tracker, null);
      assert.match(swarm.magnet, /^magnet:\?xt=urn:btih:[0-9a-f]{40}/);
      const recording = await recordP2p(lab, 'dht');
      const [r] = await swarm.download({ timeoutMs: 120_000 });
      assert.ok(r.complete && r.checksumOk, JSON.stringify({ ...r, host: r.host.name }));
      assertOnlyBittorrent(await recording.classify());
      await swarm.stop();
    });
  },
);

test('swarm options are checked before anything starts', { skip }, async () => {
  await withLab({}, async (lab) => {
    await assert.rejects(lab.bittorrent({ family: 6 }), /IPv4-only/);
    await assert.rejects(lab.bittorrent({ discovery: 'dht', dht: false }), /needs dht enabled/);
    await assert.rejects(lab.bittorrent({ seeders: [] }), /at least one seeder/);
    assert.deepEqual(lab.processes.pids(), []);
  });
});
