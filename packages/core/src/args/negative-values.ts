// Negative numbers on a command line parsed with node:util parseArgs. parseArgs takes every
// argument that starts with `-` for an option, so `--window -1` fails with "argument is
// ambiguous" and `cutter 192.0.2.1 -1` with "unknown option '-1'" — before the program can say
// which range it allows. negativeNumbersAsValues rewrites the arguments so that such numbers
// reach the program's own checks:
//
//   --window -1   →  --window=-1     a number after an option that takes a value is its value
//   -t -5         →  -t=-5 as parseArgs reads it: --timeout=-5
//   IP -1         →  IP -- -1        a number where no option is known is a positional
//
// Positionals keep their order among themselves (they all move behind `--` once one of them is
// a negative number); options keep theirs.
import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A negative number, or a value that starts like one (`-1:2`, `-0x10`, `-1.5`). */
const NUMBER = /^-\.?\d/;

export function negativeNumbersAsValues(args: readonly string[], options: Options): string[] {
  const byShort = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) if (o.short) byShort.set(o.short, name);
  const takesValue = (name: string | undefined): name is string =>
    name !== undefined && options[name]?.type === 'string';
  /** The option whose value the argument after `a` is, if any. */
  const owner = (a: string): string | undefined => {
    if (a.startsWith('--'))
      return !a.includes('=') && takesValue(a.slice(2)) ? a.slice(2) : undefined;
    // a group of short options: the first that takes a value takes the rest, or the next argument
    for (let k = 1; k < a.length; k++) {
      const name = byShort.get(a[k]);
      if (takesValue(name)) return k === a.length - 1 ? name : undefined;
    }
    return undefined;
  };

  const out: string[] = []; // the arguments in their order
  const opts: string[] = []; // the options alone
  const positionals: string[] = [];
  let negativePositional = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      out.push(...args.slice(i));
      break;
    }
    const dashed = a.startsWith('-') && a.length > 1;
    if (!dashed || (NUMBER.test(a) && !byShort.has(a[1]))) {
      if (dashed) negativePositional = true;
      positionals.push(a);
      out.push(a);
      continue;
    }
    const name = owner(a);
    const next = args[i + 1];
    let taken = [a];
    if (name !== undefined && next !== undefined) {
      // `-yt -5`: the other flags of a group stay (`-y`), the value joins its option
      const flags = !a.startsWith('--') && a.length > 2 ? [a.slice(0, -1)] : [];
      taken = NUMBER.test(next) ? [...flags, `--${name}=${next}`] : [a, next];
      i++;
    }
    opts.push(...taken);
    out.push(...taken);
  }
  return negativePositional ? [...opts, '--', ...positionals] : out;
}
