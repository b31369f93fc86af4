// The bottom line: the keys that work in the current mode.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Text } from 'ink';
import type { Mode } from '../state/reducer.js';
import { useTheme } from '../theme.js';
import { Seg } from './seg.js';

export function keyHints(mode: Mode, moveKeys: string): [string, string][] {
  switch (mode) {
    case 'view':
      return [
        [moveKeys, 'move'],
        ['u', 'unlock/unblock'],
        ['b', 'block'],
        ['p', 'pass-all'],
        ['?', 'help'],
        ['q', 'quit'],
      ];
    case 'prompt':
      return [
        ['Enter', 'block'],
        ['Esc', 'cancel'],
        ['Ctrl-U', 'clear'],
      ];
    case 'confirm':
      return [
        ['y', 'pass-all on'],
        ['any other key', 'cancel'],
      ];
    case 'help':
      return [['any key', 'back']];
  }
}

export function KeyHelpLine({ mode }: { mode: Mode }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate">
      {keyHints(mode, theme.glyphs.moveKeys).map(([k, what], i) => (
        <Text key={k}>
          {i > 0 ? '  ' : ''}
          <Seg bold tone="accent">
            {k}
          </Seg>
          {` ${what}`}
        </Text>
      ))}
    </Text>
  );
}
