// The verbs of the language with their stack effects: what the checker needs to know about each
// (operand kinds, results, anchor form), independent of how the compiler implements them
// (compile/verbs/). A test keeps the two tables in step and the language reference complete.
import type { Ty } from './types.js';

export type VerbGroup =
  | 'registers'
  | 'control'
  | 'stack'
  | 'integers'
  | 'logic'
  | 'comparison'
  | 'strings'
  | 'classes'
  | 'packet'
  | 'conversion'
  | 'output'
  | 'time';

export interface VerbInfo {
  name: string;
  group: VerbGroup;
  /** Stack effect as the reference writes it. */
  effect: string;
  /** Operands, top of stack last. */
  in: Ty[];
  /** Results, top of stack last. */
  out: Ty[];
  /**
   * fixed: `verb( … )` takes exactly `in.length` arguments; variadic: see `variadic`;
   * none: no anchor form; only: anchor form required.
   */
  anchor: 'fixed' | 'variadic' | 'none' | 'only';
  /** The anchor form's arguments: their kind and how many. */
  variadic?: { of: Ty; min: number; max?: number };
  /** Runs blocks or ends the run: the checker models it by hand. */
  control?: boolean;
  /** No side effects: may be evaluated at compile time on constant operands. */
  pure?: boolean;
  /** Not in the historical rope (an addition of this implementation). */
  addition?: boolean;
  summary: string;
}

type Extra = Partial<Pick<VerbInfo, 'anchor' | 'variadic' | 'control' | 'pure' | 'addition'>>;

const table: VerbInfo[] = [];
function verb(
  name: string,
  group: VerbGroup,
  effect: string,
  inp: Ty[],
  out: Ty[],
  summary: string,
  extra: Extra = {},
): void {
  table.push({ name, group, effect, in: inp, out, anchor: 'fixed', summary, ...extra });
}

const pure = { pure: true };
const variadicInt = { anchor: 'variadic', variadic: { of: 'int', min: 1 }, pure: true } as const;

// Registers
verb('get', 'registers', '( ref -- v )', ['ref'], ['any'], 'value of a register');
verb('put', 'registers', '( v ref -- )', ['any', 'ref'], [], 'store a value in a register');
verb(
  'reg',
  'registers',
  '( n -- ref )',
  ['int'],
  ['ref'],
  'user register n: 0 is `$a` … 25 is `$z`',
);
verb(
  'greg',
  'registers',
  '( n -- ref )',
  ['int'],
  ['ref'],
  'global integer register n (0–255), shared by every script of the engine and kept between runs',
);
verb(
  'freg',
  'registers',
  '( n -- ref )',
  ['int'],
  ['ref'],
  'flow register n (0–15): kept between the packets of one flow, per script',
  { addition: true },
);
verb('inc', 'registers', '( ref -- )', ['ref'], [], 'add 1 to an integer register');
verb('dec', 'registers', '( ref -- )', ['ref'], [], 'subtract 1 from an integer register');

// Control
verb('do', 'control', '( blk -- … )', ['block'], [], 'run a block', { control: true });
verb('repeat', 'control', '( n blk -- … )', ['int', 'block'], [], 'run a block n times', {
  control: true,
});
verb('if', 'control', '( b blk -- … )', ['any', 'block'], [], 'run a block if b is true', {
  control: true,
});
verb('unless', 'control', '( b blk -- … )', ['any', 'block'], [], 'run a block if b is false', {
  control: true,
});
verb(
  'ifelse',
  'control',
  '( b blkTrue blkFalse -- … )',
  ['any', 'block', 'block'],
  [],
  'run one of two blocks',
  { control: true },
);
verb(
  'while',
  'control',
  '( blkCond blkBody -- … )',
  ['block', 'block'],
  [],
  'run the body while the condition block leaves a true value',
  { control: true },
);
verb(
  'until',
  'control',
  '( blkCond blkBody -- … )',
  ['block', 'block'],
  [],
  'run the body until the condition block leaves a true value',
  { control: true },
);
verb(
  'eval',
  'control',
  '( blk -- n )',
  ['block'],
  ['int'],
  'run a block and push how it ended: YES, NO, FAIL or OKAY',
  { control: true },
);
verb(
  'expect_one',
  'control',
  '( blk… -- … )',
  [],
  [],
  'try blocks in turn until one does not end with NO',
  {
    anchor: 'only',
    variadic: { of: 'block', min: 1 },
    control: true,
  },
);
verb(
  'yes',
  'control',
  '( [b] -- )',
  [],
  [],
  'end with YES (with a value on the stack: only if it is true)',
  {
    anchor: 'variadic',
    variadic: { of: 'any', min: 0, max: 1 },
    control: true,
  },
);
verb(
  'no',
  'control',
  '( [b] -- )',
  [],
  [],
  'end with NO (with a value on the stack: only if it is true)',
  {
    anchor: 'variadic',
    variadic: { of: 'any', min: 0, max: 1 },
    control: true,
  },
);
verb('assert', 'control', '( b -- )', ['any'], [], 'end with NO unless b is true', {
  control: true,
});
verb('hotdrop', 'control', '( -- )', [], [], 'end with HOTDROP: the engine drops the packet', {
  anchor: 'variadic',
  variadic: { of: 'any', min: 0 },
  control: true,
});

