// The one way into rope top: draws it on the terminal (in the alternate screen, so the shell's
// scrollback is left as it was) and resolves once the user quit.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { renderFullScreen, themeFor, type FullScreenOptions } from '@p2pwall/tui';
import { TopApp } from './app.js';
import type { TopSource } from './ports.js';

export interface RunTopOptions extends FullScreenOptions {
  source: TopSource;
  env?: NodeJS.ProcessEnv;
}

export async function runTop(o: RunTopOptions): Promise<void> {
  await renderFullScreen(
    <TopApp source={o.source} theme={themeFor(o.env ?? process.env)} onExit={() => {}} />,
    o,
  );
}
