// How rope top looks: colours (none under NO_COLOR or TERM=dumb) and the few glyphs it draws
// (ASCII unless the locale says UTF-8). Colour never carries meaning alone: the cursor has its
// marker, pass-all and a lost connection are spelled out. The same rules as cutter's view
// (packages/cutter/src/tui/theme.ts); the packages do not share UI code.
import { createContext, useContext } from 'react';

export type Tone = 'ok' | 'bad' | 'warn' | 'muted' | 'accent';

export interface Theme {
  /** False: no colour and no other styling (NO_COLOR). */
  color: boolean;
  tones: Record<Tone, string>;
  glyphs: {
    /** Marks the row under the cursor. */
    cursor: string;
    /** Separates title items. */
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
  muted: 'gray',
  accent: 'cyan',
};

const ASCII = { cursor: '>', dot: '|', moveKeys: 'j/k', times: 'x' } as const;
const UNICODE = { cursor: '>', dot: '·', moveKeys: '↑↓/jk', times: '×' } as const;

/** NO_COLOR (any non-empty value, per no-color.org) or TERM=dumb → no colour. */
export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  const noColor = (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return { color: !noColor, tones: TONES, glyphs: /utf-?8/i.test(locale) ? UNICODE : ASCII };
}

/** Plain ASCII without colour: what the tests render with, so frames compare as text. */
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
