// The one way into rope top: draws it on the terminal (in the alternate screen, so the shell's
// scrollback is left as it was) and resolves once the user quit.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { render } from 'ink';
import { TopApp } from './app.js';
import type { TopSource } from './ports.js';
import { themeFor } from './theme.js';

export interface RunTopOptions {
  source: TopSource;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
  /** Draw in the terminal's alternate screen (default: when stdout is a terminal). */
  alternateScreen?: boolean;
}

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

export async function runTop(o: RunTopOptions): Promise<void> {
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
    const instance = render(
      <TopApp source={o.source} theme={themeFor(o.env ?? process.env)} onExit={() => {}} />,
      {
        stdin: o.stdin ?? process.stdin,
        stdout,
        stderr: o.stderr ?? process.stderr,
        exitOnCtrlC: false,
      },
    );
    await instance.waitUntilExit();
  } finally {
    leave();
    process.off('exit', onExit);
    for (const s of signals) process.off(s, onSignal);
  }
}
