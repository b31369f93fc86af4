// What the commands do with input that is not what they expect: devices and pipes, scripts of
// megabytes, captures and scripts given in each other's place, floods of diagnostics, negative
// numbers for numeric options. Each is one line (or a capped list), never a hang, a flood of
// stderr or a stack trace.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildTcpPacket } from '@p2pwall/core';
import { encodePcap, encodePcapng } from '@p2pwall/core/pcap';
import { MAX_PRINTED_DIAGNOSTICS } from '../diagnostic.js';
import { MAX_SCRIPT_BYTES } from './read-script.js';
import { repoRoot } from '../../../../test/support/environment.js';
import { rope } from './testing.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-guards-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const SCRIPT = file('ok.rope', '$data "GET " find 0 ge yes\n');
const packet = buildTcpPacket({
  src: '192.0.2.1',
  dst: '198.51.100.2',
  srcPort: 40000,
  dstPort: 80,
  flags: 0x18,
  payload: 'GET / HTTP/1.1\r\n\r\n',
});
const PCAP = file('x.pcap', encodePcap([{ data: packet, tsSec: 1, tsNsec: 0 }], 101));
const PCAPNG = file(
  'x.pcapng',
  encodePcapng([
    {
      bigEndian: false,
      blocks: [{ type: 'idb', linkType: 101, snaplen: 0, tsresol: 6, tsOffset: 0 }],
    },
  ]),
);

test('devices, pipes and directories are refused as scripts in one line', async () => {
  execFileSync('mkfifo', [join(tmp, 'fifo')]);
  for (const [path, why] of [
    ['/dev/zero', 'is a character device, not a regular file'],
    [join(tmp, 'fifo'), 'is a pipe, not a regular file'],
    [tmp, 'is a directory'],
  ]) {
    for (const args of [
      ['check', path],
      ['test', path, PCAP],
      ['classify', '--script', path, PCAP],
    ]) {
      const r = await rope(...args);
      assert.equal(r.status, 1, args.join(' '));
      assert.match(r.stderr, new RegExp(`^rope \\w+: cannot read script ${path}: ${why}\\n`));
      assert.equal(r.stdout, '');
    }
  }
});

test('scripts over 1 MiB are refused before they are read', async () => {
  const big = file('big.rope', '# ' + 'x'.repeat(MAX_SCRIPT_BYTES) + '\nyes\n');
  const r = await rope('check', big);
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    `rope check: cannot read script ${big}: ${MAX_SCRIPT_BYTES + 7} bytes; scripts are limited to 1048576 bytes (1 MiB)\n`,
  );
  const limit = file('limit.rope', '#'.repeat(MAX_SCRIPT_BYTES - 4) + '\nyes');
  assert.equal((await rope('check', limit)).status, 0, 'exactly 1 MiB is allowed');
});

test('a capture where a script belongs, and a script where a capture belongs: one line', async () => {
  for (const capture of [PCAP, PCAPNG]) {
    const t = await rope('test', capture, SCRIPT);
    assert.equal(t.status, 1);
    assert.equal(
      t.stderr,
      `rope test: ${capture} is a capture, not a script; usage: rope test SCRIPT CAPTURE\n`,
    );
    const c = await rope('check', capture);
    assert.equal(
      c.stderr,
      `rope check: ${capture} is a capture, not a script; usage: rope check SCRIPT...\n`,
    );
  }
  const t = await rope('test', SCRIPT, SCRIPT);
  assert.equal(t.status, 1);
  assert.equal(
    t.stderr,
    `rope test: ${SCRIPT} is a text file (a script?), not a capture (pcap or pcapng); usage: rope test SCRIPT CAPTURE\n`,
  );
  const c = await rope('classify', '--json', SCRIPT, PCAP);
  assert.equal(c.status, 1);
  assert.equal(
    c.stderr,
    `rope classify: ${SCRIPT} is a text file (a script?), not a capture (pcap or pcapng); scripts are given with --script\n`,
  );
  const binary = file('bin.rope', Uint8Array.from([0x79, 0x65, 0x73, 0, 1, 2]));
  assert.equal(
    (await rope('check', binary)).stderr,
    `rope check: ${binary} is a binary file, not a script (scripts are text)\n`,
  );
});

