// How the terminal views look: colours (none under NO_COLOR or TERM=dumb) and the glyphs they draw
// with (ASCII unless the locale says UTF-8). Every piece of meaning colour carries is also carried
// by a marker or a word, so a view reads the same in black and white. A view with glyphs of its
// own (cutter's spinner) extends Glyphs and passes both sets to themeFor.
import { createContext, useContext } from 'react';

export type Tone = 'ok' | 'bad' | 'warn' | 'busy' | 'muted' | 'accent';

/** The glyphs every view draws with. */
export interface Glyphs {
  /** Marks the row under the cursor. */
  cursor: string;
  /** Separates the items of a title or status line. */
  dot: string;
  /** The movement keys in the key line. */
  moveKeys: string;
  /** "60×10". */
  times: string;
}

export interface Theme<G extends Glyphs = Glyphs> {
  /** False: no colour and no other styling (NO_COLOR); markers and words carry everything. */
  color: boolean;
  /** Ink colour name per tone (unused when `color` is false). */
  tones: Record<Tone, string>;
  glyphs: G;
}

const TONES: Record<Tone, string> = {
  ok: 'green',
  bad: 'red',
  warn: 'yellow',
  busy: 'cyan',
  muted: 'gray',
  accent: 'cyan',
};

export const ASCII_GLYPHS: Glyphs = { cursor: '>', dot: '|', moveKeys: 'j/k', times: 'x' };
export const UNICODE_GLYPHS: Glyphs = { cursor: '>', dot: '·', moveKeys: '↑↓/jk', times: '×' };

/** The theme an environment asks for: NO_COLOR (any non-empty value, per no-color.org) or TERM=dumb → no colour. */
export function themeFor(env?: NodeJS.ProcessEnv): Theme;
export function themeFor<G extends Glyphs>(
  env: NodeJS.ProcessEnv,
  glyphs: { ascii: G; unicode: G },
): Theme<G>;
export function themeFor(
  env: NodeJS.ProcessEnv = process.env,
  glyphs: { ascii: Glyphs; unicode: Glyphs } = { ascii: ASCII_GLYPHS, unicode: UNICODE_GLYPHS },
): Theme {
  const noColor = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  const utf8 = /utf-?8/i.test(locale);
  return { color: !noColor, tones: TONES, glyphs: utf8 ? glyphs.unicode : glyphs.ascii };
}

/** Plain ASCII, no colour: what tests render with, so frames compare as text. */
export function plainTheme<G extends Glyphs>(ascii: G): Theme<G> {
  return { color: false, tones: TONES, glyphs: ascii };
}

export const PLAIN_THEME: Theme = plainTheme(ASCII_GLYPHS);

export const ThemeContext = createContext<Theme>(PLAIN_THEME);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** Ink <Text> colour props for a tone, or none without colour. */
export function toneProps(
  theme: Theme,
  tone: Tone | undefined,
): { color?: string; dimColor?: boolean } {
  if (!theme.color || !tone) return {};
  if (tone === 'muted') return { dimColor: true };
  return { color: theme.tones[tone] };
}
