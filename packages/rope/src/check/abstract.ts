// What the checker knows about the stack at a point of the script: the kinds of the items it can
// see (with constant values and the register a reference names, where known), and whether those
// are all the items down to the floor (the start of the script or the innermost anchor).
import type { BlockNode } from '../ast.js';
import type { RegisterInfo } from '../language/registers.js';
import type { Ty } from '../language/types.js';
import type { Span } from '../source.js';

export type AbsType = 'int' | 'str' | 'value' | 'block' | 'tm' | 'ref' | 'any';

export interface Abs {
  t: AbsType;
  /** Constant value of an int or str. */
  c?: number | string;
  /** The register a reference names (when known). */
  reg?: RegisterInfo;
  /** The literal a block value is. */
  block?: BlockNode;
  /** Where the value was pushed, for messages. */
  from?: Span;
}

export interface State {
  items: Abs[];
  /** true: below `items` lies the floor; false: unknown items may lie below (inside a block). */
  exact: boolean;
  /** Items taken from below `items` when the floor is not exact. */
  below: number;
  /** false once the depth cannot be followed (after a loop whose body changes it). */
  known: boolean;
  /** This path always ends the run (yes, no, hotdrop with nothing to test). */
  ended: boolean;
  /** The floor is an anchor (popping through it is an anchor error, not a stack underflow). */
  anchor: boolean;
}

export function newState(exact: boolean, items: Abs[] = [], anchor = false): State {
  return { items, exact, below: 0, known: true, ended: false, anchor };
}

export const ANY: Abs = { t: 'any' };

export function copyState(s: State): State {
  return {
    items: s.items.slice(),
    exact: s.exact,
    below: s.below,
    known: s.known,
    ended: s.ended,
    anchor: s.anchor,
  };
}

/** Copies `from` into `to` (to continue on the path `from` took). */
export function assign(to: State, from: State): void {
  to.items = from.items;
  to.exact = from.exact;
  to.below = from.below;
  to.known = from.known;
  to.ended = from.ended;
  to.anchor = from.anchor;
}

/** The depth can no longer be followed. */
export function lose(s: State): void {
  s.items = [];
  s.exact = false;
  s.below = 0;
  s.known = false;
}

/** Truthiness of a constant, or null when not known. */
export function constTruth(a: Abs): boolean | null {
  if (a.t === 'block' || a.t === 'tm') return true;
  if (a.c === undefined) return null;
  return typeof a.c === 'number' ? a.c !== 0 : a.c.length !== 0;
}

/** The kind a value has once dereferenced (what verbs taking values see). */
export function derefType(a: Abs): AbsType {
  if (a.t !== 'ref') return a.t;
  if (!a.reg) return 'any';
  return a.reg.type === 'int' ? 'int' : a.reg.type === 'str' ? 'str' : 'any';
}

/** False only when a value of kind `have` can never be what `need` asks for. */
export function compatible(need: Ty, have: AbsType): boolean {
  if (have === 'any' || need === 'any' || need === 'item') return true;
  switch (need) {
    case 'int':
      return have === 'int' || have === 'value';
    case 'str':
      return have === 'str' || have === 'value';
    case 'value':
      return have === 'int' || have === 'str' || have === 'value';
    case 'block':
      return have === 'block';
    case 'tm':
      return have === 'tm';
    case 'ref':
      return have === 'ref';
  }
}

export function absOf(t: Ty, from?: Span): Abs {
  switch (t) {
    case 'int':
    case 'str':
    case 'value':
    case 'block':
    case 'tm':
    case 'ref':
      return { t, from };
    default:
      return { t: 'any', from };
  }
}

/** Joins two states reached by different paths: kinds that differ become wider. */
export function joinStates(a: State, b: State): State {
  if (a.ended) return b;
  if (b.ended) return a;
  if (
    !a.known ||
    !b.known ||
    a.items.length !== b.items.length ||
    a.below !== b.below ||
    a.exact !== b.exact
  ) {
    return { items: [], exact: false, below: 0, known: false, ended: false, anchor: a.anchor };
  }
  return {
    items: a.items.map((x, i) => {
      const y = b.items[i];
      if (x === y) return x;
      if (x.t === y.t) return { t: x.t, reg: x.reg === y.reg ? x.reg : undefined };
      if (
        (x.t === 'int' || x.t === 'str' || x.t === 'value') &&
        (y.t === 'int' || y.t === 'str' || y.t === 'value')
      )
        return { t: 'value' };
      return ANY;
    }),
    exact: a.exact,
    below: a.below,
    known: true,
    ended: false,
    anchor: a.anchor,
  };
}

/** Net change in depth from `before` to `after` (a later state of the same path), or null. */
export function effect(before: State, after: State): number | null {
  if (!before.known || !after.known) return null;
  return after.items.length - after.below - (before.items.length - before.below);
}
