// HTTP through the lab router, as root: curl on a client fetches generated files from the lab's
// server, whole and by range, over IPv4, IPv6 and DNAT; the checksum curl's bytes have is compared
// with the file's; a router rule that drops the flow makes the fetch fail visibly. The fetches,
// recorded on the router's LAN bridge and classified with every P2P script (`--script p2p`),
// carry no label (issue #14): plain HTTP, ranges and large files are no P2P network.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import { foreignLabels, recordP2p } from './p2p-labels.js';

const skip = privilegedSkip(['ip', 'nft', 'conntrack', 'curl', 'tcpdump']);

test(
  'whole files and byte ranges arrive intact through the router, IPv4 and IPv6',
  { skip },
  async () => {
    await withLab({ conntrackAccounting: true }, async (lab) => {
      const http = await lab.http({
        files: [
          { name: 'empty.bin', size: 0 },
          { name: 'small.bin', size: 1000 },
          { name: 'large.bin', size: 3 * 1024 * 1024 + 7 },
        ],
      });
      const wan0 = await lab.router.linkStats(lab.router.wanIface);
      const recording = await recordP2p(lab, 'http');
      for (const family of [4, 6] as const) {
        for (const name of ['empty.bin', 'small.bin', 'large.bin']) {
          const r = await http.fetch(name, { family });
          assert.ok(r.ok, `${name} over IPv${family}: ${JSON.stringify(r)}`);
          assert.equal(r.httpCode, 200);
          assert.equal(r.sha256, http.file(name).sha256);
        }
        const ranged = await http.fetch('large.bin', { family, range: [1_000_000, 1_999_999] });
        assert.ok(ranged.ok, JSON.stringify(ranged));
        assert.equal(ranged.httpCode, 206);
        assert.equal(ranged.bytes, 1_000_000);
        assert.notEqual(ranged.sha256, http.file('large.bin').sha256);
        const suffix = await http.fetch('large.bin', { family, range: '-100' });
        assert.ok(
          suffix.ok && suffix.bytes === 100 && suffix.httpCode === 206,
          JSON.stringify(suffix),
        );
        const open = await http.fetch('small.bin', { family, range: '990-' });
        assert.ok(open.ok && open.bytes === 10, JSON.stringify(open));
      }
      const beyond = await http.fetch('small.bin', { range: [5000, 6000] });
      assert.equal(beyond.httpCode, 416);
      assert.equal(beyond.ok, false);
      const missing = await http.fetch('nothing-here.bin', {}).catch((e: Error) => e);
      assert.match(String(missing), /no file 'nothing-here.bin'/);
      const recorded = await recording.classify();
      assert.ok(recorded.length >= 12, `${recorded.length} HTTP flows recorded`);
      assert.deepEqual(
        foreignLabels(recorded, () => null),
        [],
      );
      // It crossed the router: the server side carried the bytes, conntrack counted them.
      const after = await lab.router.linkStats(lab.router.wanIface);
      assert.ok(after.rxBytes - wan0.rxBytes > 2 * (3 * 1024 * 1024), 'file bytes came in on wan0');
      const flows = (await lab.router.conntrackEntries()).filter(
        (e) => e.proto === 'tcp' && e.original.dport === http.port,
      );
      assert.ok(flows.length >= 12, `${flows.length} HTTP flows tracked`);
      assert.ok(flows.some((e) => (e.reply.bytes ?? 0) > 3 * 1024 * 1024));
      // The server saw every request complete.
      assert.ok(http.requests.filter((q) => q.status === 206).every((q) => q.complete));
    });
  },
);

test('through DNAT the client fetches from the public service address', { skip }, async () => {
  await withLab({ nat: 'dnat' }, async (lab) => {
    const http = await lab.http();
    const r = await http.fetch('large.bin', { family: 6 });
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(r.url, /^http:\/\/\[2001:db8:3::1\]:\d+\/large\.bin$/);
  });
});

test(
  'a router rule dropping the flow makes the fetch fail, with curl’s reason',
  { skip },
  async () => {
    await withLab({}, async (lab) => {
      const http = await lab.http();
      await lab.router.nft(
        `table inet test {\n chain forward {\n type filter hook forward priority filter;\n tcp sport ${http.port} drop\n }\n}\n`,
      );
      const r = await http.fetch('large.bin', { timeoutMs: 1500 });
      assert.equal(r.ok, false);
      assert.equal(r.curlExit, 28, 'timeout');
      assert.match(r.error ?? '', /timed out/i);
      assert.notEqual(r.sha256, r.expectedSha256);
    });
  },
);
