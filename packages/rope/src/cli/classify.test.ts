// `rope classify`: the command-line grammar (scripts, pushes paired with the script before them,
// window), the exact --json format, the table and summary, and bad input — on captures written
// with the core's builder and pcap writer, run in-process and once as a real process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildTcpPacket, buildUdpPacket, TCP_ACK, TCP_PSH, TCP_SYN } from '@p2pwall/core';
import { encodePcap, PcapWriter } from '@p2pwall/core/pcap';
import { repoRoot } from '../../../../test/support/environment.js';
import { rope, writeCapture } from './testing.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rope-classify-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A capture in the test's directory, packets one second apart. */
const capture = (name: string, packets: Uint8Array[]) => writeCapture(join(tmp, name), packets);

const C4 = '192.0.2.10';
const S4 = '198.51.100.20';
const tcpConv = (
  src: string,
  dst: string,
  sp: number,
  dp: number,
  client: string,
  server: string,
) => [
  buildTcpPacket({ src, dst, srcPort: sp, dstPort: dp, flags: TCP_SYN, seq: 100 }),
  buildTcpPacket({
    src: dst,
    dst: src,
    srcPort: dp,
    dstPort: sp,
    flags: TCP_SYN | TCP_ACK,
    seq: 900,
    ack: 101,
  }),
  buildTcpPacket({
    src,
    dst,
    srcPort: sp,
    dstPort: dp,
    flags: TCP_ACK | TCP_PSH,
    seq: 101,
    ack: 901,
    payload: client,
  }),
  buildTcpPacket({
    src: dst,
    dst: src,
    srcPort: dp,
    dstPort: sp,
    flags: TCP_ACK | TCP_PSH,
    seq: 901,
    ack: 101 + client.length,
    payload: server,
  }),
];
const HANDSHAKE = `\x13BitTorrent protocol${'\0'.repeat(8)}${'h'.repeat(20)}-TR3000-abcdefghijkl`;
const BIG = (n: number) => `HTTP/1.1 200 OK\r\nContent-Length: ${n}\r\n\r\n`;

const mixed = capture('mixed.pcap', [
  ...tcpConv(C4, S4, 40000, 6881, HANDSHAKE, HANDSHAKE),
  ...tcpConv(C4, S4, 40001, 80, 'GET /a.iso HTTP/1.1\r\nHost: x\r\n\r\n', BIG(3_000_000)),
  buildUdpPacket({
    src: '2001:db8::10',
    dst: '2001:db8:1::20',
    srcPort: 6346,
    dstPort: 28681,
    payload: Buffer.concat([Buffer.alloc(16, 7), Buffer.from([0, 1, 0, 0, 0, 0, 0])]),
  }),
  buildUdpPacket({ src: C4, dst: S4, srcPort: 5353, dstPort: 53, payload: 'not much' }),
]);
const big2m = capture(
  'big.pcap',
  tcpConv(C4, S4, 40002, 80, 'GET /b HTTP/1.1\r\n\r\n', BIG(2_000_000)),
);

test('--json: one object per TCP/UDP flow, keys in order, initiator first, IPv6 in brackets, via last', async () => {
  const r = await rope('classify', '--json', mixed);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      '{"capture":"mixed.pcap","l4":"tcp","a":"192.0.2.10:40000","b":"198.51.100.20:6881","labels":["bittorrent"],"packets":4,"bytes":296,"via":"peer-handshake"}',
      '{"capture":"mixed.pcap","l4":"tcp","a":"192.0.2.10:40001","b":"198.51.100.20:80","labels":["http-large"],"packets":4,"bytes":236,"via":"http-large-content-length"}',
      '{"capture":"mixed.pcap","l4":"udp","a":"[2001:db8::10]:6346","b":"[2001:db8:1::20]:28681","labels":["gnutella"],"packets":1,"bytes":71,"via":"gnutella-udp-message"}',
      '{"capture":"mixed.pcap","l4":"udp","a":"192.0.2.10:5353","b":"198.51.100.20:53","labels":[],"packets":1,"bytes":36,"via":null}',
      '',
    ].join('\n'),
  );
});

