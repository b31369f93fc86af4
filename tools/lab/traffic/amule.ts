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
// Everything lives in the lab's work directory and dies with the lab.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabHost } from '../host.js';
import { stopProcess } from '../netns.js';
import { LabProcessError, tail } from '../processes.js';
import type { TrafficLab } from './traffic-lab.js';

export const AMULE_TCP_PORT = 4662;
export const AMULE_UDP_PORT = 4672;
const EC_PORT = 4712;
const EC_PASSWORD = 'lab';

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
   * ed2k:// link whose source is the first peer; resolves when every file arrived whole.
   */
  exchange(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface AmuleOptions {
  /** The two hosts (e.g. the lab's two servers, which share a segment). */
  hosts: [LabHost, LabHost];
  /** Files the first peer shares (random bytes); default one of 150 kB. */
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

async function amulecmd(peer: AmulePeer, command: string): Promise<string> {
  const r = await peer.host.exec(
    ['amulecmd', '-h', '127.0.0.1', '-p', String(EC_PORT), '-P', EC_PASSWORD, '-c', command],
    { allowFail: true },
  );
  return r.stdout;
}

async function poll<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null>,
  log: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline)
      throw new LabProcessError(`${what}: not after ${timeoutMs} ms\n${log()}`);
    await sleep(1000);
  }
}

export async function startAmulePair(lab: TrafficLab, opts: AmuleOptions): Promise<AmulePair> {
  const hosts = opts.hosts;
  const files = opts.files ?? [{ name: 'lab-file.bin', size: 150_000 }];
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const peers = hosts.map((host, i) => ({
    host,
    address: `203.0.113.${21 + i}`,
    dir: join(lab.workDir, `amule-${host.name}`),
  })) as [AmulePeer, AmulePeer];
  for (const [i, p] of peers.entries()) {
    await p.host.exec(['ip', 'address', 'add', `${p.address}/24`, 'dev', p.host.iface]);
    mkdirSync(join(p.dir, 'Incoming'), { recursive: true });
    mkdirSync(join(p.dir, 'Temp'), { recursive: true });
    writeFileSync(join(p.dir, 'amule.conf'), amuleConf(p, `lab-${p.host.name}`));
    writeFileSync(join(p.dir, 'nodes.dat'), nodesDat(peers[1 - i].address));
  }
  for (const f of files) writeFileSync(join(peers[0].dir, 'Incoming', f.name), randomBytes(f.size));

  const logs: (() => string)[] = [];
  const children = peers.map((p) => {
    const child = p.host.spawn(['amuled', '-c', p.dir, '-o'], {
      env: { ...process.env, HOME: p.dir },
    });
    logs.push(tail(child.stdout));
    return child;
  });
  const log = () => logs.map((l, i) => `--- amuled on ${peers[i].host.name}:\n${l()}`).join('\n');
  const stop = async () => {
    await Promise.all(children.map((c) => stopProcess(c, 3000)));
  };
  try {
    for (const p of peers) await p.host.waitListening('tcp', EC_PORT, timeoutMs, 'amuled');
    for (const p of peers)
      await poll(
        `aMule on ${p.host.name} connected to Kad`,
        timeoutMs,
        async () => (/Kad: Connected/.test(await amulecmd(p, 'status')) ? true : null),
        log,
      );
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    peers,
    stop,
    [Symbol.asyncDispose]: stop,
    async exchange(timeout: number) {
      const [from, to] = peers;
      for (const f of files) {
        const hash = await poll(
          `aMule on ${from.host.name} shares ${f.name}`,
          timeout,
          async () => {
            const m = new RegExp(`([0-9A-F]{32}) \\S*/${f.name.replace('.', '\\.')}`).exec(
              await amulecmd(from, 'show shared'),
            );
            return m ? m[1] : null;
          },
          log,
        );
        const link = `ed2k://|file|${f.name}|${f.size}|${hash}|/|sources,${from.address}:${AMULE_TCP_PORT}|/`;
        await amulecmd(to, `add ${link}`);
        const target = join(to.dir, 'Incoming', f.name);
        await poll(
          `aMule on ${to.host.name} downloaded ${f.name}`,
          timeout,
          async () => {
            try {
              return statSync(target).size === f.size ? true : null;
            } catch {
              return null;
            }
          },
          log,
        );
      }
    },
  };
}
