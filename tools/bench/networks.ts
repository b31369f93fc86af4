// `npm run bench -- networks`: every file-sharing network IPP2P knows, side by side on the corpus —
// rope's `p2p` scripts, IPP2P's own matcher (compiled at bench time from Debian's
// xtables-addons-source into a small C harness, tools/bench/ipp2p-harness.c), l7-filter's pattern
// files (../shared/l7-protocols, through rope's loader: `--script NAME.pat`) and ndpiReader.
// Per network: the flows each tool labels, and how many of them are another protocol — by
// truth.tsv for BitTorrent and Gnutella (which corrects nDPI), else by ndpiReader's name for the
// flow (by DPI, or by port where its DPI found nothing): false positives.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { formatIp, IPPROTO_TCP, IPPROTO_UDP, Packet } from '@p2pwall/core';
import { CaptureError, forEachPacket, openCapture } from '@p2pwall/core/pcap';
import { SCRIPT_GROUPS, compileBuiltin, type BuiltinScript } from '@p2pwall/rope';
import { classifyCapture } from '../../packages/rope/src/classify/classify-capture.js';
import { compilePattern } from '../../packages/rope/src/l7/load-pattern.js';
import { onPath, repoRoot } from '../../test/support/environment.js';
import { endpointVariants, flowKey, readTruth, truthKeys } from '../../test/support/truth.js';
import {
  corpusCaptures,
  machineLine,
  table,
  type BenchContext,
  type BenchModule,
} from './frame.js';

const NETWORKS = SCRIPT_GROUPS.p2p;

/**
 * Captures the lab tests of real clients recorded (P2PWALL_LAB_CAPTURES: a directory they fill
 * with `<network>-<client>.pcap`): every flow of one is that network, by construction.
 */
function labCaptures(): { files: string[]; network: Map<string, string> } {
  const dir = process.env.P2PWALL_LAB_CAPTURES;
  const network = new Map<string, string>();
  if (!dir || !existsSync(dir)) return { files: [], network };
  const files = readdirSync(dir)
    .filter((f) => /^[a-z]+-.*\.pcap$/.test(f) && (NETWORKS as string[]).includes(f.split('-')[0]))
    .sort();
  for (const f of files) network.set(f, f.split('-')[0]);
  return { files: files.map((f) => join(dir, f)), network };
}

/** The network of each IPP2P option bit (IPP2N_EDK = 0 … IPP2N_ARES = 12, xt_ipp2p.h). */
const IPP2P_BITS: (BuiltinScript | null)[] = [
  'edonkey', // EDK
  'fasttrack', // DATA_KAZAA
  'edonkey', // DATA_EDK
  'directconnect', // DATA_DC
  'directconnect', // DC
  'gnutella', // DATA_GNU
  'gnutella', // GNU
  'fasttrack', // KAZAA
  'bittorrent', // BIT
  'applejuice', // APPLE
  'soulseek', // SOUL
  'winmx', // WINMX
  'ares', // ARES
];

/** nDPI's name for each network, where nDPI 4.2 has one. */
const NDPI_NAMES: Partial<Record<BuiltinScript, string>> = {
  bittorrent: 'BitTorrent',
  gnutella: 'Gnutella',
  edonkey: 'eDonkey',
  fasttrack: 'FastTrack',
  directconnect: 'DirectConnect',
  applejuice: 'AppleJuice',
};

/** Builds the IPP2P harness in `dir`; returns its path, or why it cannot be built. */
function buildIpp2p(dir: string): string | { why: string } {
  if (!onPath('gcc')) return { why: 'gcc not found' };
  const tarball = readdirSync('/usr/src')
    .filter((f) => /^xtables-addons.*\.tar\.(?:bz2|gz|xz)$/.test(f))
    .map((f) => join('/usr/src', f))[0];
  if (!tarball)
    return { why: 'xtables-addons-source not installed (apt-get install xtables-addons-source)' };
  const x = spawnSync(
    'tar',
    ['-xf', tarball, '-C', dir, '--wildcards', '*/extensions/xt_ipp2p.[ch]'],
    {
      encoding: 'utf8',
    },
  );
  if (x.status !== 0) return { why: `tar: ${x.stderr.trim()}` };
  const find = (name: string): string | null => {
    const r = spawnSync('find', [dir, '-name', name], { encoding: 'utf8' });
    return r.stdout.split('\n').find((l) => l.trim() !== '') ?? null;
  };
  const source = find('xt_ipp2p.c');
  const header = find('xt_ipp2p.h');
  if (!source || !header) return { why: 'xt_ipp2p.c not found in the source package' };
  // the matcher functions and their tables: from the first matcher to the end of udp_list[]
  const text = readFileSync(source, 'utf8');
  const start = text.indexOf('/* Search for UDP eDonkey');
  const list = text.indexOf('} udp_list[] = {');
  const end = list < 0 ? -1 : text.indexOf('};', list);
  if (start < 0 || end < 0) return { why: 'xt_ipp2p.c has an unexpected layout' };
  writeFileSync(join(dir, 'ipp2p-matchers.inc'), text.slice(start, end + 2) + '\n');
  writeFileSync(join(dir, 'xt_ipp2p.h'), readFileSync(header));
  const bin = join(dir, 'ipp2p-harness');
  const cc = spawnSync(
    'gcc',
    ['-O2', '-w', '-I', dir, '-o', bin, join(repoRoot, 'tools', 'bench', 'ipp2p-harness.c')],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) return { why: `gcc: ${cc.stderr.trim().split('\n')[0]}` };
  return bin;
}

