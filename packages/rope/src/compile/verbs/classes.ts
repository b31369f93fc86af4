// isupper … isuri: 1 if every byte of a non-empty string is in the class.
import { allInClass, CHAR_CLASSES } from '../../runtime/char-classes.js';
import type { VerbImpl } from '../operand.js';
import { unary } from './common.js';

export const classVerbs: Record<string, VerbImpl> = Object.fromEntries(
  Object.entries(CHAR_CLASSES).map(([name, t]) => [
    name,
    unary('str', (_m, _s, x) => allInClass(t, x as string)),
  ]),
);
