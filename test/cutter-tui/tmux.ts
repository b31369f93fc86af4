// A program in a detached tmux session, driven as a person would: keys in (`send-keys`), the
// screen out (`capture-pane`). Each session has its own server socket, so the user's tmux is
// never touched; kill() ends the server and everything in it. The server lives in the host's
// namespace, so removing the lab kills it too if the test never got to kill().
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabHost } from '../../tools/lab/host.js';

export interface TmuxOptions {
  columns: number;
  rows: number;
  /** Environment of the program, replacing the test's (see start()). */
  env: Record<string, string>;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class TmuxSession {
  readonly socket = join(tmpdir(), `p2pw-tmux-${randomBytes(4).toString('hex')}`);
  private readonly name = 'main';
  /** Screens seen by waitFor(), newest last (for failure messages). */
  lastScreen = '';

  constructor(
    // only exec() is used: a lab host, or the test's own machine (see test/rope-top)
    private readonly host: Pick<LabHost, 'exec'>,
    private readonly options: TmuxOptions,
  ) {}

  private tmux(args: string[]) {
    // -f /dev/null: no user configuration changes key handling or the default terminal
    return this.host.exec(['tmux', '-S', this.socket, '-f', '/dev/null', ...args], {
      timeoutMs: 10_000,
    });
  }

  /**
   * Starts `argv` in a new session inside the host's namespace. The program gets exactly
   * `options.env` plus tmux's TERM, not the test's environment; when it exits, the shell prints
   * its status and waits, so the screen after exit can still be read.
   */
  async start(argv: string[]): Promise<void> {
    const env = Object.entries(this.options.env).map(([k, v]) => `${k}=${quote(v)}`);
    const command = `env -i ${env.join(' ')} TERM="$TERM" ${argv.map(quote).join(' ')}; echo "exited with status $?"; sleep 3600`;
    await this.tmux([
      'new-session',
      '-d',
      '-s',
      this.name,
      '-x',
      String(this.options.columns),
      '-y',
      String(this.options.rows),
      command,
    ]);
  }

  /** The visible screen as text; with `escapes`, with its colours and attributes as SGR sequences. */
  async screen(escapes = false): Promise<string> {
    const r = await this.tmux(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name]);
    if (!escapes) this.lastScreen = r.stdout;
    return r.stdout;
  }

  /** Resizes the terminal, as a person dragging the window would (the program gets SIGWINCH). */
  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux(['resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows)]);
  }

  /** Sends keys (tmux key names: 'j', 'Space', 'Enter', 'Escape', 'C-c'). */
  async send(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', this.name, ...keys]);
  }

  /** Polls the screen until `predicate` holds; throws with the last screen after `timeoutMs`. */
  async waitFor(
    predicate: (screen: string) => boolean,
    what: string,
    timeoutMs = 15_000,
  ): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.screen();
      if (predicate(s)) return s;
      if (Date.now() > until)
        throw new Error(`tmux: ${what} did not show within ${timeoutMs} ms; the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Ends the server and everything in it, and removes its socket (tmux leaves it behind). */
  async kill(): Promise<void> {
    await this.host.exec(['tmux', '-S', this.socket, 'kill-server'], {
      allowFail: true,
      timeoutMs: 10_000,
    });
    rmSync(this.socket, { force: true });
  }
}
