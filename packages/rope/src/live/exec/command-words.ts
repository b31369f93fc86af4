// `--exec CMD` is split into words the way a POSIX shell splits a simple command, without running
// a shell: blanks separate words; '…' keeps everything literally; "…" keeps everything but lets
// a backslash escape `"`, `\`, `$` and backquote; outside quotes a backslash keeps the next
// character. Nothing is expanded (no $VAR, no globs, no ~). Unquoted shell syntax (| ; & < > ( )
// $ backquote) is refused rather than passed on as a word: whoever wants a shell writes
// `sh -c '…'`, and the event reaches it in the environment.

/** Why CMD cannot be split, with the 1-based column it points at. */
export interface CommandWordsError {
  column: number;
  message: string;
}

const SHELL_SYNTAX = new Set(['|', ';', '&', '<', '>', '(', ')', '$', '`']);

export function splitCommandWords(text: string): string[] | CommandWordsError {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { column: i + 1, message: 'this single quote is never closed' };
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const start = i;
      i++;
      for (;;) {
        if (i >= text.length)
          return { column: start + 1, message: 'this double quote is never closed' };
        const d = text[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) {
          word += text[i + 1];
          i += 2;
        } else if (d === '$' || d === '`') {
          return {
            column: i + 1,
            message: `'${d}' inside double quotes would expand in a shell; rope runs CMD without one: escape it (\\${d}) or put it in single quotes`,
          };
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return { column: i + 1, message: 'a backslash ends the command' };
      word += text[i + 1];
      i += 2;
    } else if (SHELL_SYNTAX.has(c)) {
      return {
        column: i + 1,
        message: `'${c}' is shell syntax, and rope runs CMD without a shell: quote it, or write sh -c '…' to use a shell`,
      };
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) return { column: 1, message: 'no command given' };
  return words;
}
