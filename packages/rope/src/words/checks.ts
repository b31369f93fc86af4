// Compile-time checks that several words share (the others sit with their word).
import { derefType, type Abs } from '../check/abstract.js';
import { NO_PROBLEMS, type WordProblem } from './word.js';

/** Comparisons and bitwise words: two integers or two strings, never one of each. */
export function sameKinds(ops: readonly Abs[], name: string): readonly WordProblem[] {
  const kinds = new Set(ops.map((o) => derefType(o)).filter((t) => t === 'int' || t === 'str'));
  if (kinds.size > 1)
    return [
      {
        code: 'type',
        message: `\`${name}\` needs two integers or two strings, here it gets an integer and a string`,
      },
    ];
  return NO_PROBLEMS;
}
