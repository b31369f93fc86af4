// How the interactive view looks: colours (none under NO_COLOR or TERM=dumb) and the glyphs it
// draws with (ASCII unless the locale says UTF-8). Every piece of meaning colour carries is also
// carried by a marker or a word, so the view reads the same in black and white.
import { createContext, useContext } from 'react';

export type Tone = 'ok' | 'bad' | 'warn' | 'busy' | 'muted' | 'accent';

export interface Theme {
  /** False: no colour and no other styling (NO_COLOR); markers and words carry everything. */
  color: boolean;
  /** Ink colour name per tone (unused when `color` is false). */
  tones: Record<Tone, string>;
  glyphs: {
    /** Marks the row under the cursor. */
    cursor: string;
    /** Marks a selected row. */
    selected: string;
    /** Replaces the cut-off part of a value that does not fit. */
    ellipsis: string;
    /** Frames of the progress spinner while cuts run. */
    spinner: readonly string[];
    /** Separates status-line items. */
    dot: string;
    /** The movement keys in the key line. */
    moveKeys: string;
    /** "60×10". */
    times: string;
  };
}

const TONES: Record<Tone, string> = {
  ok: 'green',
  bad: 'red',
  warn: 'yellow',
  busy: 'cyan',
  muted: 'gray',
  accent: 'cyan',
};

const ASCII = {
  cursor: '>',
  selected: '*',
  ellipsis: '~',
  spinner: ['|', '/', '-', '\\'],
  dot: '|',
  moveKeys: 'j/k',
  times: 'x',
} as const;

const UNICODE = {
  cursor: '>',
  selected: '*',
  ellipsis: '…',
  spinner: ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'],
  dot: '·',
  moveKeys: '↑↓/jk',
  times: '×',
} as const;

/** The theme an environment asks for: NO_COLOR (any value, per no-color.org) or TERM=dumb → no colour. */
export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  const noColor = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  const utf8 = /utf-?8/i.test(locale);
  return { color: !noColor, tones: TONES, glyphs: utf8 ? UNICODE : ASCII };
}

/** Plain ASCII, no colour: what tests render with, so frames compare as text. */
export const PLAIN_THEME: Theme = { color: false, tones: TONES, glyphs: ASCII };

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
