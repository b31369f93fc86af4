// The `rope` command line, run as a real process (sources through tsx; one test through the
// bin launcher and dist/). Corpus captures are checked against tshark where it can say the same.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildTcpPacket, buildUdpPacket } from '@p2pwall/core';
import { PcapWriter } from '@p2pwall/core/pcap';
import { corpusDir, corpusSkip, onPath, repoRoot } from '../../../../test/support/environment.js';
import { rope as ropeInProcess } from './testing.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rope-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** In the test process: the same dispatch and commands, without the start-up of a process. */
const ropeIn: (...args: string[]) => Promise<Run> = ropeInProcess;

function rope(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

const GNUTELLA = file(
  'gnutella.rope',
  '"GNUTELLA CONNECT/" expect_str\n{ isdigit } expect_while drop  "." expect_str  { isdigit } expect_while drop\n"\\r\\n" expect_str\nyes\n',
);

/** A capture with an ARP frame between IP packets (numbering counts every record). */
function smallCapture(): string {
  const path = join(tmp, 'small.pcap');
  const w = new PcapWriter(path, { linkType: 1 });
  const eth = (type: number, payload: Uint8Array) =>
    Buffer.concat([Buffer.alloc(12, 0x02), Buffer.from([type >> 8, type & 0xff]), payload]);
  const ip = (b: Uint8Array) => eth(0x0800, b);
  w.write(
    ip(
      buildTcpPacket({
        src: '192.0.2.1',
        dst: '198.51.100.2',
        srcPort: 4000,
        dstPort: 6346,
        flags: 0x18,
        payload: 'GNUTELLA CONNECT/0.6\r\n',
      }),
    ),
    1_700_000_000,
    0,
  );
  w.write(eth(0x0806, Buffer.alloc(28)), 1_700_000_001, 0);
  w.write(
    ip(
      buildTcpPacket({
        src: '198.51.100.2',
        dst: '192.0.2.1',
        srcPort: 6346,
        dstPort: 4000,
        flags: 0x18,
        payload: 'GNUTELLA/0.6 200 OK\r\n',
      }),
    ),
    1_700_000_002,
    0,
  );
  w.write(
    ip(
      buildUdpPacket({
        src: '192.0.2.1',
        dst: '198.51.100.2',
        srcPort: 1,
        dstPort: 2,
        payload: 'x',
      }),
    ),
    1_700_000_003,
    0,
  );
  w.close();
  return path;
}
const SMALL = smallCapture();

test('rope --help lists the commands; rope <cmd> --help shows its usage', () => {
  const r = rope('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: rope COMMAND/);
  assert.match(r.stdout, /\n {2}check +compile scripts/);
  assert.match(r.stdout, /\n {2}test +run a script/);
  const t = rope('test', '--help');
  assert.equal(t.status, 0);
  assert.match(t.stdout, /usage: rope test \[options\] SCRIPT CAPTURE/);
  assert.equal(rope('help', 'check').status, 0);
});

test('usage errors: one line, a hint, exit 2', async () => {
  const none = rope();
  assert.equal(none.status, 2);
  const bad = rope('frobnicate');
  assert.equal(bad.status, 2);
  assert.equal(
    bad.stderr,
    "rope: unknown command 'frobnicate'\nTry 'rope --help' for the list of commands.\n",
  );
  const opt = await ropeIn('test', '--jsn', GNUTELLA, SMALL);
  assert.equal(opt.status, 2);
  assert.equal(opt.stderr, "rope test: unknown option --jsn\nTry 'rope test --help' for usage.\n");
  assert.equal(
    (await ropeIn('test', GNUTELLA)).stderr.split('\n')[0],
    'rope test: no capture given',
  );
  assert.equal(
    (await ropeIn('test', GNUTELLA, SMALL, '--push-int', 'ten')).stderr.split('\n')[0],
    'rope test: --push-int: `ten` is not an integer (decimal, 0x hex or 0 octal)',
  );
  assert.equal((await ropeIn('test', GNUTELLA, SMALL, '--push-ip', '300.1.1.1')).status, 2);
  assert.equal((await ropeIn('check')).status, 2);
});

test('rope check: silent and 0 for a good script, diagnostics and 1 for a bad one', async () => {
  const ok = await ropeIn('check', GNUTELLA);
  assert.deepEqual([ok.status, ok.stdout, ok.stderr], [0, '', '']);
  const bad = file('bad.rope', '"GNUTELLA" expct_str\n5 $ip_ttl put\n');
  const r = await ropeIn('check', GNUTELLA, bad);
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    `${bad}:1:12: error: unknown verb \`expct_str\` (did you mean \`expect_str\`?)\n"GNUTELLA" expct_str\n           ^${'~'.repeat(8)}\n` +
      `${bad}:2:11: error: register \`$ip_ttl\` is read-only\n5 $ip_ttl put\n          ^${'~'.repeat(2)}\n` +
      `${bad}: 2 errors\n`,
  );
  const json = await ropeIn('check', '--json', bad);
  assert.equal(json.status, 1);
  const lines = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((d) => [d.line, d.column, d.severity, d.code]),
    [
      [1, 12, 'error', 'unknown-verb'],
      [2, 11, 'error', 'read-only'],
    ],
  );
  const missing = await ropeIn('check', join(tmp, 'nope.rope'), GNUTELLA);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read script .*nope\.rope: no such file/);
});

