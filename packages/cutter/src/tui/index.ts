// cutter's interactive view (Ink). Entered through runTui(); the App and its parts are exported
// for tests and for embedding with another connection source or cutter.
export { runTui, type RunTuiOptions } from './run-tui.js';
export { CutterApp, type CutterAppProps, type TuiOutcome } from './app.js';
export type { ConnectionCutter, ConnectionSource, CutHooks, SourceSink } from './ports.js';
export { LiveConnections } from './live-source.js';
export { engineCutter } from './engine-cutter.js';
export { themeFor, PLAIN_THEME, type Theme } from './theme.js';
export { KEY_HELP } from './keys.js';
export { ManualConnections } from './manual-source.js';
