// Two aMule daemons (Debian's amule-daemon, driven with amulecmd) on two lab hosts: they find each
// other over Kad and the second downloads files the first shares, over eD2k. What was found when
// these clients were tried in namespaces decides the set-up:
// - aMule refuses addresses of 192.0.2.0/24 and 198.51.100.0/24 as peers (test networks); it takes
//   203.0.113.0/24, so each host gets an address there too, on the server segment's bridge.
// - Kad finds no peer without a nodes.dat; each daemon gets one naming the other, written here in
//   the format aMule reads (version 1: count, then <node id 16><address as a little-endian number>
//   <UDP port 2><TCP port 2><Kad version 1>). The contact's Kad version is 5, the last before
//   obfuscation: the node id is made up and an obfuscated first packet is keyed on it, so the
//   bootstrap runs in the clear; later packets may be obfuscated, as between any aMule nodes.
// - A local eD2k server is not in Debian, and a Kad source search between two firewalled nodes
//   did not find the source within minutes; an ed2k:// link naming the first peer as source works.
//   Kad matters after that only because aMule asks sources only while "connected", which it stays
//   for 20 minutes after its last Kad contact.
// - aMule does not retry within a test's minutes on its own: it asks a source again only after 21
//   minutes (FILEREASKTIME), a source whose first connection failed is "dead" for 30 (adding the
//   link again then drops it), and aMule 2.3.3 can lose the task that completes a download (100%
//   received, "Completing" for good; see nudgeScheduler). So exchange() watches each download and
//   acts: a new file to hash for a lost task, and for a stalled download a restart of both
//   daemons and the link added again. That re-does the introduction (Kad bootstrap from nodes.dat,
//   the ed2k:// link) with none of what aMule keeps only in memory (dead sources, reask times,
//   bans), and a finished part file is completed on start. Adding the link again alone does not
//   help (a dead source is dropped, a live one duplicated). What exchange() did is in
//   `recoveries`; a failure describes both daemons (amule-control.ts).
// - The sharer bans a downloader whose fifth upload request comes within 10 minutes, dropping its
//   packets, Kad included; aMule sometimes sends two for a file, so a pair takes at most 3 files.
// Everything lives in the lab's work directory and dies with the lab.
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabHost } from '../host.js';
import { stopProcess } from '../netns.js';
import { LabProcessError, tail } from '../processes.js';
import {
  amulecmd,
  bannedClients,
  describePeer,
  EC_PASSWORD,
  EC_PORT,
  nudgeScheduler,
  parseDownloads,
  type Download,
} from './amule-control.js';
import type { TrafficLab } from './traffic-lab.js';

export const AMULE_TCP_PORT = 4662;
export const AMULE_UDP_PORT = 4672;

const POLL_MS = 1000;
/** Completing a file of this lab's size takes aMule well under a second; this long means lost. */
const NUDGE_AFTER_MS = 5000;
const NUDGE_EVERY_MS = 10_000;
/** Downloads here move every few seconds; this long without progress means aMule gave up. */
const STALL_MS = 30_000;
/**
 * Files per pair: the downloader sends the sharer an upload request for each, sometimes two, and
 * aMule bans a client whose fifth comes within 10 minutes (bannedClients; 4 files got one banned).
 */
const MAX_FILES = 3;
/** Restarts of the pair per exchange(), beyond which only the deadline is left. */
const MAX_RESTARTS = 2;

export interface AmulePeer {
  host: LabHost;
  /** The 203.0.113.0/24 address the peer uses. */
  address: string;
  dir: string;
}

export interface AmuleFile {
  name: string;
  size: number;
}

export interface AmulePair extends AsyncDisposable {
  peers: [AmulePeer, AmulePeer];
  /**
   * Downloads each file (shared by the first peer since its start) on the second peer, through an
   * ed2k:// link whose source is the first peer; resolves when every file arrived whole (same
   * bytes as the original). `timeoutMs` applies to each file.
   */
  exchange(timeoutMs: number): Promise<void>;
  /** What exchange() did besides waiting, one line each with the time since it began. */
  readonly recoveries: string[];
  stop(): Promise<void>;
}

export interface AmuleOptions {
  /** The two hosts (e.g. the lab's two servers, which share a segment). */
  hosts: [LabHost, LabHost];
  /** Files the first peer shares (random bytes), at most 3; default one of 150 kB. */
  files?: AmuleFile[];
  /** How long each daemon may take to start and reach Kad (default 120 s). */
  timeoutMs?: number;
}

/** nodes.dat, version 1, with one contact. */
function nodesDat(address: string): Buffer {
  const b = Buffer.alloc(12 + 25);
  b.writeUInt32LE(0, 0);
  b.writeUInt32LE(1, 4);
  b.writeUInt32LE(1, 8);
  randomBytes(16).copy(b, 12);
  const [a, c, d, e] = address.split('.').map(Number);
  b.writeUInt32LE(((a << 24) | (c << 16) | (d << 8) | e) >>> 0, 28);
  b.writeUInt16LE(AMULE_UDP_PORT, 32);
  b.writeUInt16LE(AMULE_TCP_PORT, 34);
  b.writeUInt8(5, 36);
  return b;
}

