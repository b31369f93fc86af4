// `rope run --exec CMD`: CMD runs for every new lock, block and cut, with the event in its
// environment (P2PWALL_*) and as one JSON line on its standard input. One command at a time per
// event kind, so a burst of cuts does not fork a process per packet; the events that arrive
// meanwhile wait in a bounded queue per kind, and what overflows it is dropped and counted. The
// hook never waits for a command in the caller's path: verdicts are never held up by it.
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { enforcementJson } from '../enforcement-line.js';
import type { EnforcementEvent } from '../enforcement.js';
import { zeroExecKind, type ExecCountsByKind } from '../enforce-counts.js';

/** Events waiting per kind while the previous command of that kind runs. */
export const EXEC_QUEUE_LIMIT = 64;
/** A command still running after this long is ended (SIGTERM), so its kind is not stuck. */
export const EXEC_TIMEOUT_MS = 60_000;

export type Spawn = (
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; stdio: ['pipe', 'ignore', 'inherit'] },
) => ChildProcess;

export interface ExecHookOptions {
  /** The command's words (command-words.ts). */
  argv: readonly string[];
  /** Where failures are reported (one line each, without newline). */
  log(line: string): void;
  queueLimit?: number;
  timeoutMs?: number;
  /** For tests. */
  spawn?: Spawn;
  /** The environment the command inherits (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface ExecCounts {
  started: number;
  /** Exited non-zero, killed by a signal, or could not start. */
  failed: number;
  /** Events dropped because their kind's queue was full. */
  dropped: number;
}

interface Pending {
  event: EnforcementEvent;
  time: number;
}

export class ExecHook {
  readonly counts: ExecCounts = { started: 0, failed: 0, dropped: 0 };
  /** The same per kind of event, with the commands that exited 0 (rope run's stats). */
  readonly byKind: ExecCountsByKind = {
    lock: zeroExecKind(),
    block: zeroExecKind(),
    cut: zeroExecKind(),
  };
  private readonly queues = new Map<string, Pending[]>();
  private readonly running = new Set<string>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly spawn: Spawn;
  private readonly limit: number;

  constructor(private readonly o: ExecHookOptions) {
    this.spawn = o.spawn ?? (nodeSpawn as unknown as Spawn);
    this.limit = o.queueLimit ?? EXEC_QUEUE_LIMIT;
  }

  /** Runs the command for `event` now, or once the one of its kind before it has ended. */
  notify(event: EnforcementEvent, time = Date.now() / 1000): void {
    const kind = event.kind;
    if (!this.running.has(kind)) {
      this.start({ event, time });
      return;
    }
    let q = this.queues.get(kind);
    if (!q) this.queues.set(kind, (q = []));
    if (q.length >= this.limit) {
      this.byKind[kind].dropped++;
      if (this.counts.dropped++ === 0)
        this.o.log(
          `--exec: ${kind} events come faster than the command ends; events beyond ${this.limit} waiting are dropped (counted in the stats)`,
        );
      return;
    }
    q.push({ event, time });
  }

  /** Resolves once no command runs and none waits. */
  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private start(p: Pending): void {
    const { event } = p;
    const kind = event.kind;
    this.running.add(kind);
    this.counts.started++;
    const tally = this.byKind[kind];
    tally.started++;
    const env: NodeJS.ProcessEnv = {
      ...(this.o.env ?? process.env),
      P2PWALL_EVENT: kind,
      P2PWALL_LABEL: event.label,
      P2PWALL_CLIENT: event.client ?? '',
      P2PWALL_PEER: event.peer ?? '',
      P2PWALL_SECONDS: event.seconds === null ? '' : String(event.seconds),
      P2PWALL_TIME: new Date(p.time * 1000).toISOString(),
    };
    const [file, ...args] = this.o.argv;
    let ended = false;
    let timer: NodeJS.Timeout | null = null;
    const end = (failure: string | null) => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      if (failure !== null) {
        this.counts.failed++;
        tally.failed++;
        this.o.log(`--exec: ${file} (${kind} event) ${failure}`);
      } else tally.ok++;
      this.running.delete(kind);
      const next = this.queues.get(kind)?.shift();
      if (next) this.start(next);
      else if (this.running.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    };
    let child: ChildProcess;
    try {
      child = this.spawn(file, args, { env, stdio: ['pipe', 'ignore', 'inherit'] });
    } catch (e) {
      end(`could not start: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    child.on('error', (e) => end(`could not start: ${e.message}`));
    child.on('close', (code, signal) =>
      end(
        signal !== null
          ? `was ended by ${signal}`
          : code !== 0
            ? `exited with status ${code}`
            : null,
      ),
    );
    timer = setTimeout(() => child.kill('SIGTERM'), this.o.timeoutMs ?? EXEC_TIMEOUT_MS);
    timer.unref();
    // a command that does not read its input must not fail for it (EPIPE)
    child.stdin?.on('error', () => {});
    child.stdin?.end(enforcementJson(event, p.time) + '\n');
  }
}
