// `rope classify --json --jobs N`: the same bytes on stdout and stderr, and the same exit status,
// as one thread, over clean, damaged, missing and unreadable captures and the corpus.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildTcpPacket, buildUdpPacket, TCP_ACK, TCP_PSH, TCP_SYN } from '@p2pwall/core';
import { encodePcap, PcapWriter } from '@p2pwall/core/pcap';
import { corpusDir, corpusSkip } from '../../../../test/support/environment.js';
import { runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-classify-jobs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function rope(
  ...args: string[]
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
  });
  return { status, stdout, stderr };
}

/** A capture of `flows` TCP conversations, each a handshake and one request and answer. */
function capture(name: string, flows: number, payload: string): string {
  const path = join(tmp, name);
  const w = new PcapWriter(path);
  let t = 1_700_000_000;
  for (let k = 0; k < flows; k++) {
    const src = '192.0.2.10';
    const dst = '198.51.100.20';
    const sp = 20000 + k;
    w.write(buildTcpPacket({ src, dst, srcPort: sp, dstPort: 6881, flags: TCP_SYN, seq: 1 }), t++);
    w.write(
      buildTcpPacket({
        src: dst,
        dst: src,
        srcPort: 6881,
        dstPort: sp,
        flags: TCP_SYN | TCP_ACK,
        seq: 9,
        ack: 2,
      }),
      t++,
    );
    w.write(
      buildTcpPacket({
        src,
        dst,
        srcPort: sp,
        dstPort: 6881,
        flags: TCP_ACK | TCP_PSH,
        seq: 2,
        ack: 10,
        payload: k % 2 === 0 ? payload : 'GET / HTTP/1.1\r\n\r\n',
      }),
      t++,
    );
  }
  w.write(
    buildUdpPacket({
      src: '2001:db8::1',
      dst: '2001:db8::2',
      srcPort: 53,
      dstPort: 5353,
      payload: 'x',
    }),
    t++,
  );
  w.close();
  return path;
}

const HANDSHAKE = `\x13BitTorrent protocol${'\0'.repeat(8)}${'h'.repeat(20)}-TR3000-abcdefghijkl`;

test('--jobs 2 and 3 write what one thread writes: flows, messages, exit status', async () => {
  const a = capture('a.pcap', 300, HANDSHAKE);
  const b = capture('b.pcap', 2, 'GET /a.iso HTTP/1.1\r\n\r\n');
  const c = capture('c.pcap', 800, HANDSHAKE);
  const cut = join(tmp, 'cut.pcap');
  const bytes = readFileSync(b);
  writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
  const wlan = join(tmp, 'wlan.pcap');
  writeFileSync(wlan, encodePcap([{ data: new Uint8Array(30) }], 105));
  const text = join(tmp, 'script.rope');
  writeFileSync(text, 'yes\n');
  const inputs = [a, cut, join(tmp, 'absent.pcap'), b, wlan, text, c, a];
  const script = ['--script', 'bittorrent', '--script', 'http-large', '--push-int', '10'];
  const one = await rope('classify', '--json', ...script, ...inputs);
  assert.equal(one.status, 1);
  assert.equal(one.stderr.split('\n').length, 5, one.stderr);
  assert.ok(one.stdout.split('\n').length > 1100);
  for (const jobs of ['2', '3']) {
    const many = await rope('classify', '--json', '--jobs', jobs, ...script, ...inputs);
    assert.deepEqual(many, one, `--jobs ${jobs}`);
  }
});

test(
  '--jobs over corpus captures: the same bytes as one thread',
  { skip: corpusSkip() },
  async () => {
    const dir = join(corpusDir, 'pcap');
    const files = readdirSync(dir)
      .sort()
      .filter((_f, i) => i % 4 === 0)
      .map((f) => join(dir, f));
    const one = await rope('classify', '--json', ...files);
    const two = await rope('classify', '--json', '--jobs', '2', ...files);
    assert.equal(one.status, 0, one.stderr);
    assert.deepEqual(two, one);
  },
);

test('--jobs: only with --json and rope scripts, a count from 1', async () => {
  const a = capture('u.pcap', 1, HANDSHAKE);
  const pat = join(tmp, 'x.pat');
  writeFileSync(pat, 'x\n^abc\n');
  const cases: [string[], RegExp][] = [
    [['classify', '--jobs', '2', a, a], /--jobs works with --json and rope scripts/],
    [['classify', '--explain', '--jobs', '2', a, a], /--jobs works with --json/],
    [['classify', '--json', '--script', pat, '--jobs', '2', a, a], /not with .* \.pat patterns/],
    [['classify', '--json', '--jobs', '0', a], /--jobs/],
  ];
  for (const [args, message] of cases) {
    const r = await rope(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
});