test('pushes belong to the --script before them; a name is a built-in, a path a file', async () => {
  const json = async (...args: string[]) =>
    (await rope('classify', '--json', ...args)).stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { labels: string[] }).labels.join(','));
  assert.deepEqual(await json('--script', 'http-large', mixed, big2m), [
    '',
    'http-large',
    '',
    '',
    'http-large',
  ]);
  assert.deepEqual(await json('--script', 'http-large', '--push-int', '2500000', mixed, big2m), [
    '',
    'http-large',
    '',
    '',
    '',
  ]);
  assert.deepEqual(
    await json('--script', 'bittorrent', '--script', 'http-large', '--push-int', '5000000', mixed),
    ['bittorrent', '', '', ''],
  );
  const mine = join(tmp, 'udp-port-53.rope');
  writeFileSync(mine, '# flows to DNS\n$udp_dest 53 eq yes\n');
  assert.deepEqual(await json('--script', 'gnutella', '--script', mine, mixed), [
    '',
    '',
    'gnutella',
    'udp-port-53',
  ]);
});

test('--script p2p: every file-sharing network, each flow labelled with its own', async () => {
  const le32 = (n: number) => String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, n >>> 16, n >>> 24);
  // an ed2k hello (eMule's opcodes.h: 0xE3, size, OP_HELLO, 0x10, hash, id, port, tag set)
  const tags = `${le32(1)}\x03\x01\x00\x11${le32(0x3c)}`;
  const helloBody = `\x01\x10${'h'.repeat(16)}\xc0\x00\x02\x0a\x36\x12${tags}\xcb\x00\x71\x07\x35\x12`;
  const hello = `\xe3${le32(helloBody.length)}${helloBody}`;
  const p2p = capture('p2p.pcap', [
    ...tcpConv(C4, S4, 40010, 4662, hello, 'x'),
    ...tcpConv(C4, S4, 40011, 411, 'x', '$Lock EXTENDEDPROTOCOLabc Pk=version0.9|'),
    ...tcpConv(C4, S4, 40012, 6881, HANDSHAKE, HANDSHAKE),
    ...tcpConv(C4, S4, 40013, 80, 'GET /a.iso HTTP/1.1\r\nHost: x\r\n\r\n', BIG(3_000_000)),
  ]);
  const r = await rope('classify', '--script', 'p2p', p2p);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines.find((l) => l.includes(':4662')) ?? '', /edonkey \(3\)/);
  assert.match(lines.find((l) => l.includes(':411')) ?? '', /directconnect \(4\)/);
  assert.match(lines.find((l) => l.includes(':6881')) ?? '', /bittorrent \(3\)/);
  assert.match(
    lines.find((l) => l.includes(':80 ')) ?? '',
    / - *$/,
    'http-large is not in the set',
  );
  for (const name of [
    'bittorrent',
    'gnutella',
    'edonkey',
    'fasttrack',
    'directconnect',
    'applejuice',
    'soulseek',
    'winmx',
    'ares',
  ])
    assert.match(r.stdout, new RegExp(`^  ${name} +[0-9]+ flows?`, 'm'), name);
  assert.doesNotMatch(r.stdout, /^  http-large/m);
});

test('--window limits the packets each script sees', async () => {
  const late = capture('late.pcap', [
    ...tcpConv(C4, S4, 40003, 6881, 'x', 'y'),
    buildTcpPacket({
      src: S4,
      dst: C4,
      srcPort: 6881,
      dstPort: 40003,
      flags: TCP_ACK | TCP_PSH,
      seq: 902,
      ack: 102,
      payload: HANDSHAKE,
    }),
  ]);
  assert.match((await rope('classify', '--json', late)).stdout, /"labels":\["bittorrent"\]/);
  assert.match((await rope('classify', '--json', '--window', '1', late)).stdout, /"labels":\[\]/);
});

test('the table lists every flow with its labels, then a summary per label', async () => {
  const r = await rope('classify', mixed, big2m);
  assert.equal(r.status, 0);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'mixed.pcap: 4 flows');
  assert.match(
    lines[1],
    /^ {2}l4 {3}initiator \(a\) +responder \(b\) +packets +bytes {2}labels \(at packet\)$/,
  );
  assert.match(
    lines[2],
    /^ {2}tcp {2}192\.0\.2\.10:40000 +198\.51\.100\.20:6881 +4 +296 {2}bittorrent \(3\)$/,
  );
  assert.match(
    lines[4],
    /^ {2}udp {2}\[2001:db8::10\]:6346 +\[2001:db8:1::20\]:28681 +1 +71 {2}gnutella \(1\)$/,
  );
  assert.match(lines[5], /^ {2}udp .* {2}-$/);
  assert.match(r.stdout, /\n2 captures, 14 IP packets, 5 flows \(TCP 3, UDP 2\) in \d+\.\d\d s\n/);
  assert.match(r.stdout, /\n {2}bittorrent +1 flow  +4 packets +296 bytes\n/);
  assert.match(r.stdout, /\n {2}http-large +2 flows +8 packets +\d+ bytes\n/);
  assert.match(r.stdout, /\n {2}\(no label\) +1 flow \n$/);
});

