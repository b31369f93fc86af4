// The one way into the interactive view: draws it on the terminal (in the alternate screen, so
// the shell's scrollback is left as it was) and resolves with the outcome once the user quit and
// any running cut has removed its temporary rules.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { renderFullScreen, type FullScreenOptions } from '@p2pwall/tui';
import { CutterApp, type TuiOutcome } from './app.js';
import type { ConnectionCutter, ConnectionSource } from './ports.js';
import { themeFor } from './theme.js';

export interface RunTuiOptions extends FullScreenOptions {
  source: ConnectionSource;
  cutter: ConnectionCutter;
  /** The command line's filter in words, for the title. */
  scope: string;
  env?: NodeJS.ProcessEnv;
}

export async function runTui(o: RunTuiOptions): Promise<TuiOutcome> {
  let outcome: TuiOutcome = { results: [] };
  await renderFullScreen(
    <CutterApp
      source={o.source}
      cutter={o.cutter}
      scope={o.scope}
      theme={themeFor(o.env ?? process.env)}
      onExit={(x) => (outcome = x)}
    />,
    o,
  );
  return outcome;
}
