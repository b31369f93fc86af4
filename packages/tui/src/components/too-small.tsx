// What a terminal below the minimum size gets instead of a mangled view: one line saying so.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Text } from 'ink';
import { MIN_COLUMNS, MIN_ROWS, type TerminalSize } from '../screen-size.js';
import { useTheme } from '../theme.js';

export function tooSmallText(size: TerminalSize, times: string): string {
  return `terminal too small: need ${MIN_COLUMNS}${times}${MIN_ROWS}, have ${size.columns}${times}${size.rows} (q quits)`;
}

export function TooSmall({ size }: { size: TerminalSize }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate">
      {tooSmallText(size, theme.glyphs.times).slice(0, Math.max(1, size.columns))}
    </Text>
  );
}
