// Direct Connect in the lab: a hub (Debian's uhub, which speaks ADC only) and two ncdc clients
// that join it, one sharing a file, the other searching for it and downloading it. ncdc's
// client-to-client links are TLS (ADCS) by default, and stay so. ncdc is a terminal program
// with no batch mode: each runs under script(1), which gives it a terminal, and is driven by
// typing its commands into that terminal (/set, /share, /open, /search; `d` downloads the
// selected search result). Everything lives in the lab's work directory and dies with the lab.
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LabHost } from '../host.js';
import { stopProcess } from '../netns.js';
import { LabProcessError, tail } from '../processes.js';
import type { TrafficLab } from './traffic-lab.js';

export const HUB_PORT = 1511;

export interface DcClient {
  host: LabHost;
  nick: string;
  /** The TCP port it listens on for client-to-client connections; search results come to port + 100 (UDP). */
  port: number;
  dir: string;
}

export interface DirectConnectSession extends AsyncDisposable {
  hub: LabHost;
  clients: [DcClient, DcClient];
  file: { name: string; size: number };
  /** The second client searches for the first one's file and downloads it; resolves when whole. */
  transfer(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface DirectConnectOptions {
  /** The hub's host. */
  hub: LabHost;
  /** The two clients' hosts (e.g. a LAN host and a server-side host: both sides of the router). */
  clients: [LabHost, LabHost];
  /** How long the hub and the clients may take to start and join (default 60 s). */
  timeoutMs?: number;
}

async function poll(
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
  log: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline)
      throw new LabProcessError(`${what}: not after ${timeoutMs} ms\n${log()}`);
    await sleep(500);
  }
}

export async function startDirectConnect(
  lab: TrafficLab,
  opts: DirectConnectOptions,
): Promise<DirectConnectSession> {
  const { hub, clients: hosts } = opts;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const file = { name: 'labfile-alpha.bin', size: 200_000 };
  const clients = hosts.map((host, i) => ({
    host,
    nick: `lab${host.name}`,
    port: 41000 + i,
    dir: join(lab.workDir, `ncdc-${host.name}`),
  })) as [DcClient, DcClient];

  const hubDir = join(lab.workDir, 'uhub');
  mkdirSync(hubDir, { recursive: true });
  writeFileSync(join(hubDir, 'users.conf'), '');
  writeFileSync(join(hubDir, 'plugins.conf'), '');
  writeFileSync(
    join(hubDir, 'uhub.conf'),
    [
      `server_port=${HUB_PORT}`,
      'server_bind_addr=any',
      'hub_name=lab hub',
      'hub_enabled=1',
      'registered_users_only=0',
      `file_acl=${join(hubDir, 'users.conf')}`,
      `file_plugins=${join(hubDir, 'plugins.conf')}`,
      '',
    ].join('\n'),
  );
  const share = join(clients[0].dir, 'share');
  for (const c of clients) mkdirSync(join(c.dir, 'downloads'), { recursive: true });
  mkdirSync(share, { recursive: true });
  writeFileSync(join(share, file.name), randomBytes(file.size));

  const children: ChildProcess[] = [];
  const logs: [string, () => string][] = [];
  const log = () => logs.map(([n, l]) => `--- ${n}:\n${l()}`).join('\n');
  const stop = async () => {
    // ncdc runs in script(1)'s own session: /quit ends it; the group kill ends script
    for (const c of children.slice(1)) c.stdin?.write('/quit\r');
    await sleep(500);
    await Promise.all(children.map((c) => stopProcess(c, 3000)));
  };
  try {
    const uhub = hub.spawn(['uhub', '-c', join(hubDir, 'uhub.conf')]);
    children.push(uhub);
    logs.push(['uhub', tail(uhub.stderr)]);
    await hub.waitListening('tcp', HUB_PORT, timeoutMs, 'uhub');

    const type = (c: ChildProcess, keys: string) => c.stdin?.write(keys);
    for (const c of clients) {
      const child = c.host.spawn(
        ['script', '-qfec', `stty cols 160 rows 40; exec ncdc -c ${c.dir}`, '/dev/null'],
        { env: { ...process.env, TERM: 'xterm', HOME: c.dir } },
      );
      children.push(child);
      logs.push([`ncdc on ${c.host.name}`, tail(child.stderr)]);
    }
    await sleep(2000); // ncdc makes its TLS certificate and database first
    for (const [i, c] of clients.entries()) {
      const child = children[i + 1];
      for (const line of [
        `/set nick ${c.nick}`,
        '/set active true',
        `/set active_ip ${c.host.ipv4}`,
        `/set active_port ${c.port}`,
        // search results on a UDP port of their own, so that the TCP port is taught only by
        // what names the connections (a flow to either is Direct Connect)
        `/set active_udp_port ${c.port + 100}`,
        `/set download_dir ${join(c.dir, 'downloads')}`,
        ...(i === 0 ? [`/share files ${share}`] : []),
        `/open labhub adc://${hub.ipv4}:${HUB_PORT}/`,
      ]) {
        type(child, `${line}\r`);
        await sleep(200);
      }
    }
    for (const c of clients)
      await poll(
        `ncdc on ${c.host.name} joined the hub`,
        timeoutMs,
        async () =>
          (
            await c.host.exec(['ss', '-Htn', 'state', 'established', `dport = :${HUB_PORT}`], {
              allowFail: true,
            })
          ).stdout.trim() !== '',
        log,
      );
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    hub,
    clients,
    file,
    stop,
    [Symbol.asyncDispose]: stop,
    async transfer(timeout: number) {
      const searcher = children[2];
      const target = join(clients[1].dir, 'downloads', file.name);
      const arrived = () => {
        try {
          return statSync(target).size === file.size;
        } catch {
          return false;
        }
      };
      // search until a result is there to download: `d` on the results tab does nothing until
      // then (and queues the same file once more after, which is harmless)
      const deadline = Date.now() + timeout;
      while (!arrived()) {
        if (Date.now() > deadline)
          throw new LabProcessError(
            `ncdc did not download ${file.name} in ${timeout} ms\n${log()}`,
          );
        searcher.stdin?.write(`/search ${file.name.replace('.bin', '')}\r`);
        await sleep(4000);
        searcher.stdin?.write('d');
        for (let i = 0; i < 10 && !arrived(); i++) await sleep(1000);
      }
    },
  };
}
