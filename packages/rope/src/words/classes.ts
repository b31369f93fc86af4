// isupper … isuri: 1 if every byte of a non-empty string is in the class. `{ isdigit }` alone in
// a block is the class table itself (`byteClass`): lift_while and expect_while scan with it.
import { allInClass, CHAR_CLASSES } from '../runtime/char-classes.js';
import { unary } from './impl-helpers.js';
import { wordsOf, type WordSpec } from './word.js';

/** The classes in the reference's order, with what they hold. */
const CLASSES: [string, string][] = [
  ['isupper', 'A–Z'],
  ['islower', 'a–z'],
  ['isalpha', 'A–Z a–z'],
  ['isdigit', '0–9'],
  ['isalnum', 'A–Z a–z 0–9'],
  ['isspace', 'space, \\t \\n \\v \\f \\r'],
  ['iseoln', '\\r or \\n'],
  ['iscntrl', 'bytes 0–31 and 127'],
  ['isgraph', 'printable ASCII except space (33–126)'],
  ['isprint', 'printable ASCII (32–126)'],
  ['ispunct', 'graphic ASCII that is not a letter or digit'],
  ['isxdigit', '0–9 A–F a–f'],
  ['isascii', 'bytes 0–127'],
  ['isuri', 'bytes allowed in a URI (RFC 3986 unreserved and reserved characters, and %)'],
];

export const classWords = wordsOf(
  'classes',
  CLASSES.map(([name, what]): WordSpec => {
    const table = CHAR_CLASSES[name];
    return {
      name,
      effect: '( s -- n )',
      in: ['str'],
      out: ['int'],
      pure: true,
      summary: `1 if every byte of a non-empty s is ${what}`,
      byteClass: table,
      impl: unary('str', (_m, _s, x) => allInClass(table, x as string)),
    };
  }),
);
