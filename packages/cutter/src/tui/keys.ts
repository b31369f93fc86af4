// Key presses to intents, per mode. Pure: the input hook hands over what Ink parsed, the tests
// build key presses by hand. The reducer never sees a key: applyKeyPress turns a press into
// intents and gives each to it.
import type { Intent } from './state/actions.js';
import type { Mode } from './state/tui-state.js';

/** The subset of Ink's Key this view looks at. */
export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
}

/** A key press as Ink delivers it: one key, or several characters that arrived together. */
export interface KeyPressed {
  type: 'keyPressed';
  input: string;
  key: KeyPress;
  now: number;
}

/** What a key asks for: an intent, or a cut confirmation (applyKeyPress adds the time). */
export type KeyIntent = Exclude<Intent, { type: 'confirmCut' }> | { type: 'confirmCut' } | null;

export function keyToIntent(mode: Mode, input: string, key: KeyPress): KeyIntent {
  // Ctrl-C quits from anywhere (Ink hands it over as input because the view owns raw mode)
  if (key.ctrl && input === 'c') return { type: 'quit' };

  switch (mode) {
    case 'confirm':
      // one key: y cuts, any other key (n, Esc, Enter, …) cancels
      return input === 'y' || input === 'Y' ? { type: 'confirmCut' } : { type: 'cancelCut' };

    case 'help':
      return { type: 'toggleHelp' };

    case 'filter':
      if (key.return) return { type: 'filterCommit' };
      if (key.escape) return { type: 'filterCancel' };
      if (key.backspace || key.delete) return { type: 'filterBackspace' };
      if (key.ctrl && input === 'u') return { type: 'filterClearLine' };
      if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.tab) return null;
      {
        // printable text only (a paste arrives as one string)
        const text = input.replace(/[\x00-\x1f\x7f]/g, '');
        return text ? { type: 'filterType', text } : null;
      }

    case 'browse':
      if (key.upArrow || input === 'k') return { type: 'move', delta: -1 };
      if (key.downArrow || input === 'j') return { type: 'move', delta: 1 };
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

/**
 * Splits a chunk of several characters into single keys. Ink hands over text that arrived at once
 * (keys typed faster than the view reads them, or a paste) as one string; this view acts on each.
 */
export function splitBurst(input: string): { input: string; key: KeyPress }[] {
  return [...input].map((ch) => {
    const code = ch.charCodeAt(0);
    if (ch === '\r' || ch === '\n') return { input: '', key: { return: true } };
    if (ch === '\x7f' || ch === '\b') return { input: '', key: { backspace: true } };
    if (ch === '\t') return { input: '', key: { tab: true } };
    if (code >= 1 && code <= 26)
      return { input: String.fromCharCode(code + 96), key: { ctrl: true } };
    return { input: ch, key: {} };
  });
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
