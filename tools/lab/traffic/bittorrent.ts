// A small BitTorrent swarm across the router: opentracker and seeders on the server side, leechers
// on the LAN, a generated file of a few MB, real clients (aria2c, transmission-cli). This file
// prepares the torrent and drives the swarm; each client's command line and completion signal are
// in bittorrent-peer.ts, the tracker and its readiness waits in bittorrent-tracker.ts.
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
// - transmission tries a peer over uTP once; after one failed uTP handshake it retries over TCP
//   and, if that fails too, leaves the peer alone for 15 minutes (docs/lab.md).
// - discovery 'dht' (no tracker): leechers get a magnet link and one DHT entry point, a seeder's
//   DHT port. aria2c finds the seeders that announced themselves into the lab's DHT (seeders use
//   a transmission seeder's DHT node as their entry point, which stores their announces).
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Family } from '../addresses.js';
import type { LabHost } from '../host.js';
import { stopProcess } from '../netns.js';
import { infoHash } from './bencode.js';
import {
  BT_CLIENTS,
  logTail,
  waitAnnounced,
  type BtClient,
  type BtPeer,
  type BtPeerSpec,
} from './bittorrent-peer.js';
import {
  announceUrl as trackerAnnounceUrl,
  spawnTracker,
  waitSeedersListed,
  waitTrackerReady,
} from './bittorrent-tracker.js';
import { sha256OfRange, writeRandomFile } from './http.js';
import type { TrafficLab } from './traffic-lab.js';

export type { BtClient, BtPeer, BtPeerSpec } from './bittorrent-peer.js';

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
  /**
   * Peer encryption (MSE/PE) required by every client (default false: each client's default,
   * which offers it): transmission-cli `-er`, aria2c `--bt-require-crypto` with RC4.
   */
  encryption?: boolean;
  /** Host of the tracker (default the first server). */
  trackerHost?: LabHost;
  /** Only 4: Debian's opentracker is IPv4-only. */
  family?: Family;
  /** How long seeders and the tracker may take to come up (default 30 s). */
  timeoutMs?: number;
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
    const recipe = BT_CLIENTS[client];
    const port = this.lab.nextPort();
    const dhtPort = recipe.dhtOnPeerPort ? port : this.lab.nextPort();
    const dir = join(this.p.dir, `${role}${index}-${client}-${host.name}`);
    mkdirSync(dir, { recursive: true });
    const peer: BtPeer = { client, host, port, dhtPort, dir, process: null };
    const seeding = role === 'seeder';
    const dataDir = seeding ? join(this.p.dir, 'data') : join(dir, 'download');
    mkdirSync(dataDir, { recursive: true });
    const useMagnet = !seeding && this.options.discovery === 'dht';
    const argv = recipe.command({
      peer,
      seeding,
      dataDir,
      source: useMagnet ? this.p.magnet : this.p.torrentPath,
      dht: this.options.dht,
      utp: this.options.utp,
      encryption: this.options.encryption,
      dhtEntry: this.dhtEntry(),
      seeders: this.seeders,
    });
    peer.process = host.spawnLogged(argv, join(dir, 'output.log'));
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
    const done = BT_CLIENTS[peer.client].finished(child);
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
      // the client's last words (transmission's progress line counts the peers it reached) say
      // whether it never found the seeders, never connected, or stalled mid-way
      error:
        error !== null
          ? `${error}; its output ended: ${logTail(join(peer.dir, 'output.log'), 2)}`
          : checksumOk
            ? undefined
            : `checksum mismatch (${sha256 ?? 'no file'})`,
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
  const announceUrl = discovery === 'tracker' ? trackerAnnounceUrl(trackerHost) : null;
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
    {
      size,
      discovery,
      dht,
      utp: o.utp ?? true,
      encryption: o.encryption ?? false,
      trackerHost,
      family,
      timeoutMs,
    },
    leecherSpecs,
  );
  try {
    if (discovery === 'tracker') {
      swarm.tracker = spawnTracker(trackerHost, dir, hash);
      await waitTrackerReady(trackerHost, hash, timeoutMs);
    }
    // A transmission seeder first: the others use its DHT node as their entry point.
    const ordered = [...seederSpecs].sort(
      (a, b) => (a.client === 'transmission' ? -1 : 0) - (b.client === 'transmission' ? -1 : 0),
    );
    for (const [i, spec] of ordered.entries()) {
      const peer = swarm.startPeer({ ...spec, host: spec.host ?? lab.server }, 'seeder', i);
      await peer.host.waitListening(
        'tcp',
        peer.port,
        timeoutMs,
        `${peer.client} seeder on ${peer.host.name}`,
      );
    }
    if (discovery === 'dht') {
      // aria2c's first DHT lookup comes ~6 s after it starts: a leecher started before the
      // seeders have announced themselves would only find them on its second one. The announce
      // follows aria2c's own DHT schedule, which a loaded machine stretches: wait at least 90 s.
      await waitAnnounced(
        swarm.seeders.filter((s) => s.client === 'aria2c' && s !== swarm.seeders[0]),
        Math.max(timeoutMs, 90_000),
      );
    }
    if (discovery === 'tracker')
      await waitSeedersListed(trackerHost, hash, swarm.seeders, timeoutMs, dir);
  } catch (e) {
    await swarm.stop();
    throw e;
  }
  return swarm;
}