/** `ip:port` as rope prints endpoints (`[ip6]:port`). */
function endpoint(p: Packet, src: boolean): string {
  const ip = formatIp(p.buf, src ? p.srcOffset : p.dstOffset, p.addrLength);
  const port = src ? p.srcPort : p.dstPort;
  return p.addrLength === 16 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** IPP2P over every TCP/UDP packet with payload of the captures: the networks of each flow. */
function ipp2pFlows(harness: string, files: string[]): Map<string, Set<BuiltinScript>> {
  const chunks: Buffer[] = [];
  const keys: string[] = [];
  const packet = new Packet();
  for (const f of files) {
    const capture = f.slice(f.lastIndexOf('/') + 1);
    let reader;
    try {
      reader = openCapture(f);
    } catch {
      continue;
    }
    try {
      forEachPacket(reader, packet, (_r, p, isIp) => {
        if (!isIp || !p.hasPorts || p.payloadLength === 0 || p.laterFragment) return;
        if (p.protocol !== IPPROTO_TCP && p.protocol !== IPPROTO_UDP) return;
        const head = Buffer.alloc(6);
        head[0] = p.protocol;
        head[1] = p.tcpFlags;
        head.writeUInt32LE(p.payloadLength, 2);
        chunks.push(
          head,
          Buffer.from(p.buf.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength)),
        );
        const l4 = p.protocol === IPPROTO_TCP ? 'tcp' : 'udp';
        keys.push(flowKey(capture, l4, endpoint(p, true), endpoint(p, false)));
      });
    } catch (e) {
      if (!(e instanceof CaptureError)) throw e; // a damaged capture: the packets before the damage
    } finally {
      reader.close();
    }
  }
  const r = spawnSync(harness, [], { input: Buffer.concat(chunks), maxBuffer: 1 << 28 });
  if (r.status !== 0 || r.stdout.length !== keys.length)
    throw new Error(
      `ipp2p-harness failed (status ${r.status}, ${r.stdout.length}/${keys.length} verdicts)`,
    );
  const flows = new Map<string, Set<BuiltinScript>>();
  keys.forEach((k, i) => {
    const v = r.stdout[i];
    const net = v === 0 ? null : IPP2P_BITS[v - 1];
    if (!net) return;
    const set = flows.get(k) ?? new Set<BuiltinScript>();
    set.add(net);
    flows.set(k, set);
  });
  return flows;
}

/** rope's p2p scripts (default window) over the captures: the networks of each flow. */
function ropeFlows(files: string[]): Map<string, Set<string>> {
  const rules = NETWORKS.map((name) => ({ script: compileBuiltin(name) }));
  const flows = new Map<string, Set<string>>();
  for (const f of files) {
    const capture = f.slice(f.lastIndexOf('/') + 1);
    for (const x of classifyCapture(f, rules).flows)
      if (x.labels.length > 0) flows.set(flowKey(capture, x.l4, x.a, x.b), new Set(x.labels));
  }
  return flows;
}

/** l7-protocols' pattern file of each network (its protocol name is the network's), if any. */
const L7_PATTERNS = NETWORKS.filter((n) => n !== 'winmx').map((n) => `${n}.pat`);

/**
 * l7-filter's patterns of the networks, loaded by rope as `--script NAME.pat` loads them (kernel
 * semantics, window 10), over the captures: the networks of each flow. A string: why not run.
 */
function l7Flows(files: string[]): Map<string, Set<string>> | string {
  const dir = join(repoRoot, '..', 'shared', 'l7-protocols');
  if (!existsSync(dir)) return `the pattern files are not at ${dir}`;
  const rules = L7_PATTERNS.map((f) => {
    const r = compilePattern(readFileSync(join(dir, f), 'latin1'), f);
    if (!r.script)
      throw new Error(`${f} does not load: ${r.diagnostics.map((d) => d.render()).join('\n')}`);
    return { script: r.script };
  });
  const flows = new Map<string, Set<string>>();
  for (const f of files) {
    const capture = f.slice(f.lastIndexOf('/') + 1);
    for (const x of classifyCapture(f, rules).flows)
      if (x.labels.length > 0) flows.set(flowKey(capture, x.l4, x.a, x.b), new Set(x.labels));
  }
  return flows;
}

