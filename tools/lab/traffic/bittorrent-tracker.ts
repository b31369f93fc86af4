// The swarm's tracker: opentracker on a lab host, started with a whitelist holding the one torrent,
// and the waits that make a download start at once instead of after a tracker retry interval —
// until opentracker accepts the torrent, and until it lists every seeder.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostPort } from '../addresses.js';
import type { LabHost } from '../host.js';
import { LabProcessError } from '../processes.js';
import { logTail, type BtPeer } from './bittorrent-peer.js';

export const TRACKER_PORT = 6969;

/** The announce URL of a tracker on `host` (IPv4: Debian's opentracker is built IPv4-only). */
export function announceUrl(host: LabHost): string {
  return `http://${hostPort(host.ipv4, TRACKER_PORT)}/announce`;
}

/**
 * Starts opentracker on `host`, serving only `hash` (several for a hybrid v1+v2 torrent, whose
 * peers announce under both). It chroots into `dir` and drops to `nobody`; the whitelist path is
 * inside the chroot. Its output goes to `dir`/tracker.log.
 */
export function spawnTracker(host: LabHost, dir: string, hash: string | string[]): ChildProcess {
  writeFileSync(join(dir, 'whitelist'), [hash].flat().join('\n') + '\n');
  return host.spawnLogged(
    [
      'opentracker',
      '-i',
      host.ipv4,
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
}

/** Waits until the tracker on `host` listens and accepts announces for `hash`. */
export async function waitTrackerReady(
  host: LabHost,
  hash: string,
  timeoutMs: number,
): Promise<void> {
  await host.waitListening('tcp', TRACKER_PORT, timeoutMs, `opentracker on ${host.name}`);
  await waitWhitelisted(host, hash, timeoutMs);
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

/**
 * Leechers learn peers from their first announce: waits until the tracker lists every seeder as
 * complete. Throws when a seeder exits meanwhile or `timeoutMs` passes (logs are in `logDir`).
 */
export async function waitSeedersListed(
  host: LabHost,
  hash: string,
  seeders: readonly BtPeer[],
  timeoutMs: number,
  logDir: string,
): Promise<void> {
  await waitCompleteListed(host, hash, seeders.length, timeoutMs, logDir, () => {
    const s = seeders.find((x) => x.process && x.process.exitCode !== null);
    return s
      ? `${s.client} seeder exited (${s.process!.exitCode}); the end of ${s.dir}/output.log: ${logTail(join(s.dir, 'output.log'))}`
      : null;
  });
}

/**
 * Waits until the tracker on `host` lists `count` complete peers (seeders) for `hash`. A seeder
 * announces only once it has checked its files, which a loaded machine stretches: a leecher that
 * announced before it would not learn it from the tracker, and would meet it only when the seeder
 * connects out, so a swarm started this way would differ from run to run. `exited()` says why
 * waiting is pointless (a seeder that exited), or null; `logDir` is named when time runs out.
 */
export async function waitCompleteListed(
  host: LabHost,
  hash: string,
  count: number,
  timeoutMs: number,
  logDir: string,
  exited: () => string | null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = await scrape(host, host.ipv4, hash);
    if (listed.complete >= count) return;
    const why = exited();
    if (why !== null) throw new LabProcessError(`bittorrent: ${why}`);
    if (Date.now() > deadline) {
      throw new LabProcessError(
        `bittorrent: after ${timeoutMs} ms the tracker lists ${listed.complete} complete and ${listed.incomplete} incomplete peers, ` +
          `not all ${count} seeders; their logs are in ${logDir}`,
      );
    }
    await sleep(100);
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