function amuleConf(peer: AmulePeer, nick: string): string {
  const md5 = createHash('md5').update(EC_PASSWORD).digest('hex');
  return [
    '[eMule]',
    `Nick=${nick}`,
    `Port=${AMULE_TCP_PORT}`,
    `UDPPort=${AMULE_UDP_PORT}`,
    'UDPEnable=1',
    `Address=${peer.address}`,
    'ConnectToKad=1',
    'ConnectToED2K=0',
    'Autoconnect=1',
    `IncomingDir=${join(peer.dir, 'Incoming')}`,
    `TempDir=${join(peer.dir, 'Temp')}`,
    'FilterLanIPs=0',
    'ParanoidFiltering=0',
    '[ExternalConnect]',
    'AcceptExternalConnections=1',
    'ECAddress=127.0.0.1',
    `ECPort=${EC_PORT}`,
    `ECPassword=${md5}`,
    '[WebServer]',
    'Enabled=0',
    '',
  ].join('\n');
}

async function poll<T>(
  what: string,
  timeoutMs: number,
  probe: (elapsedMs: number) => Promise<T | null>,
  report: () => Promise<string>,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe(Date.now() - start);
    if (v !== null) return v;
    if (Date.now() - start > timeoutMs)
      throw new LabProcessError(`${what}: not after ${timeoutMs} ms\n${await report()}`);
    await sleep(POLL_MS);
  }
}

/** true when `target` holds the same bytes as `original`, else what is on disk instead. */
function arrived(target: string, original: string, size: number): true | string {
  let got: number;
  try {
    got = statSync(target).size;
  } catch {
    return 'nothing in Incoming';
  }
  if (got !== size) return `${got} of ${size} bytes in Incoming`;
  return readFileSync(target).equals(readFileSync(original))
    ? true
    : `${size} bytes in Incoming that differ from the original`;
}