// `\t12\tTCP 192.168.1.3:52915 <-> 198.100.146.9:60163 [proto: 37/BitTorrent][…][Confidence: DPI]`
const NDPI_FLOW =
  /^\s*\d+\s+(TCP|UDP)\s+(\S+)\s+<?->\s+(\S+)\s.*?\[proto: [\d.]+\/([^\]]+)\].*?\[Confidence: ([^\]]+)\]/;

/** ndpiReader's protocol for each flow it names (by DPI or by port), as `master.app` names. */
function ndpiFlows(files: string[]): Map<string, string[]> {
  const flows = new Map<string, string[]>();
  for (const f of files) {
    const capture = f.slice(f.lastIndexOf('/') + 1);
    const r = spawnSync('ndpiReader', ['-i', f, '-v', '2'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    for (const line of (r.stdout ?? '').split('\n')) {
      const m = NDPI_FLOW.exec(line);
      if (!m || m[4] === 'Unknown') continue;
      const a = endpointVariants(m[2])[0] ?? m[2];
      const b = endpointVariants(m[3])[0] ?? m[3];
      flows.set(flowKey(capture, m[1].toLowerCase(), a, b), m[4].split('.'));
    }
  }
  return flows;
}

export const bench: BenchModule = {
  name: 'networks',
  async run(ctx: BenchContext) {
    const title = 'File-sharing networks (rope --script p2p vs IPP2P vs ndpiReader)';
    if (!ctx.corpusDir) return { title, markdown: '_Skipped: ../shared/corpus not found._' };
    const loadAverage = loadavg()[0];
    const corpus = corpusCaptures(ctx.corpusDir, ctx.quick).files;
    const lab = labCaptures();
    const files = [...corpus, ...lab.files];
    // without IPP2P's matcher (xtables-addons-source missing) the other tools still compare:
    // only IPP2P's columns stay empty
    const harness = buildIpp2p(ctx.tmpDir);
    const ipp2pWhy = typeof harness === 'string' ? null : harness.why;
    if (ipp2pWhy !== null) ctx.log(`IPP2P not built: ${ipp2pWhy}`);
    else ctx.log(`IPP2P harness built; ${files.length} captures`);
    const ipp2p =
      typeof harness === 'string'
        ? ipp2pFlows(harness, files)
        : new Map<string, Set<BuiltinScript>>();
    const noIpp2p = (v: number): number | string => (ipp2pWhy === null ? v : 'not built');
    const rope = ropeFlows(files);
    const l7 = l7Flows(files);
    if (typeof l7 === 'string') ctx.log(`l7-filter patterns not run: ${l7}`);
    const haveNdpi = onPath('ndpiReader');
    const ndpi = haveNdpi ? ndpiFlows(files) : new Map<string, string[]>();

    // truth.tsv's verdicts for BitTorrent and Gnutella, by flow
    const truth = new Map<string, { bittorrent: string; gnutella: string }>();
    for (const row of readTruth(ctx.corpusDir))
      for (const k of truthKeys(row)) truth.set(k, row.classes);
    /** The flow is another protocol: truth.tsv says no, or nDPI names another protocol. */
    const otherwise = (key: string, net: BuiltinScript) => {
      const labNet = lab.network.get(key.slice(0, key.indexOf(' ')));
      if (labNet !== undefined) return labNet !== net;
      const t = truth.get(key);
      if (t && (net === 'bittorrent' || net === 'gnutella')) return t[net] === 'no';
      const names = ndpi.get(key);
      return names !== undefined && !names.includes(NDPI_NAMES[net] ?? '\0');
    };
    const flowsOf = (m: Map<string, Set<string>>, net: BuiltinScript) =>
      [...m].filter(([, s]) => s.has(net)).map(([k]) => k);
    const rows: (string | number)[][] = [];
    const missed: string[] = [];
    const ropeWrong: string[] = [];
    const ipp2pWrong: string[] = [];
    const l7Wrong: string[] = [];
    for (const net of NETWORKS) {
      const ours = flowsOf(rope, net);
      const theirs = flowsOf(ipp2p, net);
      const ndpiName = NDPI_NAMES[net];
      const ndpiCount = ndpiName
        ? [...ndpi.values()].filter((n) => n.includes(ndpiName)).length
        : null;
      const oursWrong = ours.filter((k) => otherwise(k, net));
      const l7s = typeof l7 === 'string' ? null : flowsOf(l7, net);
      l7Wrong.push(
        ...(l7s ?? [])
          .filter((k) => otherwise(k, net))
          .map((k) => `${net}: ${k} (nDPI: ${ndpi.get(k)?.join('.') ?? '?'})`),
      );
      const theirsRight = theirs.filter((k) => !otherwise(k, net));
      const notOurs = theirsRight.filter((k) => !rope.get(k)?.has(net));
      ipp2pWrong.push(
        ...theirs
          .filter((k) => otherwise(k, net))
          .map((k) => `${net}: ${k} (nDPI: ${ndpi.get(k)?.join('.') ?? '?'})`),
      );
      missed.push(...notOurs.map((k) => `${net}: ${k}`));
      ropeWrong.push(
        ...oursWrong.map((k) => `${net}: ${k} (nDPI: ${ndpi.get(k)?.join('.') ?? '?'})`),
      );
      rows.push([
        net,
        ours.length,
        haveNdpi ? oursWrong.length : '—',
        noIpp2p(theirs.length),
        ipp2pWhy !== null ? 'not built' : haveNdpi ? theirs.length - theirsRight.length : '—',
        noIpp2p(notOurs.length),
        l7s === null || !L7_PATTERNS.includes(`${net}.pat`) ? 'no pattern' : l7s.length,
        l7s === null || !haveNdpi || !L7_PATTERNS.includes(`${net}.pat`)
          ? '—'
          : l7s.filter((k) => otherwise(k, net)).length,
        !haveNdpi ? '—' : ndpiCount === null ? 'no such protocol' : ndpiCount,
      ]);
    }
    const markdown = [
      `${machineLine()} (load average ${loadAverage.toFixed(1)} when the section started; the counts do not depend on it). All ${corpus.length} captures of the corpus${lab.files.length > 0 ? ` and ${lab.files.length} of the lab tests with real clients (${lab.network.size > 0 ? [...lab.network.keys()].join(', ') : ''}; every flow of one is its network)` : ''}. rope: \`--script p2p\` (${NETWORKS.join(', ')}), default window (10 payload packets per direction). ` +
        'IPP2P: the matcher functions of xtables-addons’ `xt_ipp2p.c` (Debian’s xtables-addons-source, compiled at bench time into `tools/bench/ipp2p-harness.c`) with the options of `--ipp2p` (`--edk --dc --kazaa --gnu --bit --apple --winmx --soul --ares`), run as the kernel module runs them on every TCP/UDP packet with payload (TCP with FIN, SYN or RST skipped); a flow takes a network when one of its packets matches. ' +
        `l7-filter: the l7-protocols pattern file of the network (${L7_PATTERNS.join(', ')}; there is none for WinMX), loaded by rope's loader as \`--script NAME.pat\` loads it, with l7-filter's kernel semantics (the data of a connection's first 10 packets, both directions, NUL bytes removed, case ignored, at most 2,047 bytes). ` +
        'ndpiReader 4.2: its flow list (`-v 2`). “Another protocol”: for BitTorrent and Gnutella the flows truth.tsv says are not (it corrects nDPI, which guesses 3 of the corpus’ Gnutella ping flows as Tor or CiscoVPN by address and port), for the other networks the flows ndpiReader names — by DPI, or by port where its DPI found nothing — as a protocol other than the network.',
      '',
      table(
        [
          'Network',
          'rope flows',
          'rope: another protocol',
          'IPP2P flows',
          'IPP2P: another protocol',
          'IPP2P flows rope does not find (excluding those)',
          'l7-filter flows',
          'l7-filter: another protocol',
          'ndpiReader flows',
        ],
        rows,
      ),
      '',
      ipp2pWhy !== null
        ? `IPP2P's matcher could not be built: ${ipp2pWhy}. Its columns read “not built”; \`.ci/run\` installs the package that holds it.`
        : missed.length === 0
          ? 'rope finds every flow IPP2P finds that is not another protocol.'
          : `Flows IPP2P finds and rope does not:\n\n${missed.map((m) => `- ${m}`).join('\n')}`,
      '',
      ...(ipp2pWhy !== null
        ? []
        : [
            ipp2pWrong.length === 0
              ? 'IPP2P labels no flow of another protocol.'
              : `Flows of another protocol IPP2P labels:\n\n${ipp2pWrong.map((m) => `- ${m}`).join('\n')}`,
            '',
          ]),
      typeof l7 === 'string'
        ? `l7-filter's patterns were not run: ${l7}.`
        : l7Wrong.length === 0
          ? 'l7-filter labels no flow of another protocol.'
          : `Flows of another protocol l7-filter's patterns label:\n\n${l7Wrong.map((m) => `- ${m}`).join('\n')}`,
      '',
      ropeWrong.length === 0
        ? 'No flow rope labels is another protocol.'
        : `Flows rope labels that are another protocol:\n\n${ropeWrong.map((m) => `- ${m}`).join('\n')}`,
    ].join('\n');
    ctx.log('networks done');
    return { title, markdown };
  },
};
