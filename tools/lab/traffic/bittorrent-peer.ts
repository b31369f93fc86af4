// The BitTorrent clients a lab swarm runs, one record per client: how its command line and config
// are made, which ports it needs, and how a leecher shows it has the whole file. A new client is a
// new record here; the swarm (bittorrent.ts) only iterates.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostPort } from '../addresses.js';
import type { LabHost } from '../host.js';
import { LabProcessError, onLines } from '../processes.js';

export type BtClient = 'aria2c' | 'transmission';

export interface BtPeerSpec {
  client: BtClient;
  /** Default: the first server for seeders; c1 (then c2, …) for leechers. */
  host?: LabHost;
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

/** Everything a client's command line depends on. */
export interface PeerLaunch {
  peer: BtPeer;
  seeding: boolean;
  /** Where the shared file is (seeders) or goes (leechers). */
  dataDir: string;
  /** The .torrent file, or the magnet link for a leecher of a trackerless swarm. */
  source: string;
  dht: boolean;
  utp: boolean;
  /** Peer encryption (MSE/PE) required. */
  encryption: boolean;
  /** The swarm's DHT entry point (a seeder), if it has one yet. */
  dhtEntry: BtPeer | null;
  /** The seeders started so far (not including this peer). */
  seeders: readonly BtPeer[];
}

export interface BtClientRecipe {
  /** Its DHT runs on the peer-wire port (UDP) rather than a port of its own. */
  dhtOnPeerPort: boolean;
  /** Writes the client's config files, if it has any, and returns the argv that starts it. */
  command(l: PeerLaunch): string[];
  /** Resolves null once a leecher has the whole file, or with why it will not get it. */
  finished(child: ChildProcess): Promise<string | null>;
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

const aria2c: BtClientRecipe = {
  dhtOnPeerPort: false,
  command({ peer, seeding, dataDir, source, dht, encryption, dhtEntry }) {
    const argv = [
      'aria2c',
      `--dir=${dataDir}`,
      `--listen-port=${peer.port}`,
      `--enable-dht=${dht}`,
      `--dht-listen-port=${peer.dhtPort}`,
      `--dht-file-path=${join(peer.dir, 'dht.dat')}`,
      '--enable-dht6=false',
      '--bt-enable-lpd=false',
      '--enable-peer-exchange=true',
      '--file-allocation=none',
      '--summary-interval=0',
      '--console-log-level=notice',
      `--log=${join(peer.dir, 'aria2c.log')}`,
      '--log-level=info',
      '--bt-tracker-connect-timeout=5',
      '--bt-tracker-timeout=5',
      '--auto-save-interval=0',
    ];
    if (encryption) argv.push('--bt-require-crypto=true', '--bt-min-crypto-level=arc4');
    if (dhtEntry && dht && dhtEntry !== peer)
      argv.push(`--dht-entry-point=${hostPort(dhtEntry.host.ipv4, dhtEntry.dhtPort)}`);
    if (seeding)
      argv.push('--seed-ratio=0.0', '--bt-seed-unverified=true', '--check-integrity=false');
    else argv.push('--seed-time=0');
    argv.push(source);
    return argv;
  },
  finished(child) {
    return new Promise((resolve) => {
      child.once('exit', (code, signal) =>
        resolve(code === 0 ? null : `aria2c exited with ${signal ?? code}`),
      );
    });
  },
};

const transmission: BtClientRecipe = {
  dhtOnPeerPort: true,
  command({ peer, dataDir, source, dht, utp, encryption, seeders }) {
    const config = join(peer.dir, 'config');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, 'settings.json'), transmissionSettings({ dht, utp }));
    const bootstrap = seeders.filter((s) => s !== peer).map((s) => `${s.host.ipv4} ${s.dhtPort}`);
    if (bootstrap.length > 0)
      writeFileSync(join(config, 'dht.bootstrap'), bootstrap.join('\n') + '\n');
    // stdbuf: its progress line (which says "Seeding" once complete) would otherwise sit in a
    // pipe buffer for many seconds.
    const argv = [
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
      String(peer.port),
    ];
    if (encryption) argv.push('-er');
    // No -v for seeders: transmission 3.00 verifies a new torrent's existing files by itself, and
    // with -v its CLI stops the torrent to verify it and quits (exit 0) when its 200 ms status
    // poll sees the torrent stopped before the verification is queued — on a loaded machine the
    // seeder then vanished at start ("transmission seeder exited (0)").
    argv.push(source);
    return argv;
  },
  finished(child) {
    return new Promise((resolve) => {
      // transmission-cli keeps seeding after completion; its progress line says so.
      onLines(child.stdout!, (line) => {
        if (line.includes('Seeding')) resolve(null);
      });
      child.once('exit', (code, signal) =>
        resolve(`transmission-cli exited with ${signal ?? code}`),
      );
    });
  },
};

export const BT_CLIENTS: Record<BtClient, BtClientRecipe> = { aria2c, transmission };

/** Waits until each aria2c seeder has had an announce_peer accepted by a DHT node (its log says so). */
export async function waitAnnounced(seeders: BtPeer[], timeoutMs: number): Promise<void> {
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

/**
 * The last lines of a peer's log (transmission's progress lines end in a bare \r), for an error
 * that outlives the lab's temp directory.
 */
export function logTail(file: string, lines = 8): string {
  if (!existsSync(file)) return '(no log)';
  const text = readFileSync(file, 'latin1').trimEnd();
  return (
    text
      .split(/\r?\n|\r/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .slice(-lines)
      .join(' | ') || '(empty)'
  );
}
