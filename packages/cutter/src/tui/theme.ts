// How the interactive view looks: @p2pwall/tui's theme (colours, the glyphs every view uses) with
// the glyphs of this view's own: row selection, cut-off values and the spinner of a running cut.
import {
  ASCII_GLYPHS,
  plainTheme,
  themeFor as tuiThemeFor,
  UNICODE_GLYPHS,
  useTheme as useTuiTheme,
  type Glyphs,
  type Theme as TuiTheme,
} from '@p2pwall/tui';

export interface CutterGlyphs extends Glyphs {
  /** Marks a selected row. */
  selected: string;
  /** Replaces the cut-off part of a value that does not fit. */
  ellipsis: string;
  /** Frames of the progress spinner while cuts run. */
  spinner: readonly string[];
}

export type Theme = TuiTheme<CutterGlyphs>;

const ASCII: CutterGlyphs = {
  ...ASCII_GLYPHS,
  selected: '*',
  ellipsis: '~',
  spinner: ['|', '/', '-', '\\'],
};

const UNICODE: CutterGlyphs = {
  ...UNICODE_GLYPHS,
  selected: '*',
  ellipsis: '…',
  spinner: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
};

/** The theme an environment asks for (see @p2pwall/tui's themeFor). */
export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  return tuiThemeFor(env, { ascii: ASCII, unicode: UNICODE });
}

/** Plain ASCII, no colour: what tests render with, so frames compare as text. */
export const PLAIN_THEME: Theme = plainTheme(ASCII);

function hasCutterGlyphs(theme: TuiTheme): theme is Theme {
  return 'spinner' in theme.glyphs;
}

/**
 * The theme CutterApp provides through @p2pwall/tui's context; the plain one when a component is
 * drawn without it (the context's own default knows only the shared glyphs).
 */
export function useTheme(): Theme {
  const theme = useTuiTheme();
  return hasCutterGlyphs(theme) ? theme : PLAIN_THEME;
}
