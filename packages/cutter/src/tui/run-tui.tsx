// The one way into the interactive view: draws it on the terminal (in the alternate screen, so
// the shell's scrollback is left as it was) and resolves with the outcome once the user quit and
// any running cut has removed its temporary rules.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { render } from 'ink';
import { CutterApp, type TuiOutcome } from './app.js';
import type { ConnectionCutter, ConnectionSource } from './ports.js';
import { themeFor } from './theme.js';

export interface RunTuiOptions {
  source: ConnectionSource;
  cutter: ConnectionCutter;
  /** The command line's filter in words, for the title. */
  scope: string;
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

export function runTui(o: RunTuiOptions): Promise<TuiOutcome> {
  const stdout = o.stdout ?? process.stdout;
  const stdin = o.stdin ?? process.stdin;
  const stderr = o.stderr ?? process.stderr;
  const theme = themeFor(o.env ?? process.env);
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
    // the firewall's own exit hook (when a cut is running) removes its rules on 'exit'
    process.exit(128 + SIGNALS[sig]);
  };
  process.on('exit', onExit);
  for (const s of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) process.on(s, onSignal);
  if (alt) {
    stdout.write(ENTER_ALT_SCREEN);
    inAlt = true;
  }
  const detach = () => {
    leave();
    process.off('exit', onExit);
    for (const s of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) process.off(s, onSignal);
  };

  let outcome: TuiOutcome = { results: [] };
  let instance;
  try {
    instance = render(
      <CutterApp
        source={o.source}
        cutter={o.cutter}
        scope={o.scope}
        theme={theme}
        onExit={(x) => (outcome = x)}
      />,
      // Ctrl-C is a key of the view: quitting must first stop a running cut and remove its rules
      { stdin, stdout, stderr, exitOnCtrlC: false },
    );
  } catch (e) {
    detach();
    throw e;
  }
  return instance.waitUntilExit().then(
    () => {
      detach();
      return outcome;
    },
    (e: unknown) => {
      detach();
      throw e;
    },
  );
}
