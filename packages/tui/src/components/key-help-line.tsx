// The bottom line: the keys that work in the current mode, as the view lists them.
/* @jsxRuntime automatic */ // tests run through tsx, which reads the root tsconfig (no jsx setting)
import { Text } from 'ink';
import { Seg } from './seg.js';

/** A key and what it does, e.g. ['q', 'quit']. */
export type KeyHint = [keys: string, what: string];

/** A yes/no question's keys: y does `yes`, any other key cancels (the views ask all alike). */
export function confirmHints(yes: string): KeyHint[] {
  return [
    ['y', yes],
    ['any other key', 'cancel'],
  ];
}

/** A one-line prompt's keys (lineEditKey's): what Enter and Esc do there, and Ctrl-U. */
export function lineEditHints(submit: string, cancel: string): KeyHint[] {
  return [
    ['Enter', submit],
    ['Esc', cancel],
    ['Ctrl-U', 'clear'],
  ];
}

/** While the help is shown, any key goes back. */
export const HELP_HINTS: readonly KeyHint[] = [['any key', 'back']];

export function KeyHelpLine({ hints }: { hints: readonly KeyHint[] }) {
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
