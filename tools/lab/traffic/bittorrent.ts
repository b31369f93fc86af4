// A small BitTorrent swarm across the router: opentracker and seeders on the server side, leechers
// on the LAN, a generated file of a few MB, real clients (aria2c, transmission-cli).
//
// What each piece does here (found by trying, Debian 12 packages):
// - opentracker is built IPv4-only and with a whitelist: it serves only info hashes listed in its
//   access list, a path read after it chroots into its directory. So the tracker is IPv4.
// - aria2c: TCP peer wire and DHT (BEP 5), magnet links with metadata exchange (BEP 9); no uTP.
// - transmission-cli: TCP and uTP (BEP 29; it tries uTP first for outgoing peers), DHT
//   bootstrapped from a `dht.bootstrap` file in its config directory (the built-in bootstrap
//   host cannot resolve here), settings from `settings.json` there.
// - a transmission-cli leecher with uTP on made no peer connection at all when the swarm also had
//   an aria2c seeder (seen repeatedly, cause unknown); with a transmission seeder only it gets the
//   file over uTP (IPv4 and, learnt by PEX, IPv6), hence the default swarm below. Transmission's
//   seeder unchokes new peers at its 10 s rechoke, so a download takes ~10–15 s whatever its size.
// - discovery 'dht' (no tracker): leechers get a magnet link and one DHT entry point, a seeder's
//   DHT port. aria2c finds the seeders that announced themselves into the lab's DHT (seeders use
//   a transmission seeder's DHT node as their entry point, which stores their announces).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostPort, type Family } from '../addresses.js';
import type { LabHost } from '../host.js';
import { stopProcess } from '../netns.js';
import { LabProcessError, onLines } from '../processes.js';
import type { TrafficLab } from './traffic-lab.js';
import { infoHash } from './bencode.js';
import { sha256OfRange, writeRandomFile } from './http.js';

export type BtClient = 'aria2c' | 'transmission';

export interface BtPeerSpec {
  client: BtClient;
  /** Default: the first server for seeders; c1 (then c2, …) for leechers. */
  host?: LabHost;
}

export interface BittorrentOptions {
  /** Size of the shared file in bytes (default 4 MiB). */
  size?: number;
  /** Default: one transmission seeder on the first server. */
  seeders?: BtPeerSpec[];
  /** Default: aria2c on c1 and transmission on c2 (or c1 when the lab has one client). */
  leechers?: BtPeerSpec[];
  /** 'tracker' (default): a .torrent announcing to opentracker; 'dht': a magnet link and DHT only. */
  discovery?: 'tracker' | 'dht';
  /** DHT in every client (default true; required for discovery 'dht'). */
  dht?: boolean;
  /** uTP in transmission (default true). aria2c has none. */
  utp?: boolean;
  /** Host of the tracker (default the first server). */
  trackerHost?: LabHost;
  /** Only 4: Debian's opentracker is IPv4-only. */
  family?: Family;
  /** How long seeders and the tracker may take to come up (default 30 s). */
  timeoutMs?: number;
}

export interface BtPeer {
  client: BtClient;
  host: LabHost;
  /** Peer-wire port (TCP; for transmission also uTP and DHT over UDP). */
  port: number;
  /** DHT port (UDP). */
  dhtPort: number;
  dir: string;
  process: ChildProcess | null;
}

export interface BtDownloadResult {
  client: BtClient;
  host: LabHost;
  complete: boolean;
  /** SHA-256 of what the leecher wrote, and whether it equals the original's. */
  sha256: string | null;
  checksumOk: boolean;
  ms: number;
  error?: string;
}

const TRACKER_PORT = 6969;

interface Prepared {
  dir: string;
  dataName: string;
  dataPath: string;
  sha256: string;
  size: number;
  torrentPath: string;
  infoHash: string;
  announceUrl: string | null;
  magnet: string;
}