// Stack
verb('dup', 'stack', '( x -- x x )', ['item'], ['item', 'item'], 'copy the top item', {
  anchor: 'none',
});
verb('drop', 'stack', '( x -- )', ['item'], [], 'discard the top item', { anchor: 'none' });
verb(
  'swap',
  'stack',
  '( a b -- b a )',
  ['item', 'item'],
  ['item', 'item'],
  'exchange the two top items',
  { anchor: 'none' },
);
verb(
  'over',
  'stack',
  '( a b -- a b a )',
  ['item', 'item'],
  ['item', 'item', 'item'],
  'copy the second item to the top',
  {
    anchor: 'none',
    addition: true,
  },
);
verb(
  'depth',
  'stack',
  '( -- n )',
  [],
  ['int'],
  'number of items on the stack (above the innermost anchor)',
  { anchor: 'none', addition: true },
);

// Integers
verb(
  'add',
  'integers',
  '( a b -- a+b )',
  ['int', 'int'],
  ['int'],
  'sum; `add( … )` sums all arguments',
  variadicInt,
);
verb(
  'sub',
  'integers',
  '( a b -- a-b )',
  ['int', 'int'],
  ['int'],
  'difference; `sub( a … )` is a minus all the rest',
  variadicInt,
);
verb(
  'mult',
  'integers',
  '( a b -- a*b )',
  ['int', 'int'],
  ['int'],
  'product; `mult( … )` multiplies all arguments',
  variadicInt,
);
verb(
  'div',
  'integers',
  '( a b -- a/b )',
  ['int', 'int'],
  ['int'],
  'quotient, rounded toward zero; EDivideByZero when b is 0',
  pure,
);
verb(
  'mod',
  'integers',
  '( a b -- a%b )',
  ['int', 'int'],
  ['int'],
  'remainder, with the sign of a (as C); EDivideByZero when b is 0',
  pure,
);
verb('abs', 'integers', '( a -- |a| )', ['int'], ['int'], 'absolute value', pure);
verb('neg', 'integers', '( a -- -a )', ['int'], ['int'], 'negation', pure);
verb(
  'lshift',
  'integers',
  '( a n -- a<<n )',
  ['int', 'int'],
  ['int'],
  'shift left (n ≥ 32 gives 0)',
  pure,
);
verb(
  'rshift',
  'integers',
  '( a n -- a>>n )',
  ['int', 'int'],
  ['int'],
  'arithmetic shift right (the sign bit fills)',
  pure,
);

// Logic
verb(
  'and',
  'logic',
  '( a b -- r )',
  ['value', 'value'],
  ['value'],
  'bitwise and of integers, or byte-wise of equal-length strings',
  {
    anchor: 'variadic',
    variadic: { of: 'value', min: 1 },
    pure: true,
  },
);
verb(
  'or',
  'logic',
  '( a b -- r )',
  ['value', 'value'],
  ['value'],
  'bitwise or of integers, or byte-wise of equal-length strings',
  {
    anchor: 'variadic',
    variadic: { of: 'value', min: 1 },
    pure: true,
  },
);
verb(
  'xor',
  'logic',
  '( a b -- r )',
  ['value', 'value'],
  ['value'],
  'bitwise exclusive or of integers, or byte-wise of equal-length strings',
  pure,
);
verb(
  'not',
  'logic',
  '( b -- n )',
  ['any'],
  ['int'],
  '1 for a false value (0 or ""), 0 for a true one',
  pure,
);

