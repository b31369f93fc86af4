// The l7-protocols pattern file format: `#` comments and blank lines anywhere; the first other
// line is the protocol name, the next the regular expression; after them, optionally,
// `userspace pattern=…` and `userspace flags=…` for l7-filter's userspace version. rope applies
// the kernel version's semantics, so those two lines are read, reported and not used.

/** A problem in a pattern file: 1-based line and column, the columns it covers, the text. */
export interface PatternProblem {
  severity: 'error' | 'warning';
  line: number;
  column: number;
  endColumn: number;
  message: string;
}

export interface PatternFile {
  /** The protocol name: the label of flows the pattern matches. */
  protocol: string;
  /** The regular expression as written, and where it is. */
  regex: string;
  regexLine: number;
  /** The `userspace …` lines, ignored (reported as warnings by the parser). */
  userspace: string[];
}

/** Names l7-filter gives flows itself; a pattern file of that name matches nothing by its regex. */
export const RESERVED_PROTOCOLS = ['unknown', 'unset'];

/** The lines of a file with their numbers, without comments and blank lines. */
function contentLines(text: string): { line: number; text: string; indent: number; raw: string }[] {
  const out: { line: number; text: string; indent: number; raw: string }[] = [];
  text.split('\n').forEach((line, i) => {
    const raw = line.replace(/\r$/, '');
    const trimmed = raw.replace(/^[ \t]+/, '');
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const text = trimmed.replace(/[ \t]+$/, '');
    out.push({ line: i + 1, text, indent: raw.length - trimmed.length, raw });
  });
  return out;
}

/** Parses a pattern file; `problems` gets every error and warning. Null when it has an error. */
export function parsePatternFile(text: string, problems: PatternProblem[]): PatternFile | null {
  const lines = contentLines(text);
  const err = (line: number, column: number, endColumn: number, message: string): null => {
    problems.push({ severity: 'error', line, column, endColumn, message });
    return null;
  };
  if (lines.length === 0)
    return err(
      1,
      1,
      1,
      'no protocol name: an l7-filter pattern file has a name line, then a regex line',
    );
  const name = lines[0];
  if (!/^[a-z0-9_.-]+$/i.test(name.text))
    return err(
      name.line,
      name.indent + 1,
      name.indent + name.text.length,
      `\`${name.text}\` is not a protocol name (letters, digits, \`_\`, \`-\`, \`.\`): the first line that is not a comment names the protocol`,
    );
  const protocol = name.text.toLowerCase();
  if (RESERVED_PROTOCOLS.includes(protocol))
    return err(
      name.line,
      name.indent + 1,
      name.indent + name.text.length,
      `\`${protocol}\` is not a pattern but l7-filter's name for a flow ${protocol === 'unset' ? 'not yet decided' : 'that ran out of window unmatched'}; rope classify --json reports it by itself when l7 patterns run`,
    );
  const re = lines[1];
  if (re === undefined)
    return err(
      name.line,
      1,
      name.indent + name.text.length,
      `protocol \`${protocol}\` has no regex line after its name`,
    );
  if (/^userspace (pattern|flags)=/.test(re.text))
    return err(
      re.line,
      re.indent + 1,
      re.indent + re.text.length,
      'the regex line is missing: a `userspace` line comes after it',
    );
  const userspace: string[] = [];
  for (const l of lines.slice(2)) {
    if (/^userspace (pattern|flags)=/.test(l.text)) {
      userspace.push(l.text);
      problems.push({
        severity: 'warning',
        line: l.line,
        column: l.indent + 1,
        endColumn: l.indent + 'userspace pattern'.length,
        message:
          'ignored: rope applies the kernel l7-filter semantics (the regex line above), not the userspace pattern or flags',
      });
    } else
      return err(
        l.line,
        l.indent + 1,
        l.indent + l.text.length,
        'unexpected line: after the name and the regex, a pattern file holds only `userspace pattern=` and `userspace flags=` lines (and comments)',
      );
  }
  // the whole line is the regex, blanks included, as l7-filter read it
  return { protocol, regex: re.raw, regexLine: re.line, userspace };
}
