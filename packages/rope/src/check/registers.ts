// The registers a script names: `$name` resolved to what it holds (or reported unknown, with the
// closest known name), and the named user registers followed from first use to their first
// write, so that one nothing ever writes is reported as the misspelling it usually is.
import {
  MAX_NAMED_REGISTERS,
  namedRegisterInfo,
  namedRegisterProblem,
  registerInfo,
  registerNames,
  type RegisterInfo,
} from '../language/registers.js';
import type { Span } from '../source.js';
import type { Reporter } from './reporter.js';
import { closest } from './suggest.js';

export class RegisterUse {
  /** Named user registers: their info, where first seen, and whether anything writes them. */
  private readonly named = new Map<string, RegisterInfo>();
  private readonly namedFirst = new Map<string, Span>();
  private readonly written = new Set<string>();

  constructor(
    private readonly reporter: Reporter,
    namedIndex: ReadonlyMap<string, number>,
  ) {
    for (const name of namedIndex.keys()) this.named.set(name, namedRegisterInfo(name));
  }

  /** What `$name` names, or undefined after reporting why it names nothing. */
  resolve(name: string, span: Span): RegisterInfo | undefined {
    const info = registerInfo(name) ?? this.named.get(name);
    if (info) {
      if (info.addition && info.group === 'user' && !this.namedFirst.has(name))
        this.namedFirst.set(name, span);
      return info;
    }
    const problem = namedRegisterProblem(name);
    if (name === '') {
      this.reporter.error(span, 'unknown-register', 'a register name must follow `$`');
    } else if (registerInfo(name.toLowerCase()) || this.named.has(name.toLowerCase())) {
      this.reporter.error(
        span,
        'unknown-register',
        `unknown register \`$${name}\`: register names are lower case (\`$${name.toLowerCase()}\`)`,
      );
    } else if (problem === null) {
      this.reporter.error(
        span,
        'unknown-register',
        `more than ${MAX_NAMED_REGISTERS} named registers in one script`,
      );
    } else {
      const s = closest(name, [...registerNames(), ...this.named.keys()]);
      this.reporter.error(
        span,
        'unknown-register',
        `unknown register \`$${name}\`${s ? ` (did you mean \`$${s}\`?)` : ` (${problem})`}`,
      );
    }
    return undefined;
  }

  /** `$name put` (or inc, dec) written out: the register is set somewhere. */
  writtenByName(name: string): void {
    this.written.add(name);
  }

  /** A write through a reference the checker followed to `reg`. */
  writtenThrough(reg: RegisterInfo): void {
    if (this.named.get(reg.name) === reg) this.written.add(reg.name);
  }

  /** A named register nothing writes is a misspelling (of another register) more often than not. */
  reportNeverWritten(): void {
    for (const [name, span] of this.namedFirst) {
      if (this.written.has(name)) continue;
      const s = closest(
        name,
        [...registerNames(), ...this.named.keys()].filter((n) => n !== name),
      );
      this.reporter.error(
        span,
        'unknown-register',
        `register \`$${name}\` is never written: a named register must be set with put, inc or dec${s ? ` (did you mean \`$${s}\`?)` : ''}`,
      );
    }
  }
}