// Comparison
for (const [name, what] of [
  ['eq', 'equal'],
  ['ne', 'not equal'],
] as const) {
  verb(
    name,
    'comparison',
    '( a b -- n )',
    ['value', 'value'],
    ['int'],
    `1 if ${what} (two integers or two strings), else 0`,
    pure,
  );
}
verb(
  'eqi',
  'comparison',
  '( s1 s2 -- n )',
  ['str', 'str'],
  ['int'],
  '1 if the strings are equal ignoring ASCII case',
  pure,
);
verb(
  'nei',
  'comparison',
  '( s1 s2 -- n )',
  ['str', 'str'],
  ['int'],
  '1 if the strings differ ignoring ASCII case',
  pure,
);
for (const [name, op] of [
  ['gt', '>'],
  ['lt', '<'],
  ['ge', '≥'],
  ['le', '≤'],
] as const) {
  verb(
    name,
    'comparison',
    '( a b -- n )',
    ['value', 'value'],
    ['int'],
    `1 if a ${op} b (integers, or strings bytewise), else 0`,
    pure,
  );
}

// Strings
verb(
  'strcat',
  'strings',
  '( s1 s2 -- s )',
  ['str', 'str'],
  ['str'],
  'concatenation; `strcat( … )` joins all arguments',
  {
    anchor: 'variadic',
    variadic: { of: 'str', min: 0 },
    pure: true,
  },
);
verb('strlen', 'strings', '( s -- n )', ['str'], ['int'], 'length in bytes', pure);
verb('left', 'strings', '( s n -- s )', ['str', 'int'], ['str'], 'the first n bytes', pure);
verb('right', 'strings', '( s n -- s )', ['str', 'int'], ['str'], 'the last n bytes', pure);
verb(
  'substr',
  'strings',
  '( s start len -- s )',
  ['str', 'int', 'int'],
  ['str'],
  'len bytes from start, clamped to the string',
  pure,
);
verb('tolower', 'strings', '( s -- s )', ['str'], ['str'], 'ASCII lower case', pure);
verb('toupper', 'strings', '( s -- s )', ['str'], ['str'], 'ASCII upper case', pure);
verb(
  'find',
  'strings',
  '( s needle -- n )',
  ['str', 'str'],
  ['int'],
  'index of the first occurrence of needle, or -1',
  pure,
);
verb(
  'findi',
  'strings',
  '( s needle -- n )',
  ['str', 'str'],
  ['int'],
  'like find, ignoring ASCII case',
  { ...pure, addition: true },
);
verb(
  'header',
  'strings',
  '( s name -- v )',
  ['str', 'str'],
  ['str'],
  'value of header field `name` (case ignored) in the HTTP-style head s, or "" when absent',
  { ...pure, addition: true },
);
verb(
  'match',
  'strings',
  '( s regex -- n )',
  ['str', 'str'],
  ['int'],
  '1 if the regular expression matches anywhere in s',
  pure,
);
verb(
  'matchi',
  'strings',
  '( s regex -- n )',
  ['str', 'str'],
  ['int'],
  'like match, ignoring case',
  { ...pure, addition: true },
);

