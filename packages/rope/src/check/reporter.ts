// Collects the checker's diagnostics, once each: the walk may reach the same code twice (a block
// checked inline for each verb it is handed to), and it must not say the same thing twice.
import { Diagnostic, type DiagnosticCode, type Severity } from '../diagnostic.js';
import type { SourceFile, Span } from '../source.js';

export class Reporter {
  private readonly diags = new Map<string, Diagnostic>();

  constructor(private readonly src: SourceFile) {}

  diagnostics(): Diagnostic[] {
    return [...this.diags.values()];
  }

  report(span: Span, severity: Severity, code: DiagnosticCode, message: string): void {
    const key = `${span.line}:${span.column}:${code}:${message}`;
    if (!this.diags.has(key))
      this.diags.set(key, Diagnostic.at(this.src, span, severity, code, message));
  }

  error(span: Span, code: DiagnosticCode, message: string): void {
    this.report(span, 'error', code, message);
  }
}