export async function startAmulePair(lab: TrafficLab, opts: AmuleOptions): Promise<AmulePair> {
  const hosts = opts.hosts;
  const files = opts.files ?? [{ name: 'lab-file.bin', size: 150_000 }];
  const timeoutMs = opts.timeoutMs ?? 120_000;
  if (files.length > MAX_FILES)
    throw new RangeError(
      `startAmulePair: ${files.length} files, at most ${MAX_FILES}: aMule bans a ` +
        `client whose fifth upload request comes within 10 minutes`,
    );
  const peers = hosts.map((host, i) => ({
    host,
    address: `203.0.113.${21 + i}`,
    dir: join(lab.workDir, `amule-${host.name}`),
  })) as [AmulePeer, AmulePeer];
  for (const p of peers) {
    await p.host.exec(['ip', 'address', 'add', `${p.address}/24`, 'dev', p.host.iface]);
    mkdirSync(join(p.dir, 'Incoming'), { recursive: true });
    mkdirSync(join(p.dir, 'Temp'), { recursive: true });
    writeFileSync(join(p.dir, 'amule.conf'), amuleConf(p, `lab-${p.host.name}`));
  }
  for (const f of files) writeFileSync(join(peers[0].dir, 'Incoming', f.name), randomBytes(f.size));

  const daemons: ChildProcess[] = [];
  const stderrs: (() => string)[] = [];
  // No -o: aMule's log file (read for errors) is written as it goes, while its stdout reaches a
  // pipe in 4 kB blocks and lagged minutes behind when a run failed.
  const launch = (i: number) => {
    const p = peers[i];
    const child = p.host.spawn(['amuled', '-c', p.dir], { env: { ...process.env, HOME: p.dir } });
    child.stdout?.resume();
    stderrs[i] = tail(child.stderr, 2000);
    daemons[i] = child;
  };
  const exited = (i: number) => {
    const c = daemons[i];
    if (c.exitCode === null && c.signalCode === null) return null;
    return `exited (${c.signalCode ?? c.exitCode}): ${stderrs[i]() || 'nothing on stderr'}`;
  };
  const report = async () =>
    (
      await Promise.all(
        peers.map((p, i) =>
          describePeer(p, i === 0 ? 'shares the files' : 'downloads them', exited(i)),
        ),
      )
    ).join('\n');
  const ready = async (p: AmulePeer) => {
    await p.host.waitListening('tcp', EC_PORT, timeoutMs, `amuled on ${p.host.name}`);
    await poll(
      `aMule on ${p.host.name} connected to Kad`,
      timeoutMs,
      async () => (/Kad: Connected/.test((await amulecmd(p, 'status')).text) ? true : null),
      report,
    );
  };
  const stop = async () => {
    await Promise.all(daemons.map((c) => stopProcess(c, 3000)));
  };
  // Both at once, each with a nodes.dat naming the other: a daemon restarted alone had its first
  // Kad packets ignored by the other and took a minute to connect, both together take 10 s.
  const startDaemons = async () => {
    for (const [i, p] of peers.entries())
      writeFileSync(join(p.dir, 'nodes.dat'), nodesDat(peers[1 - i].address));
    peers.forEach((_, i) => launch(i));
    for (const p of peers) await ready(p);
  };
  try {
    await startDaemons();
  } catch (e) {
    await stop();
    throw e;
  }

  const recoveries: string[] = [];
  return {
    peers,
    recoveries,
    stop,
    [Symbol.asyncDispose]: stop,
    async exchange(timeout: number) {
      const [from, to] = peers;
      const began = Date.now();
      const note = (what: string) =>
        recoveries.push(`+${((Date.now() - began) / 1000).toFixed(1)} s: ${what}`);
      let nudges = 0;
      const nudge = async (p: AmulePeer, why: string) => {
        const r = await nudgeScheduler(p, ++nudges);
        note(
          `${why}: aMule on ${p.host.name} given a new file to hash, to restart its task thread`,
        );
        if (!r.ok) note(`(reload shared on ${p.host.name}: ${r.text})`);
      };
      let restarts = 0;

      const download = async (f: AmuleFile, hash: string) => {
        const link = `ed2k://|file|${f.name}|${f.size}|${hash}|/|sources,${from.address}:${AMULE_TCP_PORT}|/`;
        const original = join(from.dir, 'Incoming', f.name);
        const target = join(to.dir, 'Incoming', f.name);
        const start = Date.now();
        let queued = false;
        let addFailing = false;
        let last: Download | undefined;
        let lastQueue = 'not read yet';
        let progressAt = start;
        let nudgedAt = 0;
        const fail = async (why: string, disk: string) =>
          new LabProcessError(
            `aMule on ${to.host.name} did not download ${f.name} (${f.size} bytes) from ` +
              `${from.host.name}: ${why}; last seen in its download queue as ` +
              `${last ? `"${last.line}"` : lastQueue}; ${disk}.\nRecoveries tried: ` +
              `${recoveries.length ? `\n  ${recoveries.join('\n  ')}` : 'none'}\n${await report()}`,
          );
        for (;;) {
          const disk = arrived(target, original, f.size);
          if (disk === true) return;
          const now = Date.now();
          if (now - start > timeout) throw await fail(`not within ${timeout} ms`, disk);
          if (!queued) {
            const r = await amulecmd(to, `add ${link}`);
            if (r.ok) {
              queued = true;
              addFailing = false;
              progressAt = Date.now();
            } else if (!addFailing) {
              addFailing = true;
              note(`adding the link for ${f.name} on ${to.host.name} failed: ${r.text}`);
            }
          } else {
            const r = await amulecmd(to, 'show dl');
            const d = parseDownloads(r.text).find((x) => x.hash === hash);
            lastQueue = r.ok ? 'absent' : r.text;
            if (r.ok && !d && arrived(target, original, f.size) !== true) {
              // Finished downloads leave the queue only once in Incoming: this one was never added.
              note(`${f.name} not in the download queue of ${to.host.name}: adding its link again`);
              queued = false;
              continue;
            }
            if (d && (!last || d.percent > last.percent || d.status !== last.status))
              progressAt = now;
            last = d ?? last;
            const completing = now - progressAt;
            if (d?.status === 'Completing' && completing >= NUDGE_AFTER_MS) {
              if (now - nudgedAt >= NUDGE_EVERY_MS) {
                nudgedAt = now;
                await nudge(to, `${f.name} "Completing" at ${d.percent}% for ${completing} ms`);
              }
            }
          }
          const stuck = Date.now() - progressAt;
          if (stuck >= STALL_MS && restarts < MAX_RESTARTS) {
            // Adding the link again would not help: a source aMule gave up on is dead to it for 30
            // minutes, and one it still has gets a duplicate that asks the sharer once more.
            const banned = await bannedClients(from);
            const state = banned
              ? `${from.host.name} bans ${banned} client(s) (five upload requests < 590 s apart)`
              : `last seen as ${last ? `"${last.line}"` : lastQueue}`;
            restarts++;
            note(`${f.name} stuck for ${stuck} ms, ${state}: restarting both daemons`);
            await stop();
            try {
              await startDaemons();
            } catch (e) {
              const first = e instanceof Error ? e.message.split('\n')[0] : String(e);
              throw await fail(`after restarting both daemons: ${first}`, disk);
            }
            last = undefined;
            queued = false;
            progressAt = Date.now();
            continue;
          }
          await sleep(POLL_MS);
        }
      };

      for (const f of files) {
        const name = f.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        let nudgeAt = 2 * NUDGE_EVERY_MS;
        const hash = await poll(
          `aMule on ${from.host.name} shares ${f.name}`,
          timeout,
          async (elapsed) => {
            const m = new RegExp(`^([0-9A-F]{32}) \\S*/${name}$`, 'm').exec(
              (await amulecmd(from, 'show shared')).text,
            );
            if (m) return m[1];
            // aMule hashes shared files at start, long done by now unless the task was lost.
            if (elapsed >= nudgeAt) {
              nudgeAt += NUDGE_EVERY_MS;
              await nudge(from, `${f.name} not shared after ${elapsed} ms`);
            }
            return null;
          },
          report,
        );
        await download(f, hash);
      }
    },
  };
}