// Character classes
const classes: [string, string][] = [
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
for (const [name, what] of classes)
  verb(
    name,
    'classes',
    '( s -- n )',
    ['str'],
    ['int'],
    `1 if every byte of a non-empty s is ${what}`,
    pure,
  );

// Reading the packet
verb('lift', 'packet', '( n -- s )', ['int'], ['str'], 'up to n bytes at `$offset`');
verb('expect', 'packet', '( n -- s )', ['int'], ['str'], 'exactly n bytes at `$offset`, else NO');
verb('peek', 'packet', '( n -- s )', ['int'], ['str'], 'like lift, without moving `$offset`', {
  addition: true,
});
verb(
  'lift_while',
  'packet',
  '( blk -- s )',
  ['block'],
  ['str'],
  'bytes while the block, given each byte, leaves true',
  { control: true },
);
verb(
  'expect_while',
  'packet',
  '( blk -- s )',
  ['block'],
  ['str'],
  'like lift_while; an empty result ends with NO',
  { control: true },
);
verb(
  'expect_str',
  'packet',
  '( s -- )',
  ['str'],
  [],
  'the bytes at `$offset` must be s (anchor form: each argument in turn), else NO',
  {
    anchor: 'variadic',
    variadic: { of: 'str', min: 1 },
  },
);
verb('expecti_str', 'packet', '( s -- )', ['str'], [], 'like expect_str, ignoring ASCII case', {
  anchor: 'variadic',
  variadic: { of: 'str', min: 1 },
});
verb(
  'lift_to',
  'packet',
  '( delim -- s )',
  ['str'],
  ['str'],
  'bytes up to the delimiter (consumed, not included); the rest of the packet if it is absent',
);
verb('lifti_to', 'packet', '( delim -- s )', ['str'], ['str'], 'like lift_to, ignoring ASCII case');
verb(
  'expect_to',
  'packet',
  '( delim -- s )',
  ['str'],
  ['str'],
  'like lift_to; an absent delimiter ends with NO',
);
verb(
  'expecti_to',
  'packet',
  '( delim -- s )',
  ['str'],
  ['str'],
  'like expect_to, ignoring ASCII case',
);
verb(
  'move',
  'packet',
  '( n -- )',
  ['int'],
  [],
  'move `$offset` by n bytes (negative allowed), clamped to the packet',
);

// Conversion
verb(
  'atoi',
  'conversion',
  '( s -- n )',
  ['str'],
  ['int'],
  'optional blanks, sign and decimal digits to an integer (0 if none; saturates at the int32 range)',
  pure,
);
verb(
  'ord',
  'conversion',
  '( s -- n )',
  ['str'],
  ['int'],
  'the first byte (-1 for an empty string)',
  pure,
);
verb('chr', 'conversion', '( n -- s )', ['int'], ['str'], 'the 1-byte string of n (0–255)', pure);
verb('ipv4_ntoa', 'conversion', '( s4 -- s )', ['str'], ['str'], '4 bytes to dotted text', pure);
verb(
  'ip_ntoa',
  'conversion',
  '( s -- s )',
  ['str'],
  ['str'],
  '4 or 16 bytes to IPv4 or IPv6 text',
  { ...pure, addition: true },
);
verb(
  'mac_ntoa',
  'conversion',
  '( s6 -- s )',
  ['str'],
  ['str'],
  '6 bytes to `00:0f:1f:5c:30:21` text',
  pure,
);
for (const [order, bits] of [
  ['be', 16],
  ['be', 32],
  ['le', 16],
  ['le', 32],
] as const) {
  const endian = order === 'be' ? 'big-endian' : 'little-endian';
  verb(
    `${order}${bits}_to_int`,
    'conversion',
    '( s -- n )',
    ['str'],
    ['int'],
    `the first ${bits / 8} bytes as a signed ${endian} integer`,
    pure,
  );
  verb(
    `${order}${bits}_to_uint`,
    'conversion',
    '( s -- n )',
    ['str'],
    ['int'],
    `the first ${bits / 8} bytes as an unsigned ${endian} integer${bits === 32 ? ' (above 2^31-1 it wraps to the negative int32)' : ''}`,
    pure,
  );
}

// Output and debugging
verb(
  'print',
  'output',
  '( v -- )',
  ['any'],
  [],
  'write a value to the trace channel (anchor form: every argument)',
  {
    anchor: 'variadic',
    variadic: { of: 'any', min: 0 },
  },
);
verb('println', 'output', '( v -- )', ['any'], [], 'like print, then end the line', {
  anchor: 'variadic',
  variadic: { of: 'any', min: 0 },
});
verb(
  'dump',
  'output',
  '( -- )',
  [],
  [],
  'write the stack, the action count and `$offset` to the trace channel',
  { anchor: 'none' },
);

// Time
verb(
  'localtime',
  'time',
  '( t -- tm )',
  ['int'],
  ['tm'],
  'seconds since 1970 to local broken-down time',
);
verb(
  'gmtime',
  'time',
  '( t -- tm )',
  ['int'],
  ['tm'],
  'seconds since 1970 to UTC broken-down time',
  pure,
);
for (const [name, what] of [
  ['tm_sec', 'seconds (0–60)'],
  ['tm_min', 'minutes (0–59)'],
  ['tm_hour', 'hours (0–23)'],
  ['tm_mday', 'day of the month (1–31)'],
  ['tm_mon', 'month (0–11)'],
  ['tm_year', 'years since 1900'],
  ['tm_wday', 'day of the week (Sunday = 0)'],
] as const) {
  verb(name, 'time', '( tm -- n )', ['tm'], ['int'], what, pure);
}

export const VERBS: readonly VerbInfo[] = table;

const byName = new Map(table.map((v) => [v.name, v]));

export function verbInfo(name: string): VerbInfo | undefined {
  return byName.get(name);
}

/** Operand count of the anchor form's bounds for a verb. */
export function anchorArity(v: VerbInfo): { min: number; max: number } {
  if (v.variadic) return { min: v.variadic.min, max: v.variadic.max ?? Infinity };
  return { min: v.in.length, max: v.in.length };
}
