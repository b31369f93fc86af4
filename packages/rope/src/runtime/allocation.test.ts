// The packet path allocates nothing: a child process runs a script 8 million times with
// --trace-gc. Even 8 bytes per run would be 64 MB, several young-generation collections; one
// collection is allowed for what was allocated before the loop began.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CHILD = `
import { buildTcpPacket, Packet } from '@p2pwall/core';
import { compile, Engine } from '@p2pwall/rope';
const s = compile(process.env.ROPE_SCRIPT, 'alloc.rope').script;
const b = buildTcpPacket({ src: '192.0.2.1', dst: '198.51.100.2', srcPort: 1, dstPort: 6346, flags: 0x18,
  payload: 'GNUTELLA CONNECT/0.6\\r\\nUser-Agent: x\\r\\n\\r\\n' });
const p = new Packet();
p.decode(b, 0, b.length);
const e = new Engine();
const input = { packet: p, ct: { proto: 6, state: 1, dir: 0, packets: 3, bytes: 300, mark: 0 }, mark: 0, packetTime: 1, flow: null, trace: null };
for (let i = 0; i < 200000; i++) s.run(e, input);
globalThis.gc();
console.log('LOOP START');
let v = 0;
for (let i = 0; i < 8000000; i++) v += s.run(e, input);
console.log('LOOP END', v / 8000000);
`;

function scavengesDuring(script: string): { scavenges: number; verdict: number } {
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--expose-gc',
      '--trace-gc',
      '--input-type=module',
      '-e',
      CHILD,
      script,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, ROPE_SCRIPT: script },
      cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
    },
  );
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout;
  const loop = out.slice(out.indexOf('LOOP START'), out.indexOf('LOOP END'));
  const end = /LOOP END (\S+)/.exec(out);
  return { scavenges: (loop.match(/Scavenge/g) ?? []).length, verdict: Number(end?.[1]) };
}

test('the Gnutella handshake script allocates nothing per packet', () => {
  const { scavenges, verdict } = scavengesDuring(
    '"GNUTELLA CONNECT/" expect_str { isdigit } expect_while drop "." expect_str { isdigit } expect_while drop "\\r\\n" expect_str ' +
      '$ip_ttl 64 eq assert $ct_packets 10 le assert $tcp_dest 6346 eq $data_len 10 gt and yes',
  );
  assert.equal(verdict, 2, 'every run matched');
  assert.ok(scavenges <= 1, `${scavenges} collections during the loop`);
});

test('a non-matching run allocates nothing either', () => {
  const { scavenges, verdict } = scavengesDuring('"GET " expect_str yes');
  assert.equal(verdict, 3);
  assert.ok(scavenges <= 1, `${scavenges} collections during the loop`);
});

test('matching a regular expression allocates nothing beyond the $data slice', () => {
  // taking $data builds the payload string once per packet; the matcher adds nothing to it
  const baseline = scavengesDuring('$data strlen 10 gt $data strlen 20 gt and yes');
  const { scavenges, verdict } = scavengesDuring(
    '$data "^GNUTELLA CONNECT/[0-9]+\\\\.[0-9]+\\r\\n" match $data "user-agent: [a-z]+" matchi and yes',
  );
  assert.equal(verdict, 2, 'every run matched');
  assert.ok(
    scavenges <= baseline.scavenges + 1,
    `${scavenges} collections during the loop, ${baseline.scavenges} without matching`,
  );
});
