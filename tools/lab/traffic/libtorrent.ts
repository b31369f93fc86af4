// A BitTorrent swarm of libtorrent peers (python3-libtorrent, driven by libtorrent-peer.py) with
// peer encryption forced, for the lab tests of hidden BitTorrent: a seeder on the server side,
// leechers on the LAN (libtorrent, or aria2c requiring encryption), found through opentracker or
// through a DHT bootstrapped at a lab node of its own. Besides driving the swarm it says which
// endpoints belong to it (`endpoints`), so a test can tell BitTorrent flows from the rest of a
// capture by what it launched, not by what a classifier thinks.
//
// Found by trying (Debian 12: libtorrent-rasterbar 2.0.8, aria2 1.36, opentracker):
// - libtorrent 2.0 makes hybrid v1+v2 torrents by default; a peer of a hybrid torrent announces
//   under both hashes (the v2 hash cut to 20 bytes), so opentracker's whitelist holds both.
// - one UDP socket per libtorrent peer, on its listen port, carries uTP and DHT alike.
// - a DHT-only swarm: libtorrent looks peers up when the torrent is added and then every
//   `dht_announce_interval`; the driver asks again every 3 s until it has a peer, and the swarm
//   starts leechers only after the bootstrap node has stored the seeder's announce.
// - a seeder announces to the tracker only once it has checked its files: leechers start after
//   the tracker lists it as complete, or one that announced first would meet it only when the
//   seeder connects out (and its flows would not end at the seeder's listening port).
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostPort } from '../addresses.js';
import { repoRoot, type LabHost } from '../host.js';
import { stopProcess } from '../netns.js';
import { LabProcessError, onJsonLines, tail } from '../processes.js';
import {
  announceUrl,
  spawnTracker,
  TRACKER_PORT,
  waitCompleteListed,
  waitTrackerReady,
} from './bittorrent-tracker.js';
import { writeRandomFile } from './http.js';
import type { TrafficLab } from './traffic-lab.js';

export const LIBTORRENT_DRIVER = join(repoRoot, 'tools', 'lab', 'traffic', 'libtorrent-peer.py');
/** Debian's interpreter: python3-libtorrent is installed for it, not for a python on PATH. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface LibtorrentLeecher {
  host: LabHost;
  /** 'aria2c' runs with --bt-require-crypto=true --bt-min-crypto-level=arc4 (TCP, tracker). */
  client?: 'libtorrent' | 'aria2c';
}

export interface LibtorrentSwarmOptions {
  seeder: LabHost;
  leechers: LibtorrentLeecher[];
  /**
   * 'tracker': opentracker on the seeder's host; 'dht': no tracker, a DHT bootstrap node; 'both':
   * the two, as a client with a tracker's torrent and DHT on finds its peers.
   */
  discovery: 'tracker' | 'dht' | 'both';
  /** Where the DHT bootstrap node runs (discovery 'dht', 'both'); default the seeder's host. */
  dhtHost?: LabHost;
  /**
   * Peer-wire transports of the libtorrent peers. 'mixed': every peer accepts both on one port,
   * as a client does; the first leecher connects out over uTP only, the second over TCP only (and
   * so on alternately), so both kinds of flow meet the same endpoints.
   */
  transport: 'tcp' | 'utp' | 'mixed';
  /** A hybrid v1+v2 torrent (libtorrent's default) rather than v1 only. Default false. */
  hybrid?: boolean;
  /** Size of the shared file (default 3 MiB). */
  size?: number;
  /** The seeder's upload limit in bytes/s (default none): keeps flows running for a while. */
  uploadLimit?: number;
  /** How long the tracker, peers and DHT may take to come up (default 60 s). */
  timeoutMs?: number;
}

/** An endpoint a swarm process listens on; any flow to or from it is the swarm's. */
export interface SwarmEndpoint {
  l4: 'tcp' | 'udp';
  address: string;
  port: number;
  /** 'seeder libtorrent s1', 'tracker', 'dht bootstrap', … */
  role: string;
}

interface Peer {
  role: string;
  host: LabHost;
  port: number;
  child: ChildProcess;
  client: 'libtorrent' | 'aria2c' | 'tracker';
  status: { progress: number; finished: boolean; exited: boolean; announces: number };
  stderr: () => string;
  log: string;
}

export class LibtorrentSwarm {
  readonly peers: Peer[] = [];
  readonly endpoints: SwarmEndpoint[] = [];
  private stopped = false;

  /** @internal */
  constructor(
    readonly dir: string,
    readonly infoHashes: string[],
    readonly torrentFile: string,
  ) {}

  /** Leechers (libtorrent and aria2c). */
  get leechers(): Peer[] {
    return this.peers.filter((p) => p.role.startsWith('leecher'));
  }

