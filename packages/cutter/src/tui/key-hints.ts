// The bottom line's keys per mode (drawn by @p2pwall/tui's KeyHelpLine).
import { confirmHints, HELP_HINTS, lineEditHints, type KeyHint } from '@p2pwall/tui';
import type { Mode } from './state/tui-state.js';

export function keyHints(mode: Mode, moveKeys: string): readonly KeyHint[] {
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
        ...lineEditHints('keep', 'restore'),
        ['e.g.', '192.0.2.10 80 | port 6881-6889 | udp | state TIME_WAIT'],
      ];
    case 'confirm':
      return confirmHints('cut');
    case 'help':
      return HELP_HINTS;
  }
}
