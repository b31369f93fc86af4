// The public surface of @p2pwall/tui: the Ink pieces rope top and cutter's interactive view share.
export {
  confirmHints,
  HELP_HINTS,
  KeyHelpLine,
  lineEditHints,
  type KeyHint,
} from './components/key-help-line.js';
export { Seg } from './components/seg.js';
export { TooSmall, tooSmallText } from './components/too-small.js';
export * from './keys.js';
export { renderFullScreen, type FullScreenOptions } from './render-full-screen.js';
export { MIN_COLUMNS, MIN_ROWS, tooSmall, type TerminalSize } from './screen-size.js';
export {
  ASCII_GLYPHS,
  PLAIN_THEME,
  plainTheme,
  themeFor,
  ThemeContext,
  toneProps,
  UNICODE_GLYPHS,
  useTheme,
  type Glyphs,
  type Theme,
  type Tone,
} from './theme.js';
export { useKeyPresses } from './use-key-presses.js';
export { useTerminalSize } from './use-terminal-size.js';
