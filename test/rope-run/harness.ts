// rope run in a lab, for the end-to-end tests: the rules of `rope rules --iptables` loaded in the
// router, `rope run --stats-json` started there, its /metrics scraped, UDP ends from udp-peer.ts.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, type LabHost } from '../../tools/lab/host.js';
import { onJsonLines, tail } from '../../tools/lab/processes.js';
import type { Lab } from '../../tools/lab/topology.js';
import type { LiveSnapshot } from '../../packages/rope/src/live/stats.js';

export const SCRIPTS = join(repoRoot, 'test/rope-run/scripts');
const UDP_PEER = join(repoRoot, 'test/rope-run/udp-peer.ts');

export type Json = Record<string, unknown>;

/** A `--stats-json` line, as rope run prints it. */
export type Stats = LiveSnapshot;

/** Loads `rope rules --iptables ARGS…` into the router, one command at a time. */
export async function loadRules(router: LabHost, args: string[] = []): Promise<string> {
  const r = await router.rope(['rules', '--iptables', ...args], { source: true });
  for (const line of r.stdout.split('\n')) {
    // the ipsets of the enforcement come first in the text, before the rules that use them
    if (line.startsWith('iptables ') || line.startsWith('ip6tables ') || line.startsWith('ipset '))
      await router.exec(line.split(' '));
  }
  return r.stdout;
}

export class RopeRun {
  readonly events: Json[] = [];
  private readonly waiters: ((e: Json) => boolean)[] = [];
  readonly stderr: () => string;

  private constructor(readonly child: ChildProcess) {
    this.stderr = tail(child.stderr, 20_000);
    onJsonLines(child.stdout!, (o) => {
      this.events.push(o);
      for (let i = this.waiters.length - 1; i >= 0; i--)
        if (this.waiters[i](o)) this.waiters.splice(i, 1);
    });
  }

  /** Starts `rope run ARGS… --stats-json` in `host` and waits for its "bound" line. */
  static async start(host: LabHost, args: string[]): Promise<RopeRun> {
    const run = new RopeRun(
      host.spawnTool('rope', ['run', ...args, '--stats-json'], { source: true }),
    );
    await new Promise<void>((resolve, reject) => {
      const check = setInterval(() => {
        if (/rope run: bound /.test(run.stderr())) {
          clearInterval(check);
          resolve();
        }
      }, 50);
      run.child.once('exit', (code) => {
        clearInterval(check);
        reject(new Error(`rope run exited with ${code} before binding: ${run.stderr()}`));
      });
    });
    return run;
  }

  /** `rope run --queue 0 --script SCRIPT ARGS…` in `host` (see start). */
  static queue0(host: LabHost, script: string, ...args: string[]): Promise<RopeRun> {
    return RopeRun.start(host, ['--queue', '0', '--script', script, ...args]);
  }

  /** The next event `test` accepts (already received ones are not looked at). */
  next(test: (e: Json) => boolean, timeoutMs = 10_000): Promise<Json> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`no matching event from rope run within ${timeoutMs} ms: ${this.stderr()}`),
          ),
        timeoutMs,
      );
      this.waiters.push((e) => {
        if (!test(e)) return false;
        clearTimeout(timer);
        resolve(e);
        return true;
      });
    });
  }

  /**
   * The first event `test` accepts, received already or still to come: for an event an action
   * of the test causes, which may arrive before the test gets to wait for it.
   */
  seen(test: (e: Json) => boolean, timeoutMs = 10_000): Promise<Json> {
    const got = this.events.find(test);
    return got ? Promise.resolve(got) : this.next(test, timeoutMs);
  }

  /** Counters now (SIGUSR1). */
  async stats(): Promise<Stats> {
    const next = this.next((e) => e.event === 'stats');
    this.child.kill('SIGUSR1');
    return (await next) as unknown as Stats;
  }

  matches(): Json[] {
    return this.events.filter((e) => e.event === 'match');
  }

  /** Stops it with `signal` and returns its exit and the last counters it printed. */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: string | null; last: Stats | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill(signal);
      await exited;
    }
    const last = [...this.events].reverse().find((e) => e.event === 'stats') as unknown as
      Stats | undefined;
    return { code: this.child.exitCode, signal: this.child.signalCode, last: last ?? null };
  }
}

/**
 * The samples of `rope run --metrics 127.0.0.1:PORT` in `host`, read with curl there: series as
 * printed (name and labels) to value.
 */
export async function scrapeMetrics(host: LabHost, port: number): Promise<Map<string, number>> {
  const r = await host.exec(['curl', '-sf', `http://127.0.0.1:${port}/metrics`]);
  const samples = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

export interface Sink {
  received(): string[];
  stop(): void;
}

/** A UDP sink on `host`:`port`; resolves once it listens. */
export async function udpSink(lab: Lab, host: LabHost, port: number): Promise<Sink> {
  const child = host.node([UDP_PEER, 'sink', String(port)]);
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    onJsonLines(child.stdout!, (o) => {
      if (o.event === 'ready') resolve();
      else if (o.event === 'recv') got.push(String(o.payload));
    });
    child.once('exit', (c) => reject(new Error(`udp sink exited (${c})`)));
  });
  void lab;
  return { received: () => [...got], stop: () => void child.kill('SIGTERM') };
}

// python3 starts in a fraction of the time a TypeScript peer takes
const SEND_PY = `import socket, sys, time
dst, port, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET6 if ':' in dst else socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('', sport))
for p in sys.argv[4:]:
    s.sendto(p.encode('latin-1'), (dst, port))
    time.sleep(0.03)
`;

/** Sends `payloads` as one UDP flow (fixed source port) from `host` to `dst`:`port`. */
export async function udpFlow(
  host: LabHost,
  dst: string,
  port: number,
  sport: number,
  payloads: string[],
): Promise<void> {
  await host.exec(['python3', '-c', SEND_PY, dst, String(port), String(sport), ...payloads]);
}
