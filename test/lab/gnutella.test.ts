// Replaying the corpus Gnutella capture over real sockets between lab hosts, as root: every flow's
// payload arrives intact in both directions, through the router (real Gnutella bytes on its wire),
// over IPv6 and masquerade too; a router rule that drops one flow's datagrams makes exactly that
// flow fail. The flow extraction itself is checked against the capture without privileges.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { forEachPacket, openCapture } from '@p2pwall/core/pcap';
import { Packet } from '@p2pwall/core';
import { extractFlows, homeAddress } from '../../tools/lab/traffic/capture-flows.js';
import { GNUTELLA_CAPTURE } from '../../tools/lab/traffic/gnutella.js';
import { withLab } from '../../tools/lab/topology.js';
import { corpusSkip, privilegedSkip } from '../support/environment.js';

const skip = corpusSkip() || privilegedSkip(['ip', 'nft', 'conntrack', 'tcpdump']);

test(
  'the capture’s flows: Gnutella handshakes in order, retransmissions once, no multicast',
  { skip: corpusSkip() },
  () => {
    const flows = extractFlows(GNUTELLA_CAPTURE);
    assert.equal(homeAddress(flows), '10.0.2.15');
    const tcp = flows.filter((f) => f.proto === 'tcp');
    assert.ok(tcp.length >= 30, `${tcp.length} TCP flows`);
    for (const f of tcp) {
      assert.equal(f.initiator.address, '10.0.2.15');
      // A servent handshake, or a file request (gtk-gnutella's HTTP download of a query hit).
      assert.match(
        f.segments[0].data.toString('latin1'),
        /^(GNUTELLA CONNECT\/0\.6|GET \/uri-res\/N2R\?urn:sha1:)/,
        `flow ${f.index}`,
      );
      const reply = f.segments.find((s) => s.dir === 'r2i');
      if (reply)
        assert.match(
          reply.data.toString('latin1'),
          /^(GNUTELLA|HTTP)\/\d\.\d \d{3} /,
          `flow ${f.index}`,
        );
      // Consecutive segments alternate direction (same-direction TCP bytes are one stream).
      for (let i = 1; i < f.segments.length; i++)
        assert.notEqual(f.segments[i].dir, f.segments[i - 1].dir);
      assert.equal(
        f.bytes.i2r + f.bytes.r2i,
        f.segments.reduce((n, s) => n + s.data.length, 0),
      );
    }
    assert.ok(
      flows.every((f) => !/^(22[4-9]|23\d|ff)/.test(f.responder.address)),
      'no multicast flows',
    );
    const udp = flows.filter((f) => f.proto === 'udp');
    assert.ok(
      udp.some((f) => f.segments[0].data.subarray(0, 3).toString('latin1') === 'GND'),
      'GUESS/GND datagrams',
    );
  },
);

test(
  'every flow of gnutella.pcap is replayed through the router and arrives intact both ways',
  { skip },
  async () => {
    await withLab({}, async (lab) => {
      const file = join(lab.workDir, 'replay.pcap');
      const cap = await lab.capture(lab.router, lab.router.wanIface, file, 'tcp');
      const replay = await lab.gnutella();
      const result = await replay.done;
      await cap.stop();
      const broken = result.flows.filter((f) => !f.intact);
      assert.deepEqual(broken, [], 'every flow intact');
      assert.equal(result.flows.length, replay.flows.length);
      assert.ok(result.bytes > 150_000, `${result.bytes} payload bytes`);
      assert.ok(
        result.flows.some(
          (f) => f.proto === 'tcp' && f.initiatorPort === 50284 && f.responderPort === 53258,
        ),
        'capture ports kept',
      );
      // Labels from the truth table: the Gnutella TCP sessions are marked yes.
      assert.equal(
        replay.label(
          result.flows.find((f) => f.responderPort === 53258 && f.proto === 'tcp')!.index,
        ),
        'yes',
      );
      // The router forwarded the real handshake bytes, and tracked the flows.
      let handshakes = 0;
      const reader = openCapture(file);
      forEachPacket(reader, new Packet(), (_r, p, isIp) => {
        if (!isIp || p.payloadLength < 20) return;
        if (
          Buffer.from(p.buf.subarray(p.payloadOffset, p.payloadOffset + 20)).toString('latin1') ===
          'GNUTELLA CONNECT/0.6'
        )
          handshakes++;
      });
      reader.close();
      const connects = replay.flows.filter(
        (f) =>
          f.proto === 'tcp' &&
          f.segments[0].data.subarray(0, 20).toString('latin1') === 'GNUTELLA CONNECT/0.6',
      );
      assert.ok(connects.length >= 30);
      assert.equal(handshakes, connects.length, 'each replayed GNUTELLA CONNECT crossed wan0 once');
      const tracked = (await lab.router.conntrackEntries(4)).filter(
        (e) => e.original.src === lab.client.ipv4 && e.original.dport === 53258,
      );
      assert.deepEqual(tracked.map((e) => e.proto).sort(), ['tcp', 'udp']);
    });
  },
);

test('IPv6 through masquerade: the replayed flows arrive intact', { skip }, async () => {
  await withLab({ nat: 'masquerade' }, async (lab) => {
    const replay = await lab.gnutella({ family: 6 });
    const result = await replay.done;
    assert.deepEqual(
      result.flows.filter((f) => !f.intact),
      [],
    );
    const e = (await lab.router.conntrackEntries(6)).find((x) => x.proto === 'tcp');
    assert.equal(e?.reply.dst, lab.router.wan.ipv6, 'masqueraded');
  });
});

test('a router rule dropping one flow’s datagrams fails exactly that flow', { skip }, async () => {
  await withLab({}, async (lab) => {
    await lab.router.nft(
      'table inet test {\n chain forward {\n type filter hook forward priority filter;\n udp dport 53258 drop\n }\n}\n',
    );
    const replay = await lab.gnutella({ flowTimeoutMs: 1000 });
    const result = await replay.done;
    const failed = result.flows.filter((f) => !f.intact);
    assert.ok(failed.length >= 1);
    for (const f of failed) {
      assert.equal(f.proto, 'udp');
      assert.equal(f.responderPort, 53258);
      assert.match(f.error ?? '', /timeout/);
      assert.equal(f.received.i2r, false, 'the dropped direction');
    }
    assert.ok(
      result.flows.some((f) => f.proto === 'tcp' && f.responderPort === 53258 && f.intact),
      'TCP on the same port untouched',
    );
  });
});
