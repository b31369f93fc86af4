// A throwaway redis-server for tests (Debian's redis-server; .ci/run installs it): on a unix socket in a temp dir, no persistence, no TCP
// port. `restart()` starts a new, empty server on the same socket (what a crash without
// persistence looks like to the clients).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class TestRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'p2pw-redis-'));
  readonly socket = join(this.dir, 'redis.sock');
  private proc: ChildProcess | null = null;

  async start(): Promise<void> {
    rmSync(this.socket, { force: true });
    const p = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--unixsocket',
        this.socket,
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
      ],
      { stdio: 'ignore' },
    );
    this.proc = p;
    for (let i = 0; i < 1000 && !existsSync(this.socket); i++) {
      if (p.exitCode !== null) throw new Error(`redis-server exited (${p.exitCode})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!existsSync(this.socket)) throw new Error('redis-server did not open its socket');
  }

  /** SIGKILL, and waits for the process to be gone. */
  async kill(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