test('rope check --push-int counts pre-pushed values', async () => {
  const s = file('limit.rope', '$limit put $limit get 0 gt yes\n');
  assert.equal((await ropeIn('check', s)).status, 1);
  assert.equal((await ropeIn('check', s, '--push-int', '5')).status, 0);
});

test('rope test --json: a line per IP packet, numbered by record, errors for FAIL', async () => {
  const r = await ropeIn('test', '--json', GNUTELLA, SMALL);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    '{"packet":1,"verdict":"YES"}\n{"packet":3,"verdict":"NO"}\n{"packet":4,"verdict":"NO"}\n',
  );
  const failing = file('fail.rope', '$ct_dir { 1 $a div } if yes\n');
  const f = await ropeIn('test', failing, SMALL, '--json');
  assert.equal(
    f.stdout.split('\n')[1],
    `{"packet":3,"verdict":"FAIL","error":"${failing}:1:16: EDivideByZero: division by zero"}`,
  );
});

test('rope test shows a NO from never, in the table and as "never" in --json', async () => {
  const s = file('never.rope', '$ip_protocol IPPROTO_UDP eq never  no\n');
  const j = await ropeIn('test', '--json', s, SMALL);
  assert.equal(
    j.stdout,
    '{"packet":1,"verdict":"NO"}\n{"packet":3,"verdict":"NO"}\n{"packet":4,"verdict":"NO","never":true}\n',
  );
  const t = (await ropeIn('test', s, SMALL)).stdout.trim().split('\n');
  assert.match(t[3], /^ +4 {2}NO +UDP .*  \(never: done with the flow\)$/);
  assert.doesNotMatch(t[1], /never/);
});

test('rope test: the table and the summary', async () => {
  const r = await ropeIn('test', GNUTELLA, SMALL);
  assert.equal(r.status, 0);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /packet +verdict/);
  assert.match(
    lines[1],
    /^ +1 {2}YES +TCP 192\.0\.2\.1:4000 → 198\.51\.100\.2:6346, 62 bytes, payload 22$/,
  );
  assert.match(lines[3], /^ +4 {2}NO +UDP /);
  assert.equal(
    lines[4],
    `gnutella on ${SMALL}: 4 records, 3 IP packets: YES 1, NO 2, OKAY 0, FAIL 0, HOTDROP 0`,
  );
});

test('rope test: $ct_* come from a flow table over the capture', async () => {
  const s = file('ct.rope', 'println( $ct_dir " " $ct_state " " $ct_packets " " $ct_bytes ) yes\n');
  const r = await ropeIn('test', '--trace', s, SMALL);
  const printed = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('    | '))
    .map((l) => l.slice(6));
  assert.deepEqual(printed, ['0 0 1 62', '1 1 2 123', '0 0 1 29']);
});

test('rope test --trace: steps with the stack, print output, notes, the verdict', async () => {
  const s = file('trace.rope', '"GNUTELLA" expect_str 1 lift print $offset get yes\n');
  const r = await ropeIn('test', '--trace', s, SMALL);
  const block = r.stdout.split('packet 3:')[0];
  assert.match(r.stdout, /\n {4}→ NO\n +4 {2}NO /);
  assert.match(block, /packet 1: TCP 192\.0\.2\.1:4000 → 198\.51\.100\.2:6346/);
  assert.match(block, /1:12 +"GNUTELLA" expect_str +\[\] +@48/);
  assert.match(block, /1:25 +1 lift +\[" "\] +@49/);
  assert.match(block, /\n {4}\| {2}\n/);
  assert.match(block, /1:48 +yes +\[\] +@49\n {4}\| {2}\n {4}→ YES/);
  assert.match(
    r.stdout,
    /packet 4:.*\n {4}1:12 +note: expected "GNUTELLA" at \$offset 28, found "x"\n/,
  );
  const json = await ropeIn('test', '--trace', '--json', s, SMALL);
  assert.equal(json.stdout.split('\n').length, 4, 'JSON lines only on stdout');
  assert.match(json.stderr, /→ YES/);
});

