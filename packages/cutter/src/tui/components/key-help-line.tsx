// The bottom line: the keys that work in the current mode.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Text } from 'ink';
import type { Mode } from '../state/tui-state.js';
import { useTheme } from '../theme.js';
import { Seg } from './seg.js';

export function keyHints(mode: Mode, moveKeys: string): [string, string][] {
  switch (mode) {
    case 'browse':
      return [
        [moveKeys, 'move'],
        ['space', 'select'],
        ['a', 'all'],
        ['/', 'filter'],
        ['c', 'cut'],
        ['r', 'refresh'],
        ['?', 'help'],
        ['q', 'quit'],
      ];
    case 'filter':
      return [
        ['Enter', 'keep'],
        ['Esc', 'restore'],
        ['Ctrl-U', 'clear'],
        ['e.g.', '192.0.2.10 80 | port 6881-6889 | udp | state TIME_WAIT'],
      ];
    case 'confirm':
      return [
        ['y', 'cut'],
        ['any other key', 'cancel'],
      ];
    case 'help':
      return [['any key', 'back']];
  }
}

export function KeyHelpLine({ mode }: { mode: Mode }) {
  const theme = useTheme();
  const hints = keyHints(mode, theme.glyphs.moveKeys);
  return (
    <Text wrap="truncate">
      {hints.map(([k, what], i) => (
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
