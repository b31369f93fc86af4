// Pieces of the checker's messages that several checks share.
import type { Span } from '../source.js';

/** ` (pushed at 3:7)`: where an operand came from, when known. */
export function where(s: Span | undefined): string {
  return s ? ` (pushed at ${s.line}:${s.column})` : '';
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
