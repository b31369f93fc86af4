// The `--dns-train FILE` format: one regular expression per line (JavaScript syntax, matched
// case-insensitively against names in lower case without the trailing dot), blank lines and
// lines starting with `#` ignored, surrounding blanks trimmed. Patterns run on rope's own linear
// matcher (runtime/regex.ts): a name from the network cannot make one backtrack.
import { compileRegex, type Regex } from '../../runtime/regex.js';

export interface DnsPattern {
  /** The pattern as written. */
  source: string;
  /** Where it was written: `file:line`, or `ctl` for one added at run time. */
  origin: string;
  regex: Regex;
}

/** A line the matcher refuses, with where it is (1-based line and column). */
export interface DnsPatternError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatDnsPatternError(e: DnsPatternError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}

/** One pattern, or why it is refused. */
export function compileDnsPattern(source: string, origin: string): DnsPattern | string {
  const regex = compileRegex(source, true);
  return typeof regex === 'string' ? regex : { source, origin, regex };
}

/** Parses the file's text; every refused line is reported, not just the first. */
export function parseDnsPatterns(
  text: string,
  file: string,
): { patterns: DnsPattern[]; errors: DnsPatternError[] } {
  const patterns: DnsPattern[] = [];
  const errors: DnsPatternError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const source = raw.trim();
    if (source === '' || source.startsWith('#')) return;
    const column = raw.length - raw.trimStart().length + 1;
    const p = compileDnsPattern(source, `${file}:${i + 1}`);
    if (typeof p === 'string') errors.push({ file, line: i + 1, column, message: p });
    else patterns.push(p);
  });
  return { patterns, errors };
}
