// Run-time errors: a name from §8 (plus ERange and EPacket), a message, and where in the script.
// Made only when a run ends with FAIL or HOTDROP, so the matching path allocates nothing.
import { caretLines, type SourceFile } from '../source.js';
import type { Site } from './site.js';

export type RunErrorName =
  | 'EStackEmpty'
  | 'EStackFull'
  | 'EType'
  | 'EDivideByZero'
  | 'EAssertFailed'
  | 'EReadOnly'
  | 'EAnchor'
  | 'ELimit'
  /** A number outside what a verb accepts (register index, shift count, byte count). */
  | 'ERange'
  /** The packet is not an IP packet the engine could decode; the script did not run. */
  | 'EPacket'
  /** `hotdrop` ran (its message, if any, is the error message). */
  | 'EHotdrop'
  /** A pattern `match` refuses (built at run time; literal ones are compile errors). */
  | 'ERegex';

export class RunError {
  constructor(
    readonly name: RunErrorName,
    readonly message: string,
    readonly file: string,
    /** 0 when the error is not tied to a source position (EPacket). */
    readonly line: number,
    readonly column: number,
    readonly endColumn: number,
    private readonly src: SourceFile | null,
  ) {}

  static at(name: RunErrorName, message: string, site: Site | null, src: SourceFile): RunError {
    return new RunError(
      name,
      message,
      src.file,
      site?.line ?? 0,
      site?.column ?? 0,
      site?.endColumn ?? 0,
      src,
    );
  }

  /** One line: `file:line:col: EName: message`. */
  toString(): string {
    return this.line > 0
      ? `${this.file}:${this.line}:${this.column}: ${this.name}: ${this.message}`
      : `${this.file}: ${this.name}: ${this.message}`;
  }

  /** The one-line form, the source line and a caret. */
  render(): string {
    if (this.line === 0 || !this.src) return this.toString();
    return `${this.toString()}\n${caretLines(this.src.line(this.line), this.column, this.endColumn)}`;
  }
}