function transmissionSettings(opts: { dht: boolean; utp: boolean }): string {
  return (
    JSON.stringify(
      {
        'dht-enabled': opts.dht,
        'utp-enabled': opts.utp,
        'lpd-enabled': false,
        'pex-enabled': true,
        'port-forwarding-enabled': false,
        'rpc-enabled': false,
        'blocklist-enabled': false,
        'ratio-limit-enabled': false,
        'speed-limit-down-enabled': false,
        'speed-limit-up-enabled': false,
        'peer-limit-per-torrent': 100,
        'message-level': 2,
      },
      null,
      2,
    ) + '\n'
  );
}

export class BittorrentSwarm {
  readonly seeders: BtPeer[] = [];
  readonly leechers: BtPeer[] = [];
  tracker: ChildProcess | null = null;
  private stopped = false;

  /** @internal */
  constructor(
    private readonly lab: TrafficLab,
    private readonly p: Prepared,
    readonly options: Required<Omit<BittorrentOptions, 'seeders' | 'leechers' | 'trackerHost'>> & {
      trackerHost: LabHost;
    },
    private readonly leecherSpecs: BtPeerSpec[],
  ) {}

  get announceUrl(): string | null {
    return this.p.announceUrl;
  }
  get magnet(): string {
    return this.p.magnet;
  }
  get infoHash(): string {
    return this.p.infoHash;
  }
  get torrentFile(): string {
    return this.p.torrentPath;
  }
  /** The shared file: its size and SHA-256. */
  get file(): { name: string; size: number; sha256: string } {
    return { name: this.p.dataName, size: this.p.size, sha256: this.p.sha256 };
  }

  /** Every peer port in use (TCP and UDP), e.g. for firewall rules that single out BitTorrent. */
  get ports(): number[] {
    return [...new Set([...this.seeders, ...this.leechers].flatMap((x) => [x.port, x.dhtPort]))];
  }

  private dhtEntry(): BtPeer | null {
    return this.seeders.find((s) => s.client === 'transmission') ?? this.seeders[0] ?? null;
  }

  /** @internal */
  startPeer(
    spec: BtPeerSpec & { host: LabHost },
    role: 'seeder' | 'leecher',
    index: number,
  ): BtPeer {
    const { client, host } = spec;
    const port = this.lab.nextPort();
    const dhtPort = client === 'transmission' ? port : this.lab.nextPort();
    const dir = join(this.p.dir, `${role}${index}-${client}-${host.name}`);
    mkdirSync(dir, { recursive: true });
    const peer: BtPeer = { client, host, port, dhtPort, dir, process: null };
    const seeding = role === 'seeder';
    const dataDir = seeding ? join(this.p.dir, 'data') : join(dir, 'download');
    mkdirSync(dataDir, { recursive: true });
    const entry = this.dhtEntry();
    const useMagnet = !seeding && this.options.discovery === 'dht';
    const source = useMagnet ? this.p.magnet : this.p.torrentPath;
    let argv: string[];
    if (client === 'aria2c') {
      argv = [
        'aria2c',
        `--dir=${dataDir}`,
        `--listen-port=${port}`,
        `--enable-dht=${this.options.dht}`,
        `--dht-listen-port=${dhtPort}`,
        `--dht-file-path=${join(dir, 'dht.dat')}`,
        '--enable-dht6=false',
        '--bt-enable-lpd=false',
        '--enable-peer-exchange=true',
        '--file-allocation=none',
        '--summary-interval=0',
        '--console-log-level=notice',
        `--log=${join(dir, 'aria2c.log')}`,
        '--log-level=info',
        '--bt-tracker-connect-timeout=5',
        '--bt-tracker-timeout=5',
        '--auto-save-interval=0',
      ];
      if (entry && this.options.dht && entry !== peer)
        argv.push(`--dht-entry-point=${hostPort(entry.host.ipv4, entry.dhtPort)}`);
      if (seeding)
        argv.push('--seed-ratio=0.0', '--bt-seed-unverified=true', '--check-integrity=false');
      else argv.push('--seed-time=0');
      argv.push(source);
    } else {
      const config = join(dir, 'config');
      mkdirSync(config, { recursive: true });
      writeFileSync(
        join(config, 'settings.json'),
        transmissionSettings({ dht: this.options.dht, utp: this.options.utp }),
      );
      const bootstrap = this.seeders
        .filter((s) => s !== peer)
        .map((s) => `${s.host.ipv4} ${s.dhtPort}`);
      if (bootstrap.length > 0)
        writeFileSync(join(config, 'dht.bootstrap'), bootstrap.join('\n') + '\n');
      // stdbuf: its progress line (which says "Seeding" once complete) would otherwise sit in a
      // pipe buffer for many seconds.
      argv = [
        'stdbuf',
        '-o0',
        'transmission-cli',
        '-M',
        '-D',
        '-U',
        '-g',
        config,
        '-w',
        dataDir,
        '-p',
        String(port),
      ];
      if (seeding) argv.push('-v');
      argv.push(source);
    }
    peer.process = spawnLogged(host, argv, join(dir, 'output.log'));
    (seeding ? this.seeders : this.leechers).push(peer);
    return peer;
  }

