// Keys to intents, per mode. Pure: the input hook feeds it what Ink parsed, the tests by hand.
import type { Mode } from './state/mode.js';

/** The subset of Ink's Key this view looks at. */
export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
}

export type KeyIntent =
  | { type: 'quit' }
  | { type: 'move'; delta: number }
  | { type: 'lift' }
  | { type: 'openBlockPrompt' }
  | { type: 'togglePassAll' }
  | { type: 'toggleHelp' }
  | { type: 'confirm'; yes: boolean }
  | { type: 'promptType'; text: string }
  | { type: 'promptBackspace' }
  | { type: 'promptClear' }
  | { type: 'promptSubmit' }
  | { type: 'promptCancel' }
  | null;

export function keyToIntent(mode: Mode, input: string, key: KeyPress): KeyIntent {
  // Ctrl-C quits from anywhere (Ink hands it over as input because the view owns raw mode)
  if (key.ctrl && input === 'c') return { type: 'quit' };
  switch (mode) {
    case 'help':
      return { type: 'toggleHelp' };
    case 'confirm':
      return { type: 'confirm', yes: input === 'y' || input === 'Y' };
    case 'prompt':
      if (key.return) return { type: 'promptSubmit' };
      if (key.escape) return { type: 'promptCancel' };
      if (key.backspace || key.delete) return { type: 'promptBackspace' };
      if (key.ctrl && input === 'u') return { type: 'promptClear' };
      if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.tab) return null;
      {
        const text = input.replace(/[\x00-\x1f\x7f]/g, '');
        return text ? { type: 'promptType', text } : null;
      }
    case 'view':
      if (key.upArrow || input === 'k') return { type: 'move', delta: -1 };
      if (key.downArrow || input === 'j') return { type: 'move', delta: 1 };
      if (key.escape || input === 'q') return { type: 'quit' };
      if (key.ctrl || key.meta) return null;
      switch (input) {
        case 'u':
          return { type: 'lift' };
        case 'b':
          return { type: 'openBlockPrompt' };
        case 'p':
          return { type: 'togglePassAll' };
        case '?':
          return { type: 'toggleHelp' };
      }
      return null;
  }
}

/** The key list, for `?` and the docs. */
export const KEY_HELP: readonly [keys: string, what: string][] = [
  ['up/down, j/k', 'move the cursor over the locked clients and blocked peers'],
  ['u', 'unlock the client / unblock the peer under the cursor'],
  ['b', 'block a peer: type ADDR, ADDR:PORT or [ADDR6]:PORT, then a time (5m) if you like'],
  ['p', "toggle pass-all (ftwall's accept-all); turning it on asks first"],
  ['?', 'this help (any key goes back)'],
  ['q, Esc, Ctrl-C', 'quit (rope run goes on)'],
];

/**
 * Splits text that arrived at once (keys typed faster than the view reads them, a paste) into
 * single keys, so that "198.51.100.7\r" types the address and then submits it.
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