test('rope test: pre-pushed values in the order given, the last on top', async () => {
  const s = file(
    'push.rope',
    '"2001:db8::1" drop 3 eq assert "x" eq assert 198.51.100.2 eq assert yes\n',
  );
  const ok = await ropeIn(
    'test',
    '--json',
    s,
    SMALL,
    '--push-ip',
    '198.51.100.2',
    '--push-str',
    'x',
    '--push-int',
    '3',
  );
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.split('\n')[0], '{"packet":1,"verdict":"YES"}');
  const swapped = await ropeIn(
    'test',
    '--json',
    s,
    SMALL,
    '--push-str',
    'x',
    '--push-ip',
    '198.51.100.2',
    '--push-int',
    '3',
  );
  assert.equal(swapped.stdout.split('\n')[0], '{"packet":1,"verdict":"NO"}');
});

test('rope test: a script with errors is not run (exit 1)', async () => {
  const bad = file('bad2.rope', 'lfit\n');
  const r = await ropeIn('test', bad, SMALL);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad2\.rope:1:1: error: unknown verb `lfit`/);
  assert.match(r.stderr, /rope test: .*bad2\.rope: 1 error; not run\n$/);
  assert.equal(r.stdout, '');
});

test('rope test: a capture that is not one, or is cut short, is a one-line error (exit 1)', async () => {
  const text = file('notes.txt', 'hello, this is not a capture\n');
  const r = await ropeIn('test', GNUTELLA, text);
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    `rope test: ${text} is a text file (a script?), not a capture (pcap or pcapng); usage: rope test SCRIPT CAPTURE\n`,
  );
  const whole = readFileSync(SMALL);
  const cut = file('cut.pcap', whole.subarray(0, whole.length - 10));
  const c = await ropeIn('test', '--json', GNUTELLA, cut);
  assert.equal(c.status, 1);
  assert.equal(
    c.stdout,
    '{"packet":1,"verdict":"YES"}\n{"packet":3,"verdict":"NO"}\n',
    'packets before the damage are all reported',
  );
  assert.match(c.stderr, /^rope test: .*cut\.pcap: record 4 at byte \d+: .*\n$/);
  const missing = await ropeIn('test', GNUTELLA, join(tmp, 'missing.pcap'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot open: no such file/);
});

test('the bin launcher runs the built CLI', () => {
  const r = spawnSync(process.execPath, [join(repoRoot, 'packages/rope/bin/rope.js'), '--help'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /usage: rope COMMAND/);
});

test(
  'corpus: the spec Gnutella example on gnutella.pcap matches exactly the handshakes tshark finds',
  { skip: corpusSkip() || (!onPath('tshark') && 'needs tshark') },
  () => {
    const cap = join(corpusDir, 'pcap', 'gnutella.pcap');
    const r = rope('test', '--json', GNUTELLA, cap);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { packet: number; verdict: string });
    const tshark = (filter: string) =>
      spawnSync('tshark', ['-r', cap, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], {
        encoding: 'utf8',
      })
        .stdout.trim()
        .split('\n')
        .map(Number);
    assert.deepEqual(
      lines.map((l) => l.packet),
      tshark('ip or ipv6'),
      'one line per IP packet, numbered as tshark numbers frames',
    );
    const yes = lines.filter((l) => l.verdict === 'YES').map((l) => l.packet);
    assert.deepEqual(
      yes,
      tshark('tcp.payload matches "(?-i)^GNUTELLA CONNECT/[0-9]+\\\\.[0-9]+\\r\\n"'),
    );
    assert.ok(yes.length > 10);
    assert.ok(lines.every((l) => l.verdict === 'YES' || l.verdict === 'NO'));
  },
);

test(
  'corpus: every capture runs to the end or stops with a one-line capture error',
  { skip: corpusSkip() },
  async () => {
    const s = file(
      'all.rope',
      '$data "GNUTELLA|BitTorrent|HTTP/1\\\\." match yes  $ct_packets 3 gt { 4 lift drop } if  $ip_saddr strlen 16 eq no\n',
    );
    const caps = readdirSafe(join(corpusDir, 'pcap'));
    for (const c of caps) {
      const r = await ropeIn('test', '--json', s, join(corpusDir, 'pcap', c));
      assert.ok(
        r.status === 0 ||
          (r.status === 1 && /^rope test: .*record \d+ at byte \d+: .+\n$/.test(r.stderr)),
        `${c}: ${r.status} ${r.stderr}`,
      );
      for (const l of r.stdout.trim().split('\n').filter(Boolean)) {
        const o = JSON.parse(l) as { verdict: string; error?: string };
        if (o.verdict === 'FAIL') assert.match(o.error ?? '', /^EPacket: /, `${c}: ${l}`);
        else assert.ok(['YES', 'NO', 'OKAY'].includes(o.verdict), `${c}: ${l}`);
      }
    }
  },
);

function readdirSafe(dir: string): string[] {
  return readdirSync(dir).sort();
}