  /** Resolves once every leecher has the whole file; throws after `timeoutMs` or if one exits. */
  async waitComplete(timeoutMs: number): Promise<void> {
    await this.poll(timeoutMs, 'have the whole file', () =>
      this.leechers.every((p) => p.status.finished),
    );
  }

  /** Resolves once every leecher has at least `fraction` of the file. */
  async waitProgress(fraction: number, timeoutMs: number): Promise<void> {
    await this.poll(timeoutMs, `have ${fraction * 100} % of the file`, () =>
      this.leechers.every((p) => p.status.finished || p.status.progress >= fraction),
    );
  }

  private async poll(timeoutMs: number, what: string, ok: () => boolean): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      const dead = this.peers.find(
        (p) => p.status.exited && !(p.client === 'aria2c' && p.status.finished),
      );
      if (dead)
        throw new LabProcessError(
          `libtorrent swarm: ${dead.role} on ${dead.host.name} exited before the leechers ${what}: ${dead.stderr() || 'no output'} (log ${dead.log})`,
        );
      if (Date.now() > deadline)
        throw new LabProcessError(
          `libtorrent swarm: leechers do not ${what} after ${timeoutMs} ms: ` +
            this.leechers
              .map((p) => `${p.role} ${Math.round(p.status.progress * 100)} %`)
              .join(', ') +
            ` (logs in ${this.dir})`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** @internal */
  add(peer: Peer): Peer {
    this.peers.push(peer);
    return peer;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.peers.map((p) => stopProcess(p.child, 2000)));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

function newPeer(
  host: LabHost,
  role: string,
  port: number,
  client: Peer['client'],
  child: ChildProcess,
  log: string,
): Peer {
  const peer: Peer = {
    role,
    host,
    port,
    child,
    client,
    status: { progress: 0, finished: false, exited: false, announces: 0 },
    stderr: tail(child.stderr),
    log,
  };
  child.once('exit', (code) => {
    peer.status.exited = true;
    if (client === 'aria2c' && code === 0) peer.status.finished = true;
  });
  if (client === 'libtorrent' && child.stdout) {
    onJsonLines(child.stdout, (o) => {
      if (o.event === 'status' && typeof o.progress === 'number') peer.status.progress = o.progress;
      if (o.event === 'finished') peer.status.finished = true;
      if (o.event === 'dht_announce') peer.status.announces++;
    });
  }
  return peer;
}

function startLibtorrent(
  swarm: LibtorrentSwarm,
  host: LabHost,
  role: string,
  port: number,
  args: string[],
): Peer {
  const dir = join(swarm.dir, `${role.replace(/\s+/g, '-')}-${host.name}`);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'output.log');
  const child = host.spawnLogged(
    [
      SYSTEM_PYTHON,
      '-u',
      LIBTORRENT_DRIVER,
      'run',
      '--listen',
      hostPort(host.ipv4, port),
      '--save',
      dir,
      ...args,
    ],
    log,
  );
  return swarm.add(newPeer(host, role, port, 'libtorrent', child, log));
}

/** aria2c leecher that requires RC4 encryption (MSE/PE), TCP and the tracker only. */
function startAria2c(swarm: LibtorrentSwarm, host: LabHost, role: string, port: number): Peer {
  const dir = join(swarm.dir, `${role.replace(/\s+/g, '-')}-${host.name}`);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'output.log');
  const child = host.spawnLogged(
    [
      'aria2c',
      `--dir=${dir}`,
      `--listen-port=${port}`,
      '--enable-dht=false',
      '--enable-dht6=false',
      '--bt-enable-lpd=false',
      '--enable-peer-exchange=true',
      '--bt-require-crypto=true',
      '--bt-min-crypto-level=arc4',
      '--seed-time=0',
      '--file-allocation=none',
      '--summary-interval=0',
      '--console-log-level=notice',
      `--log=${join(dir, 'aria2c.log')}`,
      '--log-level=info',
      '--auto-save-interval=0',
      swarm.torrentFile,
    ],
    log,
  );
  return swarm.add(newPeer(host, role, port, 'aria2c', child, log));
}

