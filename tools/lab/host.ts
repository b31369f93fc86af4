// One machine of the lab: a namespace with an interface and addresses, and everything a test does
// "on" that machine — run a command, start a program (stopped with the lab) and wait for it to
// listen, run a Node script or one of the built tools, change its firewall, read its interface
// counters.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Family, HostAddress } from './addresses.js';
import {
  execIn,
  execInAsync,
  spawnIn,
  sysctlIn,
  type RunOptions,
  type RunResult,
} from './netns.js';
import { LabProcessError, type ProcessRegistry } from './processes.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type HostRole = 'client' | 'server' | 'router';
export type Tool = 'rope' | 'cutter';

export interface LinkStats {
  rxBytes: number;
  rxPackets: number;
  txBytes: number;
  txPackets: number;
}

export interface ToolOptions extends RunOptions {
  /** Run the TypeScript sources through tsx instead of the built `bin/*.js` (no `tsc -b` needed). */
  source?: boolean;
}

/** argv that runs a Node script through tsx with the `source` export condition. */
export function nodeArgv(args: string[]): string[] {
  return [process.execPath, '--conditions=source', '--import', 'tsx', ...args];
}

/** argv that runs rope or cutter: the built binary, or its sources with `source: true`. */
export function toolArgv(tool: Tool, source = false): string[] {
  if (source) return nodeArgv([join(repoRoot, 'packages', tool, 'src', 'cli', 'main.ts')]);
  const built = join(repoRoot, 'packages', tool, 'dist', 'cli', 'main.js');
  if (!existsSync(built)) {
    throw new Error(
      `${tool} is not built (${built} missing): run \`npx tsc -b\` first, or pass { source: true }`,
    );
  }
  return [process.execPath, join(repoRoot, 'packages', tool, 'bin', `${tool}.js`)];
}

export class LabHost {
  /** `c1`, `s1`, `r`, … */
  readonly name: string;
  readonly role: HostRole;
  /** Namespace name: `ip netns exec <ns> …` enters this host. */
  readonly ns: string;
  /** The host's interface (`eth0`; the router's LAN bridge `lan0`). */
  readonly iface: string;
  readonly ipv4: string;
  readonly ipv6: string;
  protected readonly processes: ProcessRegistry;

  constructor(
    init: { name: string; role: HostRole; ns: string; iface: string; address: HostAddress },
    processes: ProcessRegistry,
  ) {
    this.name = init.name;
    this.role = init.role;
    this.ns = init.ns;
    this.iface = init.iface;
    this.ipv4 = init.address.ipv4;
    this.ipv6 = init.address.ipv6;
    this.processes = processes;
  }

  address(family: Family = 4): string {
    return family === 4 ? this.ipv4 : this.ipv6;
  }

  /** Runs a command in this host to completion (throws CommandError on failure unless allowFail). */
  exec(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    return execInAsync(this.ns, argv, { cwd: repoRoot, ...opts });
  }

  execSync(argv: string[], opts: RunOptions = {}): RunResult {
    return execIn(this.ns, argv, { cwd: repoRoot, ...opts });
  }

  /** Starts a long-running program in this host; it is stopped when the lab is destroyed. */
  spawn(argv: string[], opts: SpawnOptions = {}): ChildProcess {
    return this.processes.add(spawnIn(this.ns, argv, { cwd: repoRoot, ...opts }));
  }

  /** `spawn`, with the program's stdout+stderr also written to `logFile` when it exits (for post-mortems). */
  spawnLogged(argv: string[], logFile: string): ChildProcess {
    const child = this.spawn(argv);
    const chunks: string[] = [];
    const flush = () => writeFileSync(logFile, chunks.join(''));
    child.stdout?.on('data', (d: Buffer) => chunks.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString()));
    child.once('exit', flush);
    return child;
  }

  /**
   * Resolves once something in this host listens on `proto` port `port` (polled with `ss`);
   * throws a LabProcessError naming `what` after `timeoutMs`. For programs that do not say when
   * they are ready.
   */
  async waitListening(
    proto: 'tcp' | 'udp',
    port: number,
    timeoutMs: number,
    what: string,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.exec(['ss', '-Hln', proto === 'tcp' ? '-t' : '-u', `sport = :${port}`], {
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

  /** Starts a Node script (TypeScript, through tsx with `--conditions=source`) in this host. */
  node(args: string[], opts: SpawnOptions = {}): ChildProcess {
    return this.spawn(nodeArgv(args), opts);
  }

  /** Runs a Node script in this host to completion. */
  nodeRun(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.exec(nodeArgv(args), opts);
  }

  /** Runs `rope …` in this host to completion. */
  rope(args: string[], opts: ToolOptions = {}): Promise<RunResult> {
    return this.exec([...toolArgv('rope', opts.source), ...args], opts);
  }

  /** Runs `cutter …` in this host to completion. */
  cutter(args: string[], opts: ToolOptions = {}): Promise<RunResult> {
    return this.exec([...toolArgv('cutter', opts.source), ...args], opts);
  }

  /** Starts rope or cutter as a long-running program (e.g. `rope run`), stopped with the lab. */
  spawnTool(
    tool: Tool,
    args: string[],
    opts: SpawnOptions & { source?: boolean } = {},
  ): ChildProcess {
    const { source, ...rest } = opts;
    return this.spawn([...toolArgv(tool, source), ...args], rest);
  }

  /**
   * nftables in this host: a string is loaded as a script (`nft -f -`), an array is passed as
   * arguments (`['list', 'ruleset']`).
   */
  nft(input: string | string[], opts: RunOptions = {}): Promise<RunResult> {
    return typeof input === 'string'
      ? this.exec(['nft', '-f', '-'], { ...opts, input })
      : this.exec(['nft', ...input], opts);
  }

  /** `iptables -w …` in this host. */
  iptables(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.exec(['iptables', '-w', ...args], opts);
  }

  /** `ip6tables -w …` in this host. */
  ip6tables(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return this.exec(['ip6tables', '-w', ...args], opts);
  }

  sysctl(values: Record<string, string | number>): void {
    sysctlIn(this.ns, values);
  }

  /** Byte and packet counters of one of this host's interfaces (default: its main one). */
  async linkStats(iface = this.iface): Promise<LinkStats> {
    const r = await this.exec(['ip', '-s', '-j', 'link', 'show', 'dev', iface]);
    const [link] = JSON.parse(r.stdout) as {
      stats64: { rx: { bytes: number; packets: number }; tx: { bytes: number; packets: number } };
    }[];
    return {
      rxBytes: link.stats64.rx.bytes,
      rxPackets: link.stats64.rx.packets,
      txBytes: link.stats64.tx.bytes,
      txPackets: link.stats64.tx.packets,
    };
  }

  /** Sends `count` pings; true when at least one reply came back. */
  async ping(address: string, count = 1): Promise<boolean> {
    const r = await this.exec(
      ['ping', '-n', '-q', '-c', String(count), '-i', '0.2', '-W', '2', address],
      { allowFail: true },
    );
    return r.code === 0;
  }
}
