// Traffic for a lab that is up (`npm run lab -- traffic KIND`): something real for a user to watch
// with rope or cut with cutter. Each kind runs until `repeat` rounds are done (default: until
// Ctrl-C), printing one line per event.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Family } from '../addresses.js';
import type { Lab } from '../lab.js';

export const TRAFFIC_KINDS = ['tcp', 'http', 'bittorrent', 'gnutella'] as const;
export type TrafficKind = (typeof TRAFFIC_KINDS)[number];

export interface TrafficRunOptions {
  /** Rounds to run (default: until interrupted). */
  repeat?: number;
  family?: Family;
  log: (line: string) => void;
}

const fmtMs = (ms: number) => `${ms.toFixed(0)} ms`;

export async function runTraffic(lab: Lab, kind: TrafficKind, o: TrafficRunOptions): Promise<void> {
  const family = o.family ?? 4;
  const rounds = o.repeat ?? Infinity;
  const client = lab.client;
  const server = lab.server;
  if (kind === 'tcp') {
    const idle = await lab.tcpConnections({ from: client, to: server, count: 10, family });
    const busy = await lab.tcpConnections({
      from: client,
      to: server,
      count: 2,
      busy: true,
      family,
    });
    o.log(
      `10 idle connections ${client.name} → ${idle.address} port ${idle.port}, 2 busy (server sending) on port ${busy.port}`,
    );
    o.log(
      `cut them, e.g.: sudo ip netns exec ${lab.router.ns} node packages/cutter/bin/cutter.js ${client.address(family)}`,
    );
    const seen = new Map<string, string>();
    for (let i = 0; i < rounds; i++) {
      for (const [name, group] of [
        ['idle', idle],
        ['busy', busy],
      ] as const) {
        for (const c of group.connections) {
          const s = c.status();
          const key = `${name}#${c.id}`;
          const now = `client ${s.client.state}, server ${s.server.state}`;
          if (seen.get(key) !== now) {
            seen.set(key, now);
            o.log(`${key.padEnd(8)} ${String(s.client.local?.port ?? '').padEnd(6)} ${now}`);
          }
        }
      }
      if (!idle.running || !busy.running) {
        o.log('the connection processes have ended (was the lab taken down?)');
        break;
      }
      const counts = [idle.counts(), busy.counts()];
      if (counts.every((c) => c.client.open === 0 && c.server.open === 0)) {
        o.log('every connection has ended');
        break;
      }
      await sleep(1000);
    }
    return;
  }
  if (kind === 'http') {
    const http = await lab.http();
    o.log(
      `http server on ${server.name} port ${http.port}: ${[...http.files.values()].map((f) => `${f.name} (${f.size} bytes)`).join(', ')}`,
    );
    for (let i = 0; i < rounds; i++) {
      for (const [name, range] of [
        ['small.bin', undefined],
        ['large.bin', undefined],
        ['large.bin', [1000, 999_999] as [number, number]],
      ] as const) {
        const r = await http.fetch(name, { family, range });
        o.log(
          `${http.url(name, { family })}${range ? ` range ${range[0]}-${range[1]}` : ''}: ` +
            (r.ok
              ? `HTTP ${r.httpCode}, ${r.bytes} bytes, checksum ok, ${fmtMs(r.timeMs)}`
              : `FAILED: HTTP ${r.httpCode}, ${r.bytes}/${r.expectedBytes} bytes, ${r.error ?? 'checksum mismatch'}`),
        );
      }
      if (i + 1 < rounds) await sleep(1000);
    }
    return;
  }
  if (kind === 'bittorrent') {
    for (let i = 0; i < rounds; i++) {
      const swarm = await lab.bittorrent({ family });
      o.log(
        `tracker ${swarm.announceUrl}; seeders ${swarm.seeders.map((s) => `${s.client}@${s.host.name}`).join(', ')}`,
      );
      const results = await swarm.download();
      for (const r of results) {
        o.log(
          `${r.client}@${r.host.name}: ${r.complete ? `complete, checksum ${r.checksumOk ? 'ok' : 'WRONG'}` : `not complete: ${r.error}`} in ${fmtMs(r.ms)}`,
        );
      }
      await swarm.stop();
    }
    return;
  }
  for (let i = 0; i < rounds; i++) {
    const replay = await lab.gnutella({ family });
    o.log(
      `replaying ${replay.flows.length} flows of ${replay.capture} between ${replay.clientHost.name} and ${replay.serverHost.name}`,
    );
    const result = await replay.done;
    o.log(
      `${result.flows.filter((f) => f.intact).length}/${result.flows.length} flows arrived intact (${result.bytes} payload bytes) in ${fmtMs(result.ms)}`,
    );
  }
}
