// Compile-time diagnostics: where (file, line, column range), how bad, a stable code, and the text.
import { caretLines, type SourceFile, type Span } from './source.js';

export type Severity = 'error' | 'warning';

/** Stable identifiers of the compile-time diagnostics (for tests and tools). */
export type DiagnosticCode =
  | 'unbalanced'
  | 'bad-token'
  | 'bad-escape'
  | 'bad-literal'
  | 'int-range'
  | 'unknown-verb'
  | 'unknown-register'
  | 'read-only'
  | 'register-type'
  | 'anchor-arity'
  | 'no-anchor-form'
  | 'anchor-required'
  | 'anchor-underflow'
  | 'stack-underflow'
  | 'type'
  | 'block-effect'
  | 'bad-regex'
  | 'range'
  | 'unreachable'
  | 'unknown-table'
  | 'l7-pattern'
  | 'internal';

/** Quoted source text longer than this is shortened in messages (the caret shows where it is). */
const MAX_QUOTED = 40;
/** And no message is longer than this. */
const MAX_MESSAGE = 400;

/**
 * Messages quote the offending text (`unknown verb \`lfit\``); a word of megabytes is quoted as
 * its start and `…`, so one diagnostic stays one short line.
 */
function shortenMessage(message: string): string {
  // backquotes pair up from the left: odd parts are quoted
  const parts = message.split('`');
  for (let i = 1; i < parts.length - 1; i += 2)
    if (parts[i].length > MAX_QUOTED) parts[i] = parts[i].slice(0, MAX_QUOTED - 1) + '…';
  const short = parts.join('`');
  return short.length <= MAX_MESSAGE ? short : short.slice(0, MAX_MESSAGE - 1) + '…';
}

export class Diagnostic {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** Last column of the range (inclusive). */
    readonly endColumn: number,
    readonly severity: Severity,
    readonly code: DiagnosticCode,
    message: string,
    /** The source line the range is on (for `render`). */
    readonly sourceLine: string,
  ) {
    this.message = shortenMessage(message);
  }

  readonly message: string;

  static at(
    src: SourceFile,
    span: Span,
    severity: Severity,
    code: DiagnosticCode,
    message: string,
  ): Diagnostic {
    const endColumn = span.endLine === span.line ? span.endColumn : src.line(span.line).length;
    return new Diagnostic(
      src.file,
      span.line,
      span.column,
      endColumn,
      severity,
      code,
      message,
      src.line(span.line),
    );
  }

  /** `file:line:col: severity: message`, the source line, and a caret under the range. */
  render(): string {
    return `${this.toString()}\n${caretLines(this.sourceLine, this.column, this.endColumn)}`;
  }

  /** The one-line form. */
  toString(): string {
    return `${this.file}:${this.line}:${this.column}: ${this.severity}: ${this.message}`;
  }

  toJSON(): object {
    return {
      file: this.file,
      line: this.line,
      column: this.column,
      endColumn: this.endColumn,
      severity: this.severity,
      code: this.code,
      message: this.message,
    };
  }
}

/** Diagnostics in source order, errors before warnings at the same position. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}

/** Diagnostics printed per file; the rest are counted in one line. */
export const MAX_PRINTED_DIAGNOSTICS = 20;

/** `2 errors, 1 warning`. */
export function countDiagnostics(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.length - errors;
  const parts = [];
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/**
 * The rendered diagnostics of one file, one after the other: at most `max` of them, then one
 * line `… and N more errors` (a script of 100,000 stray braces prints 21 entries, not 100,000).
 */
export function renderDiagnostics(
  list: readonly Diagnostic[],
  max = MAX_PRINTED_DIAGNOSTICS,
): string {
  let out = '';
  for (const d of list.slice(0, max)) out += d.render() + '\n';
  if (list.length > max)
    out += `… and ${countDiagnostics(list.slice(max)).replace(/^(\d+) /, '$1 more ')}\n`;
  return out;
}