  /**
   * Starts the leechers, waits until each has the whole file (or `timeoutMs` passes, default 60 s)
   * and checks what it wrote. Leechers are stopped afterwards; seeders keep running for another round.
   */
  async download(opts: { timeoutMs?: number } = {}): Promise<BtDownloadResult[]> {
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const round = this.leechers.length;
    const started = this.leecherSpecs.map((spec, i) =>
      this.startPeer(
        { ...spec, host: spec.host ?? this.lab.clients[i % this.lab.clients.length] },
        'leecher',
        round + i,
      ),
    );
    return Promise.all(started.map((peer) => this.awaitLeecher(peer, timeoutMs)));
  }

  private async awaitLeecher(peer: BtPeer, timeoutMs: number): Promise<BtDownloadResult> {
    const t0 = performance.now();
    const child = peer.process!;
    const out = join(peer.dir, 'download', this.p.dataName);
    const done = new Promise<string | null>((resolve) => {
      if (peer.client === 'aria2c') {
        child.once('exit', (code, signal) =>
          resolve(code === 0 ? null : `aria2c exited with ${signal ?? code}`),
        );
      } else {
        // transmission-cli keeps seeding after completion; its progress line says so.
        onLines(child.stdout!, (line) => {
          if (line.includes('Seeding')) resolve(null);
        });
        child.once('exit', (code, signal) =>
          resolve(`transmission-cli exited with ${signal ?? code}`),
        );
      }
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>(
      (resolve) =>
        (timer = setTimeout(() => resolve(`not complete after ${timeoutMs} ms`), timeoutMs)),
    );
    const error = await Promise.race([done, timeout]);
    clearTimeout(timer);
    const ms = performance.now() - t0;
    await stopProcess(child, 1000);
    const sha256 = existsSync(out) ? await sha256OfRange(out, 0, Infinity) : null;
    const checksumOk = sha256 === this.p.sha256;
    return {
      client: peer.client,
      host: peer.host,
      complete: error === null && checksumOk,
      sha256,
      checksumOk,
      ms,
      error: error ?? (checksumOk ? undefined : `checksum mismatch (${sha256 ?? 'no file'})`),
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const all = [...this.seeders, ...this.leechers]
      .map((p) => p.process)
      .filter((c): c is ChildProcess => c !== null);
    if (this.tracker) all.push(this.tracker);
    await Promise.all(all.map((c) => stopProcess(c, 1000)));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** Starts a program whose stdout+stderr also go to a log file (for post-mortems). */
function spawnLogged(host: LabHost, argv: string[], logFile: string): ChildProcess {
  const child = host.spawn(argv);
  const chunks: string[] = [];
  const flush = () => writeFileSync(logFile, chunks.join(''));
  child.stdout?.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.once('exit', flush);
  return child;
}

async function waitListening(
  host: LabHost,
  proto: 'tcp' | 'udp',
  port: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await host.exec(['ss', '-Hln', proto === 'tcp' ? '-t' : '-u', `sport = :${port}`], {
      allowFail: true,
    });
    if (r.stdout.trim()) return;
    if (Date.now() > deadline)
      throw new LabProcessError(
        `${what}: nothing listening on ${proto} port ${port} after ${timeoutMs} ms`,
      );
    await sleep(50);
  }
}

/**
 * opentracker loads its whitelist in a worker thread after it starts listening; an announce that
 * comes earlier is refused ("not authorized") and the client waits a long interval before trying
 * again. So probe with an announce that adds no peer (event=stopped) until it is accepted.
 */
async function waitWhitelisted(host: LabHost, hash: string, timeoutMs: number): Promise<void> {
  const escaped = hash.replace(/../g, '%$&');
  const url =
    `http://${hostPort(host.ipv4, TRACKER_PORT)}/announce?info_hash=${escaped}&peer_id=-LABPROBE-0000000000` +
    '&port=9&uploaded=0&downloaded=0&left=0&compact=1&event=stopped';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await host.exec(
      ['curl', '-sS', '--noproxy', '*', '--max-time', '2', '-o', '-', url],
      { allowFail: true },
    );
    if (r.code === 0 && r.stdout.startsWith('d') && !r.stdout.includes('failure reason')) return;
    if (Date.now() > deadline)
      throw new LabProcessError(
        `opentracker on ${host.name} does not accept the torrent after ${timeoutMs} ms: ${r.stdout || r.stderr}`,
      );
    await sleep(50);
  }
}

/** Waits until each aria2c seeder has had an announce_peer accepted by a DHT node (its log says so). */
async function waitAnnounced(seeders: BtPeer[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const s of seeders) {
    const log = join(s.dir, 'aria2c.log');
    while (!(existsSync(log) && readFileSync(log, 'utf8').includes('dht response announce_peer'))) {
      if (Date.now() > deadline)
        throw new LabProcessError(
          `bittorrent: aria2c seeder on ${s.host.name} did not announce itself in the DHT within ${timeoutMs} ms; see ${log}`,
        );
      await sleep(100);
    }
  }
}

/** Peers the tracker lists for the torrent (its scrape): complete ones are seeders. */
async function scrape(
  host: LabHost,
  trackerAddress: string,
  hash: string,
): Promise<{ complete: number; incomplete: number }> {
  const escaped = hash.replace(/../g, '%$&');
  const r = await host.exec(
    [
      'curl',
      '-sS',
      '--noproxy',
      '*',
      '--max-time',
      '2',
      '-o',
      '-',
      `http://${hostPort(trackerAddress, TRACKER_PORT)}/scrape?info_hash=${escaped}`,
    ],
    {
      allowFail: true,
    },
  );
  // The reply's dictionary key is the raw 20-byte hash, which does not survive text decoding; the
  // counters after it do.
  const complete = /8:completei(\d+)e/.exec(r.stdout);
  const incomplete = /10:incompletei(\d+)e/.exec(r.stdout);
  return {
    complete: complete ? Number(complete[1]) : 0,
    incomplete: incomplete ? Number(incomplete[1]) : 0,
  };
}

export async function startBittorrent(
  lab: TrafficLab,
  o: BittorrentOptions,
): Promise<BittorrentSwarm> {
  const family = o.family ?? 4;
  if (family !== 4)
    throw new RangeError("bittorrent: only IPv4 — Debian's opentracker is built IPv4-only");
  const discovery = o.discovery ?? 'tracker';
  const dht = o.dht ?? true;
  if (discovery === 'dht' && !dht)
    throw new RangeError("bittorrent: discovery 'dht' needs dht enabled");
  const size = o.size ?? 4 * 1024 * 1024;
  const trackerHost = o.trackerHost ?? lab.server;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const seederSpecs = o.seeders ?? [{ client: 'transmission' }];
  const leecherSpecs = o.leechers ?? [
    { client: 'aria2c', host: lab.clients[0] },
    { client: 'transmission', host: lab.clients[1] ?? lab.clients[0] },
  ];
  if (seederSpecs.length === 0) throw new RangeError('bittorrent: at least one seeder is needed');

  const dir = join(lab.workDir, `bittorrent-${lab.nextPort()}`);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const dataName = 'lab-file.bin';
  const dataPath = join(dataDir, dataName);
  const sha256 = writeRandomFile(dataPath, size);
  const announceUrl =
    discovery === 'tracker' ? `http://${hostPort(trackerHost.ipv4, TRACKER_PORT)}/announce` : null;
  const torrentPath = join(dir, 'lab-file.torrent');
  // mktorrent insists on an announce URL; a trackerless swarm uses the magnet link instead.
  await trackerHost.exec([
    'mktorrent',
    '-t',
    '1',
    '-a',
    announceUrl ?? 'http://invalid./announce',
    '-o',
    torrentPath,
    dataPath,
  ]);
  const hash = infoHash(readFileSync(torrentPath));
  const prepared: Prepared = {
    dir,
    dataName,
    dataPath,
    sha256,
    size,
    torrentPath,
    infoHash: hash,
    announceUrl,
    magnet: `magnet:?xt=urn:btih:${hash}&dn=${dataName}`,
  };
  const swarm = new BittorrentSwarm(
    lab,
    prepared,
    { size, discovery, dht, utp: o.utp ?? true, trackerHost, family, timeoutMs },
    leecherSpecs,
  );
  try {
    if (discovery === 'tracker') {
      writeFileSync(join(dir, 'whitelist'), hash + '\n');
      // opentracker chroots into -d and drops to `nobody`; the whitelist path is inside the chroot.
      swarm.tracker = spawnLogged(
        trackerHost,
        [
          'opentracker',
          '-i',
          trackerHost.ipv4,
          '-p',
          String(TRACKER_PORT),
          '-P',
          String(TRACKER_PORT),
          '-d',
          dir,
          '-w',
          '/whitelist',
        ],
        join(dir, 'tracker.log'),
      );
      await waitListening(
        trackerHost,
        'tcp',
        TRACKER_PORT,
        timeoutMs,
        `opentracker on ${trackerHost.name}`,
      );
      await waitWhitelisted(trackerHost, hash, timeoutMs);
    }
    // A transmission seeder first: the others use its DHT node as their entry point.
    const ordered = [...seederSpecs].sort(
      (a, b) => (a.client === 'transmission' ? -1 : 0) - (b.client === 'transmission' ? -1 : 0),
    );
    for (const [i, spec] of ordered.entries()) {
      const peer = swarm.startPeer({ ...spec, host: spec.host ?? lab.server }, 'seeder', i);
      await waitListening(
        peer.host,
        'tcp',
        peer.port,
        timeoutMs,
        `${peer.client} seeder on ${peer.host.name}`,
      );
    }
    if (discovery === 'dht') {
      // aria2c's first DHT lookup comes ~6 s after it starts: a leecher started before the
      // seeders have announced themselves would only find them on its second one.
      await waitAnnounced(
        swarm.seeders.filter((s) => s.client === 'aria2c' && s !== swarm.seeders[0]),
        timeoutMs,
      );
    }
    if (discovery === 'tracker') {
      // Leechers learn peers from their first announce: let every seeder register first.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const listed = await scrape(trackerHost, trackerHost.ipv4, hash);
        if (listed.complete >= swarm.seeders.length) break;
        if (Date.now() > deadline) {
          throw new LabProcessError(
            `bittorrent: after ${timeoutMs} ms the tracker lists ${listed.complete} complete and ${listed.incomplete} incomplete peers, ` +
              `not all ${swarm.seeders.length} seeders; their logs are in ${dir}`,
          );
        }
        for (const s of swarm.seeders) {
          if (s.process && s.process.exitCode !== null)
            throw new LabProcessError(
              `bittorrent: ${s.client} seeder exited (${s.process.exitCode}); see ${s.dir}/output.log`,
            );
        }
        await sleep(100);
      }
    }
  } catch (e) {
    await swarm.stop();
    throw e;
  }
  return swarm;
}
