// Draws a view on the terminal until it exits: in the alternate screen (so the shell's scrollback
// is left as it was), with Ctrl-C left to the view, and the normal screen given back however the
// process ends.
import { render } from 'ink';
import type { ReactElement } from 'react';

export interface FullScreenOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Draw in the terminal's alternate screen (default: when stdout is a terminal). */
  alternateScreen?: boolean;
}

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

/** Resolves once the view called Ink's exit; rejects when rendering failed. */
export async function renderFullScreen(view: ReactElement, o: FullScreenOptions): Promise<void> {
  const stdout = o.stdout ?? process.stdout;
  const alt = o.alternateScreen ?? stdout.isTTY === true;
  let inAlt = false;
  const leave = () => {
    if (!inAlt) return;
    inAlt = false;
    stdout.write(SHOW_CURSOR + LEAVE_ALT_SCREEN);
  };
  // however the process ends, the terminal gets its normal screen back
  const onExit = () => leave();
  const onSignal = (sig: keyof typeof SIGNALS) => {
    leave();
    // the program's own exit hooks (cutter's firewall rules of a running cut) run on 'exit'
    process.exit(128 + SIGNALS[sig]);
  };
  const signals = Object.keys(SIGNALS) as (keyof typeof SIGNALS)[];
  process.on('exit', onExit);
  for (const s of signals) process.on(s, onSignal);
  if (alt) {
    stdout.write(ENTER_ALT_SCREEN);
    inAlt = true;
  }
  try {
    const instance = render(view, {
      stdin: o.stdin ?? process.stdin,
      stdout,
      stderr: o.stderr ?? process.stderr,
      // Ctrl-C is a key of the view: cutter must first stop a running cut and remove its rules
      exitOnCtrlC: false,
    });
    await instance.waitUntilExit();
  } finally {
    leave();
    process.off('exit', onExit);
    for (const s of signals) process.off(s, onSignal);
  }
}
