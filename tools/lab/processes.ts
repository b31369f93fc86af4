// The processes one lab started: stopped together on teardown, and their output read as JSON lines
// (the lab's own helper programs report that way) or plain lines (curl, transmission-cli, …).
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { stopProcess } from './netns.js';

export class ProcessRegistry {
  private readonly live = new Set<ChildProcess>();

  add(child: ChildProcess): ChildProcess {
    this.live.add(child);
    child.once('exit', () => this.live.delete(child));
    child.once('error', () => this.live.delete(child));
    return child;
  }

  /** Pids of the processes still running. */
  pids(): number[] {
    return [...this.live].map((c) => c.pid).filter((p): p is number => p !== undefined);
  }

  async stopAll(graceMs = 1000): Promise<void> {
    await Promise.all([...this.live].map((c) => stopProcess(c, graceMs)));
    this.live.clear();
  }
}

/**
 * Calls `onLine` for every complete line of a stream. A carriage return also ends a line: progress
 * displays (transmission-cli, curl) rewrite one line with `\r` and never send `\n`.
 */
export function onLines(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split(/\r\n|\r|\n/);
    pending = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}

/** Calls `onObject` for every line of a stream that parses as a JSON object. */
export function onJsonLines(
  stream: Readable,
  onObject: (o: Record<string, unknown>) => void,
): void {
  onLines(stream, (line) => {
    if (!line.startsWith('{')) return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      return;
    }
    if (o && typeof o === 'object') onObject(o as Record<string, unknown>);
  });
}

/** Keeps the last `max` characters of a stream, for error messages. */
export function tail(stream: Readable | null, max = 4000): () => string {
  let text = '';
  stream?.on('data', (d: Buffer | string) => {
    text = (text + d.toString()).slice(-max);
  });
  return () => text.trim();
}

export class LabProcessError extends Error {
  override name = 'LabProcessError';
}

/**
 * Resolves when `test` accepts something the process reports (wired by the caller through
 * `feed`), rejects when the process exits first or `timeoutMs` passes. The message names `what`
 * and carries the process's last stderr output.
 */
export function waitFor<T>(
  child: ChildProcess,
  what: string,
  timeoutMs: number,
  stderrTail: () => string,
  subscribe: (resolve: (v: T) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let unsubscribe: () => void = () => {};
    const finish = (err: Error | null, v?: T) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      unsubscribe();
      if (err) reject(err);
      else resolve(v as T);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(
        new LabProcessError(
          `${what}: process exited (${signal ?? code}) before it was ready: ${stderrTail() || 'no output'}`,
        ),
      );
    const timer = setTimeout(
      () =>
        finish(
          new LabProcessError(
            `${what}: not ready after ${timeoutMs} ms: ${stderrTail() || 'no output'}`,
          ),
        ),
      timeoutMs,
    );
    child.once('exit', onExit);
    unsubscribe = subscribe((v) => finish(null, v));
    if (child.exitCode !== null || child.signalCode !== null)
      onExit(child.exitCode, child.signalCode);
  });
}
