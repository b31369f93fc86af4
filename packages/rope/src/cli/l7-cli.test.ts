// l7-filter pattern files on the command line: `rope l7 convert`, `--script FILE.pat` in classify
// (labels, and `unset` / `unknown` in --json), test and check.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildTcpPacket, TCP_ACK, TCP_PSH, TCP_SYN } from '@p2pwall/core';
import { PcapWriter } from '@p2pwall/core/pcap';
import { rope } from './testing.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-l7-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const C = '192.0.2.10';
const S = '198.51.100.20';
/** A TCP connection from port `sp`: handshake, then one payload packet per string, alternating. */
function conversation(sp: number, payloads: string[]): Uint8Array[] {
  const out = [
    buildTcpPacket({ src: C, dst: S, srcPort: sp, dstPort: 80, flags: TCP_SYN }),
    buildTcpPacket({ src: S, dst: C, srcPort: 80, dstPort: sp, flags: TCP_SYN | TCP_ACK }),
  ];
  payloads.forEach((payload, i) =>
    out.push(
      i % 2 === 0
        ? buildTcpPacket({
            src: C,
            dst: S,
            srcPort: sp,
            dstPort: 80,
            flags: TCP_ACK | TCP_PSH,
            payload,
          })
        : buildTcpPacket({
            src: S,
            dst: C,
            srcPort: 80,
            dstPort: sp,
            flags: TCP_ACK | TCP_PSH,
            payload,
          }),
    ),
  );
  return out;
}

const PATTERN = file(
  'hello.pat',
  `# Hello - a made-up protocol
hello
^hello [0-9]+\\x0d\\x0a
userspace pattern=^HELLO
`,
);

const CAPTURE = (() => {
  const path = join(tmp, 'flows.pcap');
  const w = new PcapWriter(path);
  const packets = [
    ...conversation(40001, ['HELLO 42\r\n', 'ok']), // matches
    ...conversation(40002, ['nope', 'no', 'still', 'no', 'more', 'no', 'and', 'no', 'on']), // 11 packets
    ...conversation(40003, ['not yet']), // 3 packets
  ];
  packets.forEach((p, i) => w.write(p, 1_700_000_000 + i));
  w.close();
  return path;
})();

test('rope l7 convert prints the script; rope check accepts it as it is', async () => {
  const r = await rope('l7', 'convert', PATTERN);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^# hello: the l7-filter pattern hello\.pat/);
  assert.match(r.stdout, /^\$ct_packets 10 gt no/m);
  assert.match(r.stdout, /"\^hello \[0-9\]\+\\\\x0d\\\\x0a" match yes$/m);
  assert.match(r.stderr, /hello\.pat:4:1: warning: ignored: rope applies the kernel/);
  const saved = file('hello.rope', r.stdout);
  const c = await rope('check', saved);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stderr, '');
  assert.match(
    (await rope('l7', 'convert', '--window', '3', PATTERN)).stdout,
    /^\$ct_packets 3 gt no/m,
  );
});

test('rope l7 convert: errors in the pattern file, and usage', async () => {
  const bad = file('bad.pat', 'bad\n(ab\\x2a\n');
  const r = await rope('l7', 'convert', bad);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /bad\.pat:2:4: error: `\\x2a` is `\*`/);
  assert.match(r.stderr, /\n\(ab\\x2a\n {3}\^~~~\n/);
  assert.equal((await rope('l7', 'convert')).status, 2);
  assert.equal((await rope('l7', 'frob', PATTERN)).status, 2);
  assert.match(
    (await rope('l7', '--help')).stdout,
    /^usage: rope l7 convert \[--window N\] FILE\.pat/,
  );
});

test('rope classify --script FILE.pat: the protocol labels; --json adds unset and unknown', async () => {
  const r = await rope('classify', '--json', '--script', PATTERN, CAPTURE);
  assert.equal(r.status, 0, r.stderr);
  const flows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { b: string; a: string; labels: string[]; packets: number });
  assert.deepEqual(
    flows.map((f) => [f.a, f.labels, f.packets]),
    [
      [`${C}:40001`, ['hello'], 4],
      [`${C}:40002`, ['unknown'], 11],
      [`${C}:40003`, ['unset'], 3],
    ],
  );
  // the table and summary name only real labels
  const t = await rope('classify', '--script', PATTERN, CAPTURE);
  assert.match(t.stdout, /\n {2}hello +1 flow /);
  assert.doesNotMatch(t.stdout, /unknown|unset/);
});

test('without pattern files, --json is unchanged: no unset or unknown', async () => {
  const script = file('hello2.rope', '$data "HELLO" find 0 ge yes no\n');
  const r = await rope('classify', '--json', '--script', script, CAPTURE);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /unknown|unset/);
});

test('rope test FILE.pat runs the pattern on every packet', async () => {
  const r = await rope('test', '--json', PATTERN, CAPTURE);
  assert.equal(r.status, 0, r.stderr);
  const yes = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { packet: number; verdict: string })
    .filter((p) => p.verdict === 'YES')
    .map((p) => p.packet);
  // from the matching packet on, the collected data matches: every later packet of the flow says
  // YES, as l7-filter kept matching a classified connection
  assert.deepEqual(yes, [3, 4]);
});

test("rope check FILE.pat reports the pattern file's problems", async () => {
  const r = await rope('check', file('two.pat', 'two\na{1,2}\n'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /two\.pat:2:2: error: counted repetition/);
});

test('rope run --check accepts a pattern file as a script, and names its errors', async () => {
  const ok = await rope('run', '--queue', '5', '--script', PATTERN, '--check');
  assert.equal(ok.status, 0, ok.stderr);
  const bad = await rope(
    'run',
    '--queue',
    '5',
    '--script',
    file('bad2.pat', 'x\n\\d\n'),
    '--check',
  );
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /bad2\.pat:2:1: error: `\\d` is just the character `d`/);
});