test('a flood of errors prints 20 of them, each with a window of its line, then a count', async () => {
  const braces = file('braces.rope', '} '.repeat(100_000) + '\n');
  const r = await rope('check', braces);
  assert.equal(r.status, 1);
  const lines = r.stderr.split('\n');
  const headers = lines.filter((l) => l.startsWith(`${braces}:1:`));
  assert.equal(headers.length, MAX_PRINTED_DIAGNOSTICS);
  assert.equal(headers[19], `${braces}:1:39: error: \`}\` without a matching \`{\``);
  assert.ok(r.stderr.includes(`\n… and ${100_000 - 20} more errors\n`), r.stderr.slice(-200));
  assert.ok(r.stderr.endsWith(`${braces}: 100000 errors\n`));
  assert.ok(r.stderr.length < 6000, `${r.stderr.length} bytes of stderr`);
  for (const l of lines) assert.ok(l.length < 200, 'no line echoes the 200 kB source line');
  // the same cap for scripts that commands load
  const t = await rope('test', braces, PCAP);
  assert.equal(t.stderr.split('\n').filter((l) => l.includes(': error: ')).length, 20);
});

test('a string literal of megabytes: a positioned error, no stack trace', async () => {
  const lit = file('lit.rope', 'yes\n  "' + 'a'.repeat(1_000_000) + '" drop\n');
  const r = await rope('check', lit);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^${lit}:2:3: error: string literal longer than 65536 bytes`));
  assert.doesNotMatch(r.stderr, /internal|RangeError|    at /);
  assert.ok(r.stderr.length < 1000);
});

test('negative numbers reach the option checks, which state the range in one line', async () => {
  const cases: [string[], string][] = [
    [
      ['classify', '--window', '-1', PCAP],
      '--window takes a number of packets from 1 to 1000000, not `-1`',
    ],
    [
      ['run', '--queue', '-1', '--script', SCRIPT],
      "--queue: '-1' is not a queue number N or a range N:M (queue numbers 0 to 65535)",
    ],
    [
      ['run', '--queue-balance', '-1:2', '--script', SCRIPT],
      "--queue-balance: '-1:2' is not a queue number N or a range N:M (queue numbers 0 to 65535)",
    ],
    [
      ['run', '--queue', '0', '--script', SCRIPT, '--window', '-1'],
      "--window: '-1' is not a whole number in 1..1000000",
    ],
    [
      ['run', '--queue', '0', '--script', SCRIPT, '--copy-range', '-1'],
      "--copy-range: '-1' is not a whole number in 64..65535",
    ],
    [['rules', '--mark', '-5'], "--mark: '-5' is not a mark (0..0xffffffff, decimal or 0x hex)"],
    [
      ['test', '--push-int', '-99999999999', SCRIPT, PCAP],
      '--push-int: integer literal `-99999999999` is out of range (-2147483648 to 2147483647)',
    ],
  ];
  for (const [args, message] of cases) {
    const r = await rope(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.split('\n')[0], `rope ${args[0]}: ${message}`);
  }
  const pushed = await rope(
    'test',
    '--json',
    '--push-int',
    '-5',
    file('neg.rope', '-5 eq yes\n'),
    PCAP,
  );
  assert.equal(pushed.status, 0, pushed.stderr);
  assert.equal(pushed.stdout, '{"packet":1,"verdict":"YES"}\n');
});

test(
  'hostile patterns on 64 KiB payloads, through the built CLI (dist/)',
  { timeout: 60_000 },
  () => {
    // no timing here: a backtracking engine would not finish these within the test's timeout
    const big = (payload: string) =>
      buildTcpPacket({
        src: '192.0.2.1',
        dst: '198.51.100.2',
        srcPort: 1,
        dstPort: 2,
        flags: 0x18,
        payload,
      });
    const n = 65_000;
    const capture = file(
      'big.pcap',
      encodePcap(
        [
          'Z'.repeat(n),
          'Z'.repeat(n - 1) + 'Q',
          'AB'.repeat(n / 2),
          'A'.repeat(n),
          'abcdez'.repeat(n / 6),
          '1'.repeat(n),
        ].map((p, i) => ({ data: big(p), tsSec: i, tsNsec: 0 })),
        101,
      ),
    );
    const script = file(
      'hostile.rope',
      '$data "Z*Q" match  $data "(A|B)*C" match or  $data "(A+)+C" match or\n' +
        '$data "(?:a|b|c|d|e)*z.{10,100}q" match or  $data "[0-9]+:" match or  yes no\n',
    );
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'packages/rope/bin/rope.js'), 'test', '--json', script, capture],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).verdict),
      ['NO', 'YES', 'NO', 'NO', 'NO', 'NO'],
    );
  },
);
