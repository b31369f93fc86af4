// The key handling both views share, pure: what a key press holds, text that arrived at once taken
// key by key, and the keys of a one-line text prompt. Each view maps keys to its own intents.

/** The subset of Ink's Key the views look at. */
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

/**
 * Splits a chunk of several characters into single keys. Ink hands over text that arrived at once
 * (keys typed faster than the view reads them, or a paste) as one string; the views act on each,
 * so that "198.51.100.7\r" types an address and then submits it.
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

/** Ctrl-C quits from anywhere (Ink hands it over as input because the view owns raw mode). */
export function isCtrlC(input: string, key: KeyPress): boolean {
  return key.ctrl === true && input === 'c';
}

/** The cursor keys of a list: up/k and down/j, as a step (0: not one of them). */
export function cursorStep(input: string, key: KeyPress): -1 | 0 | 1 {
  if (key.upArrow || input === 'k') return -1;
  if (key.downArrow || input === 'j') return 1;
  return 0;
}

/** What a view makes of each key of a one-line prompt (a filter, an address). */
export interface LineEditIntents<I> {
  /** Enter. */
  submit: I;
  /** Esc. */
  cancel: I;
  /** Backspace or Delete. */
  backspace: I;
  /** Ctrl-U. */
  clear: I;
  /** Printable text: one key or a paste. */
  type(text: string): I;
}

/** A key typed into a one-line prompt; null for keys the prompt ignores. */
export function lineEditKey<I>(input: string, key: KeyPress, to: LineEditIntents<I>): I | null {
  if (key.return) return to.submit;
  if (key.escape) return to.cancel;
  if (key.backspace || key.delete) return to.backspace;
  if (key.ctrl && input === 'u') return to.clear;
  if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.tab) return null;
  // printable text only (a paste arrives as one string)
  const text = input.replace(/[\x00-\x1f\x7f]/g, '');
  return text ? to.type(text) : null;
}
