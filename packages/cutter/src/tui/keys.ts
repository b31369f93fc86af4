// Key presses to intents, per mode. Pure: the input hook hands over what Ink parsed, the tests
// build key presses by hand. The reducer never sees a key: applyKeyPress turns a press into
// intents and gives each to it.
import {
  cursorStep,
  isCtrlC,
  lineEditKey,
  splitBurst,
  type KeyPress,
  type LineEditIntents,
} from '@p2pwall/tui';
import type { Intent } from './state/actions.js';
import type { Mode } from './state/tui-state.js';

/** A key press as Ink delivers it: one key, or several characters that arrived together. */
export interface KeyPressed {
  type: 'keyPressed';
  input: string;
  key: KeyPress;
  now: number;
}

/** What a key asks for: an intent, or a cut confirmation (applyKeyPress adds the time). */
export type KeyIntent = Exclude<Intent, { type: 'confirmCut' }> | { type: 'confirmCut' } | null;

const FILTER_KEYS: LineEditIntents<KeyIntent> = {
  submit: { type: 'filterCommit' },
  cancel: { type: 'filterCancel' },
  backspace: { type: 'filterBackspace' },
  clear: { type: 'filterClearLine' },
  type: (text) => ({ type: 'filterType', text }),
};

export function keyToIntent(mode: Mode, input: string, key: KeyPress): KeyIntent {
  if (isCtrlC(input, key)) return { type: 'quit' };

  switch (mode) {
    case 'confirm':
      // one key: y cuts, any other key (n, Esc, Enter, …) cancels
      return input === 'y' || input === 'Y' ? { type: 'confirmCut' } : { type: 'cancelCut' };

    case 'help':
      return { type: 'toggleHelp' };

    case 'filter':
      return lineEditKey(input, key, FILTER_KEYS);

    case 'browse': {
      const step = cursorStep(input, key);
      if (step !== 0) return { type: 'move', delta: step };
      if (key.pageUp || (key.ctrl && input === 'b')) return { type: 'page', direction: -1 };
      if (key.pageDown || (key.ctrl && input === 'f')) return { type: 'page', direction: 1 };
      if (key.home || input === 'g') return { type: 'moveTo', where: 'first' };
      if (key.end || input === 'G') return { type: 'moveTo', where: 'last' };
      if (key.escape || input === 'q') return { type: 'quit' };
      if (key.return || input === 'c') return { type: 'requestCut' };
      if (key.ctrl || key.meta) return null;
      switch (input) {
        case ' ':
          return { type: 'toggleSelect' };
        case 'a':
          return { type: 'selectAllVisible' };
        case '/':
          return { type: 'openFilter' };
        case 'r':
          return { type: 'refresh' };
        case '?':
          return { type: 'toggleHelp' };
      }
      return null;
    }
  }
}

/**
 * Gives the intents of a key press to `apply` (the reducer), each key read in the mode the one
 * before left. Several characters at once are taken one by one, but such a burst never confirms
 * a cut: "cy" pasted or typed in one go asks and then cancels — a cut needs its own deliberate "y".
 */
export function applyKeyPress<S extends { mode: Mode }>(
  s: S,
  press: KeyPressed,
  apply: (s: S, intent: Intent) => S,
): S {
  const { input, key, now } = press;
  const single = [...input].length <= 1 || (s.mode === 'filter' && !/[\x00-\x1f\x7f]/.test(input));
  const keys = single ? [{ input, key }] : splitBurst(input);
  let st = s;
  for (const k of keys) {
    const intent = keyToIntent(st.mode, k.input, k.key);
    if (!intent) continue;
    if (intent.type === 'confirmCut')
      st = apply(st, single ? { type: 'confirmCut', now } : { type: 'cancelCut' });
    else st = apply(st, intent);
  }
  return st;
}

/** The key list: shown by `?` and in the docs. */
export const KEY_HELP: readonly [keys: string, what: string][] = [
  ['up/down, j/k', 'move the cursor'],
  ['PgUp/PgDn, g/G', 'page up/down, first/last row'],
  ['space', 'select or unselect the row under the cursor'],
  ['a', 'select all shown rows (again: unselect all)'],
  ['/', 'filter the table: address, port, proto, state, mark (Enter keeps, Esc restores)'],
  ['c, Enter', 'cut the selected rows (none selected: the row under the cursor); y confirms'],
  ['r', 'refresh: re-read the conntrack table'],
  ['?', 'this help (any key closes it)'],
  ['q, Esc, Ctrl-C', 'quit (a running cut is interrupted and its firewall rules removed)'],
];