async function waitFor(
  what: string,
  timeoutMs: number,
  ok: () => boolean,
  dead: () => Peer | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    const d = dead();
    if (d) throw new LabProcessError(`${what}: ${d.role} exited: ${d.stderr() || 'no output'}`);
    if (Date.now() > deadline) throw new LabProcessError(`${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startLibtorrentSwarm(
  lab: TrafficLab,
  o: LibtorrentSwarmOptions,
): Promise<LibtorrentSwarm> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const useTracker = o.discovery !== 'dht';
  const useDht = o.discovery !== 'tracker';
  if (!useTracker && o.leechers.some((l) => l.client === 'aria2c'))
    throw new RangeError('libtorrent swarm: aria2c leechers need a tracker');
  const dir = join(lab.workDir, `libtorrent-${lab.nextPort()}`);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const dataPath = join(dataDir, 'lab-file.bin');
  writeRandomFile(dataPath, o.size ?? 3 * 1024 * 1024);
  const torrentFile = join(dir, 'lab-file.torrent');
  const make = await o.seeder.exec([
    SYSTEM_PYTHON,
    LIBTORRENT_DRIVER,
    'make',
    '--data',
    dataPath,
    '--out',
    torrentFile,
    ...(useTracker ? ['--tracker', announceUrl(o.seeder)] : []),
    ...(o.hybrid ? ['--hybrid'] : []),
  ]);
  const made = JSON.parse(make.stdout.trim()) as { v1: string | null; v2: string | null };
  // what a peer of the torrent announces under: the v1 hash, and the v2 hash cut to 20 bytes
  const infoHashes = [made.v1, made.v2?.slice(0, 40)].filter((h): h is string => !!h);
  const swarm = new LibtorrentSwarm(dir, infoHashes, torrentFile);
  const transport = (leecher: number) =>
    o.transport === 'tcp'
      ? ['--no-utp']
      : o.transport === 'utp'
        ? ['--no-tcp']
        : leecher < 0
          ? []
          : ['--outgoing', leecher % 2 === 0 ? 'utp' : 'tcp'];
  const peerEndpoints = (role: string, host: LabHost, port: number, l4s: ('tcp' | 'udp')[]) => {
    for (const l4 of l4s) swarm.endpoints.push({ l4, address: host.ipv4, port, role });
  };
  try {
    const dead = () => swarm.peers.find((p) => p.status.exited);
    let dhtArgs: string[] = [];
    if (useTracker) {
      // opentracker drops to `nobody` and chroots into `dir`, whose whitelist lists the hashes
      const tracker = spawnTracker(o.seeder, dir, infoHashes);
      swarm.add(
        newPeer(o.seeder, 'tracker', TRACKER_PORT, 'tracker', tracker, join(dir, 'tracker.log')),
      );
      for (const l4 of ['tcp', 'udp'] as const)
        swarm.endpoints.push({ l4, address: o.seeder.ipv4, port: TRACKER_PORT, role: 'tracker' });
      for (const h of infoHashes) await waitTrackerReady(o.seeder, h, timeoutMs);
    }
    if (useDht) {
      const dhtHost = o.dhtHost ?? o.seeder;
      const port = lab.nextPort();
      startLibtorrent(swarm, dhtHost, 'dht bootstrap', port, ['--dht']);
      peerEndpoints('dht bootstrap', dhtHost, port, ['udp']);
      await dhtHost.waitListening('udp', port, timeoutMs, 'libtorrent DHT bootstrap node');
      dhtArgs = ['--dht', '--bootstrap', hostPort(dhtHost.ipv4, port)];
    }
    const seedPort = lab.nextPort();
    startLibtorrent(swarm, o.seeder, 'seeder', seedPort, [
      '--torrent',
      torrentFile,
      '--seed',
      '--save',
      dataDir,
      ...transport(-1),
      ...dhtArgs,
      ...(o.uploadLimit ? ['--upload-limit', String(o.uploadLimit)] : []),
    ]);
    // libtorrent opens TCP and UDP on its port whatever the transports: a flow on either is its
    peerEndpoints('seeder', o.seeder, seedPort, ['tcp', 'udp']);
    await o.seeder.waitListening(
      o.transport === 'utp' ? 'udp' : 'tcp',
      seedPort,
      timeoutMs,
      'libtorrent seeder',
    );
    // leechers announce after the seeder has, so each learns it from the tracker (under every
    // hash of a hybrid torrent)
    if (useTracker) {
      const exited = () => {
        const d = dead();
        return d ? `libtorrent ${d.role} exited: ${d.stderr() || 'no output'}` : null;
      };
      for (const h of infoHashes) await waitCompleteListed(o.seeder, h, 1, timeoutMs, dir, exited);
    }
    if (useDht) {
      const node = swarm.peers.find((p) => p.role === 'dht bootstrap')!;
      await waitFor(
        'libtorrent swarm: the DHT bootstrap node stores the seeder',
        timeoutMs,
        () => node.status.announces > 0,
        dead,
      );
    }
    for (const [i, l] of o.leechers.entries()) {
      const port = lab.nextPort();
      const role = `leecher${i + 1}`;
      if (l.client === 'aria2c') startAria2c(swarm, l.host, `${role} aria2c`, port);
      else
        startLibtorrent(swarm, l.host, role, port, [
          '--torrent',
          torrentFile,
          ...transport(i),
          ...dhtArgs,
        ]);
      peerEndpoints(role, l.host, port, ['tcp', 'udp']);
    }
  } catch (e) {
    await swarm.stop();
    throw e;
  }
  return swarm;
}
