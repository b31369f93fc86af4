// Starts nfq-probe.ts in a lab host and collects what it reports.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { nodeArgv, repoRoot, type LabHost } from '../../tools/lab/host.js';
import { onJsonLines, tail } from '../../tools/lab/processes.js';

export type Report = Record<string, unknown>;

export interface Probe {
  child: ChildProcess;
  ready: Report;
  packets: Report[];
  errors: string[];
  /** Stops it (SIGTERM) and returns its final stats line. */
  stop(): Promise<Report>;
  stderr(): string;
}

export interface ProbeOutcome {
  code: number | null;
  stderr: string;
}

/** Spawns the probe; resolves once it reports ready, rejects (with its stderr) if it exits first. */
export async function startProbe(
  host: LabHost,
  cfg: Record<string, unknown>,
  argvPrefix: string[] = [],
): Promise<Probe> {
  const script = join(repoRoot, 'test/nfqueue/nfq-probe.ts');
  const child =
    argvPrefix.length > 0
      ? host.spawn([...argvPrefix, ...nodeArgv([script, JSON.stringify(cfg)])])
      : host.node([script, JSON.stringify(cfg)]);
  const stderr = tail(child.stderr);
  // 'close' comes after the child's output is read to its end; 'exit' can come before the last
  // line (the stats) is, which under load lost the stats of a probe that had printed them
  const closed = new Promise((r) => child.once('close', r));
  const packets: Report[] = [];
  const errors: string[] = [];
  let stats: Report | null = null;
  const ready = await new Promise<Report>((resolve, reject) => {
    onJsonLines(child.stdout!, (o) => {
      if (o.event === 'ready') resolve(o);
      else if (o.event === 'packet') packets.push(o);
      else if (o.event === 'error') errors.push(String(o.message));
      else if (o.event === 'stats') stats = o;
    });
    child.once('exit', (code) =>
      reject(
        Object.assign(new Error(`probe exited with ${code}: ${stderr()}`), {
          code,
          stderr: stderr(),
        }),
      ),
    );
  });
  return {
    child,
    ready,
    packets,
    errors,
    stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await closed;
      if (!stats)
        throw new Error(
          `probe gave no stats (exit ${child.exitCode ?? child.signalCode}): ${stderr()}`,
        );
      return stats;
    },
  };
}

/** Runs the probe to its exit (for bind failures) and returns its exit code and stderr. */
export async function runProbe(
  host: LabHost,
  cfg: Record<string, unknown>,
  argvPrefix: string[] = [],
): Promise<ProbeOutcome> {
  const script = join(repoRoot, 'test/nfqueue/nfq-probe.ts');
  const r = await host.exec([...argvPrefix, ...nodeArgv([script, JSON.stringify(cfg)])], {
    allowFail: true,
    timeoutMs: 30_000,
  });
  return { code: r.code, stderr: r.stderr.trim() };
}
