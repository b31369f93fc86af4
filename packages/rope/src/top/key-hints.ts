// The bottom line's keys per mode (drawn by @p2pwall/tui's KeyHelpLine).
import { confirmHints, HELP_HINTS, lineEditHints, type KeyHint } from '@p2pwall/tui';
import type { Mode } from './state/reducer.js';

export function keyHints(mode: Mode, moveKeys: string): readonly KeyHint[] {
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
      return lineEditHints('block', 'cancel');
    case 'confirm':
      return confirmHints('pass-all on');
    case 'help':
      return HELP_HINTS;
  }
}
