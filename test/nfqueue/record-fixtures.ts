// Records the kernel messages the NFQUEUE unit tests decode (packages/core/src/netlink/nfqueue/
// testdata/kernel-packets.json). Run as root; it builds a lab, queues the router's traffic and
// keeps the raw bytes of one message per situation:
//   node --conditions=source --import tsx test/nfqueue/record-fixtures.ts
// With `--ct-dump` it instead prints the raw ctnetlink dump messages of the namespace it runs in
// (used inside the router to get a real CTA_* attribute set).
import { writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import {
  AF_UNSPEC,
  decodeEntry,
  IPCTNL_MSG_CT_GET,
  NETLINK_NETFILTER,
  NFNETLINK_V0,
  NFNL_SUBSYS_CTNETLINK,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  NetlinkSocket,
  NlWriter,
  nfnlMsgType,
} from '@p2pwall/core/netlink';
import { repoRoot } from '../../tools/lab/host.js';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import { startProbe } from './probe-harness.js';

if (process.argv[2] === '--ct-dump') {
  const s = NetlinkSocket.open(NETLINK_NETFILTER);
  const w = new NlWriter();
  w.begin(
    nfnlMsgType(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET),
    NLM_F_REQUEST | NLM_F_DUMP,
    s.nextSeq(),
  ).nfgenmsg(AF_UNSPEC, NFNETLINK_V0, 0);
  await s.request(w.finish(), {
    operation: 'conntrack dump',
    onMessage: (m) =>
      process.stdout.write(
        JSON.stringify({ hex: Buffer.from(m.buf.subarray(m.off, m.end)).toString('hex') }) + '\n',
      ),
  });
  s.close();
  // exit once the lines are in the pipe (an immediate exit loses those still queued)
  process.stdout.write('', () => process.exit(0));
}

interface Fixture {
  name: string;
  description: string;
  hex: string;
}

type Packet = Record<string, unknown> & { hex: string };

async function probe(
  lab: Lab,
  cfg: object,
  traffic: () => Promise<unknown>,
  pick: (p: Packet) => boolean,
): Promise<Packet> {
  const probe = await startProbe(lab.router, { queue: 0, record: true, ...cfg });
  await traffic();
  await new Promise((r) => setTimeout(r, 300));
  await probe.stop();
  const packets = probe.packets as Packet[];
  const p = packets.find(pick);
  if (!p) throw new Error(`no packet matched among ${packets.length}`);
  return p;
}

const lab = await createLab({});
const fixtures: Fixture[] = [];
try {
  const r = lab.router;
  const c = lab.client;
  const s = lab.server;
  for (const t of [r.iptables.bind(r), r.ip6tables.bind(r)]) {
    await t([
      '-t',
      'mangle',
      '-A',
      'FORWARD',
      '-j',
      'NFQUEUE',
      '--queue-num',
      '0',
      '--queue-bypass',
    ]);
    await t([
      '-t',
      'mangle',
      '-A',
      'OUTPUT',
      '-p',
      'icmp',
      '-j',
      'NFQUEUE',
      '--queue-num',
      '0',
      '--queue-bypass',
    ]);
  }
  // a mark on TCP SYNs before they are queued, so the message carries NFQA_MARK
  await r.iptables([
    '-t',
    'mangle',
    '-I',
    'PREROUTING',
    '-p',
    'tcp',
    '--syn',
    '-j',
    'MARK',
    '--set-mark',
    '0x2a',
  ]);
  const http = await lab.http({ files: [{ name: 'big.bin', size: 2 << 20 }] });
  const ping = (args: string[]) => () =>
    c.exec(['ping', '-n', '-c', '1', '-W', '1', ...args], { allowFail: true });

  const add = (name: string, description: string, p: Packet) =>
    fixtures.push({ name, description, hex: p.hex });
  add(
    'icmp-echo-forward',
    `ICMP echo request ${c.ipv4} > ${s.ipv4}, 84 bytes, queued in FORWARD: PACKET_HDR, IFINDEX_INDEV/OUTDEV, HWADDR, TIMESTAMP, PAYLOAD`,
    await probe(lab, {}, ping([s.ipv4]), (p) => p.protocol === 1 && p.src === c.ipv4),
  );
  add(
    'icmp6-echo-forward',
    `ICMPv6 echo request ${c.ipv6} > ${s.ipv6}, 104 bytes, queued in FORWARD (nfgen_family AF_INET6)`,
    await probe(lab, {}, ping(['-6', s.ipv6]), (p) => p.protocol === 58 && p.src === c.ipv6),
  );
  add(
    'tcp-syn-marked',
    `TCP SYN ${c.ipv4} > ${s.ipv4}:80 with skb mark 0x2a set in PREROUTING (NFQA_MARK)`,
    await probe(
      lab,
      {},
      () => http.fetch('big.bin'),
      (p) => p.protocol === 6 && p.mark === 0x2a,
    ),
  );
  add(
    'truncated-copy-range',
    `ICMP echo request of 1028 bytes with copy range 64: PAYLOAD cut to 64 bytes, CAP_LEN 1028`,
    await probe(
      lab,
      { copyRange: 64 },
      ping(['-s', '1000', s.ipv4]),
      (p) => p.protocol === 1 && p.packetLength === 1028,
    ),
  );
  add(
    'gso-super-packet',
    `TCP data ${s.ipv4}:80 > ${c.ipv4} with the GSO flag: one super-packet longer than the MTU, SKB_INFO GSO`,
    await probe(
      lab,
      { gso: true },
      () => http.fetch('big.bin'),
      (p) => (Number(p.skbInfo) & 2) !== 0 && Number(p.payloadLength) > 1500,
    ),
  );
  add(
    'icmp-echo-local-out',
    `ICMP echo request from the router itself ${r.ipv4} > ${c.ipv4}, queued in OUTPUT: no INDEV, no HWADDR, no TIMESTAMP`,
    await probe(
      lab,
      {},
      () => r.exec(['ping', '-n', '-c', '1', '-W', '1', c.ipv4], { allowFail: true }),
      (p) => p.hook === 3,
    ),
  );
  await http.fetch('big.bin');
  const dump = await r.nodeRun([join(repoRoot, 'test/nfqueue/record-fixtures.ts'), '--ct-dump']);
  const tcp = dump.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { hex: string }).hex)
    .find((h) => {
      const b = Buffer.from(h, 'hex');
      return decodeEntry(b, 20, b.length, b[16]).orig.proto === 6;
    });
  if (tcp)
    fixtures.push({
      name: 'ctnetlink-entry',
      description:
        'one IPCTNL_MSG_CT_NEW message of a conntrack dump in the router (its attributes are what NFQA_CT nests)',
      hex: tcp,
    });
  await http.stop();
} finally {
  await lab.destroy();
}
const out = join(repoRoot, 'packages/core/src/netlink/nfqueue/testdata/kernel-packets.json');
writeFileSync(
  out,
  JSON.stringify(
    { recordedOn: `Linux ${release()}`, recordedBy: 'test/nfqueue/record-fixtures.ts', fixtures },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${fixtures.length} fixtures to ${out}`);
