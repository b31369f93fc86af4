// Taking a word's operands off the checker's stack: an underflow the checker can prove (the
// floor is known and too close) and an operand kind that can never fit are reported here.
import { tyName, type Ty } from '../language/types.js';
import type { Span } from '../source.js';
import { ANY, compatible, derefType, lose, type Abs, type State } from './abstract.js';
import { plural, where } from './messages.js';
import type { Reporter } from './reporter.js';

/**
 * Takes `n` operands (top of stack last). `pushes`: the values the caller pushes before the
 * run, for the hint of the underflow message.
 */
export function popOperands(
  reporter: Reporter,
  pushes: number,
  st: State,
  n: number,
  verb: string,
  span: Span,
): Abs[] {
  const out: Abs[] = new Array<Abs>(n);
  let missing = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (st.items.length > 0) {
      out[i] = st.items.pop()!;
    } else if (!st.known || !st.exact) {
      if (st.known) st.below++;
      out[i] = ANY;
    } else {
      missing++;
      out[i] = ANY;
    }
  }
  if (missing > 0) {
    const have = n - missing;
    if (st.anchor) {
      reporter.error(
        span,
        'anchor-underflow',
        `\`${verb}\` needs ${plural(n, 'operand')} but the anchor call holds ${have} here: verbs inside \`( … )\` cannot reach values outside it`,
      );
    } else {
      const hint =
        pushes === 0 ? '; to use values pushed by the caller (--push-*), test `depth` first' : '';
      reporter.error(
        span,
        'stack-underflow',
        `stack underflow: \`${verb}\` needs ${plural(n, 'operand')} but the stack holds ${have} here${hint}`,
      );
    }
    lose(st);
  }
  return out;
}

/** Reports an operand whose kind can never be what `need` asks for. */
export function checkOperandKind(
  reporter: Reporter,
  verb: string,
  need: Ty,
  a: Abs,
  span: Span,
): void {
  const have = need === 'ref' || need === 'item' ? a.t : derefType(a);
  if (!compatible(need, have)) {
    const got =
      a.t === 'ref' && need !== 'ref'
        ? `register $${a.reg?.name} (${tyName(have as Ty)})`
        : tyName(have as Ty);
    reporter.error(span, 'type', `\`${verb}\` needs ${tyName(need)}, got ${got}${where(a.from)}`);
  }
}
