// Keys to intents, per mode. Pure: the input hook feeds it what Ink parsed, the tests by hand.
import {
  cursorStep,
  isCtrlC,
  lineEditKey,
  type KeyPress,
  type LineEditIntents,
} from '@p2pwall/tui';
import type { Mode } from './state/mode.js';

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

const PROMPT_KEYS: LineEditIntents<KeyIntent> = {
  submit: { type: 'promptSubmit' },
  cancel: { type: 'promptCancel' },
  backspace: { type: 'promptBackspace' },
  clear: { type: 'promptClear' },
  type: (text) => ({ type: 'promptType', text }),
};

export function keyToIntent(mode: Mode, input: string, key: KeyPress): KeyIntent {
  if (isCtrlC(input, key)) return { type: 'quit' };
  switch (mode) {
    case 'help':
      return { type: 'toggleHelp' };
    case 'confirm':
      return { type: 'confirm', yes: input === 'y' || input === 'Y' };
    case 'prompt':
      return lineEditKey(input, key, PROMPT_KEYS);
    case 'view': {
      const step = cursorStep(input, key);
      if (step !== 0) return { type: 'move', delta: step };
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
