// Kinds of values as the checker sees them, and as verbs declare their operands.
//   int    32-bit signed integer
//   str    byte string
//   value  int or str (the result type of and/or/xor, get of a user register …)
//   block  code
//   tm     broken-down time (localtime/gmtime)
//   ref    register reference (only put/inc/dec/get take it as such)
//   any    any of the above except a reference (references are dereferenced)
//   item   a raw stack item, reference or not (dup, drop, swap, over)
export type Ty = 'int' | 'str' | 'value' | 'block' | 'tm' | 'ref' | 'any' | 'item';

export function tyName(t: Ty): string {
  switch (t) {
    case 'int':
      return 'an integer';
    case 'str':
      return 'a string';
    case 'value':
      return 'an integer or a string';
    case 'block':
      return 'a block';
    case 'tm':
      return 'a time (from localtime/gmtime)';
    case 'ref':
      return 'a register reference';
    case 'any':
    case 'item':
      return 'a value';
  }
}