test('a damaged or missing capture: one line naming it, the others still classified, exit 1', async () => {
  const cut = join(tmp, 'cut.pcap');
  const whole = capture('whole.pcap', tcpConv(C4, S4, 40004, 6881, HANDSHAKE, 'y'));
  const bytes = readFileSync(whole);
  writeFileSync(cut, bytes.subarray(0, bytes.length - 10));
  const r = await rope('classify', '--json', cut, join(tmp, 'absent.pcap'), big2m);
  assert.equal(r.status, 1);
  assert.deepEqual(r.stderr.trim().split('\n'), [
    `rope classify: ${cut}: record 4 at byte 260: record claims 41 captured bytes but the file ends 31 bytes into them: the capture was cut short (e.g. tcpdump killed while writing) or the length is corrupt; all earlier records are intact`,
    `rope classify: ${join(tmp, 'absent.pcap')}: cannot open: no such file`,
  ]);
  const flows = r.stdout.trim().split('\n');
  assert.equal(flows.length, 2, 'the flow before the damage and the flow of the good capture');
  assert.match(flows[0], /"capture":"cut.pcap".*"labels":\["bittorrent"\],"packets":3/);
  assert.match(flows[1], /"capture":"big.pcap".*"labels":\["http-large"\]/);
});

test('records of a link type rope cannot read: one line saying so, the rest classified, exit 0', async () => {
  const wlan = join(tmp, 'wlan.pcap');
  writeFileSync(
    wlan,
    encodePcap([{ data: new Uint8Array(30) }, { data: new Uint8Array(30) }], 105),
  );
  const r = await rope('classify', '--json', wlan, big2m);
  assert.equal(r.status, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    new RegExp(
      `^rope classify: ${wlan}: 2 records of link type 105 skipped: not a link type rope reads \\(it reads .*Ethernet.*\\)$`,
    ),
  );
  assert.match(r.stdout, /"capture":"big.pcap".*"labels":\["http-large"\]/);
});

test('usage errors: exit 2 with one line', async () => {
  const cases: [string[], RegExp][] = [
    [['classify'], /no capture given/],
    [
      ['classify', '--push-int', '5', mixed],
      /--push-int before the first --script: pushes belong to the --script they follow, e\.g\. --script http-large --push-int 5000000/,
    ],
    [
      ['classify', '--script', 'emule', mixed],
      /--script emule: no built-in script of that name \(bittorrent, gnutella, http-large, edonkey, fasttrack, directconnect, applejuice, soulseek, winmx, ares; sets: p2p\) and no such file/,
    ],
    [
      ['classify', '--script', 'p2p', '--script', 'bittorrent', mixed],
      /two scripts named bittorrent/,
    ],
    [
      ['classify', '--window', '0', mixed],
      /--window takes a number of packets from 1 to 1000000, not `0`/,
    ],
    [
      ['classify', '--script', 'http-large', '--push-int', 'lots', mixed],
      /--push-int: `lots` is not an integer/,
    ],
    [
      ['classify', '--script', 'gnutella', '--script', 'gnutella', mixed],
      /two scripts named gnutella/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await rope(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
});

test('a script with errors: its diagnostics, nothing classified, exit 1', async () => {
  const bad = join(tmp, 'bad.rope');
  writeFileSync(bad, '$data "x" fnid yes\n');
  const r = await rope('classify', '--script', bad, mixed);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /bad\.rope:1:11: error: unknown verb `fnid`/);
  assert.match(r.stderr, /rope classify: 1 script not compiled; nothing classified/);
});

test('as a real process: --help, and the built-ins found from any working directory', () => {
  const help = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', MAIN, 'classify', '--help'],
    { encoding: 'utf8', cwd: repoRoot },
  );
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: rope classify /);
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      join(repoRoot, 'node_modules/tsx/dist/esm/index.mjs'),
      MAIN,
      'classify',
      '--json',
      mixed,
    ],
    {
      encoding: 'utf8',
      cwd: tmp,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 4);
});
