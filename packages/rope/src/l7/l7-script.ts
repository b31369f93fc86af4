// An l7-filter pattern as the rope script that runs it: l7-filter's kernel match, written out in
// rope so that `rope l7 convert` can show exactly what `--script FILE.pat` runs. For each packet
// with data, while the connection has had at most `window` packets (both directions, counted
// as conntrack counts them: handshake packets too), the packet's data — at most what still fits
// in the 2,048-byte buffer, NUL bytes then removed, ASCII letters lower-cased — is appended to
// what the flow collected so far (flow register 0), and the pattern is matched against all of it.

/** l7-filter's default number of packets it looks at (its `num_packets` module parameter). */
export const L7_DEFAULT_WINDOW = 10;
/** l7-filter's buffer (`maxdatalen`); one byte of it held the C string's terminating NUL. */
export const L7_BUFFER_BYTES = 2048;

export interface L7ScriptParts {
  protocol: string;
  /** The pattern file's name, for the comment at the top. */
  file: string;
  /** The translated pattern (JavaScript syntax, for lower-cased data). */
  regex: string;
  /** The regex line as the file writes it, quoted in the comment. */
  original: string;
  window: number;
}

/** A rope string literal holding `s` (printable ASCII only, as translateL7Regex emits). */
function ropeString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function l7Script(p: L7ScriptParts): string {
  const room = L7_BUFFER_BYTES - 1;
  const original = p.original.length > 200 ? `${p.original.slice(0, 199)}…` : p.original;
  return `# ${p.protocol}: the l7-filter pattern ${p.file}, as l7-filter's kernel match applied it
# (made by rope l7 convert; see docs/l7-patterns.md). The pattern as written:
#   ${original}
# Flow register 0 collects the data of the connection's first ${p.window} packets, both directions:
# NUL bytes removed, ASCII letters lower-cased, at most ${room} bytes.
$ct_packets ${p.window} gt no   # past the window: no match, ever
0 freg get { "" 0 freg put } unless   # a new flow: nothing collected yet
0 freg get  $data ${room} 0 freg strlen sub left  strip_nul tolower  strcat  0 freg put
0 freg ${ropeString(p.regex)} match yes
no
`;
}
