// Resource caps (§1): per run, set by the engine. A run that exceeds one ends with HOTDROP and
// an ELimit/EStackFull diagnostic, so no script can hang the engine or exhaust its memory.

export interface Caps {
  /** Verbs one run may execute (`$max_actions`; scripts may lower it, not raise it). */
  maxActions: number;
  /** Iterations one loop may run: while, until, repeat (`$max_while_loops`). */
  maxWhileLoops: number;
  /** Stack depth. */
  maxStack: number;
  /** Nesting of blocks run inside blocks (guards against recursion through registers). */
  maxDepth: number;
  /** Longest byte string a script may build (strcat). */
  maxString: number;
}

export const DEFAULT_CAPS: Readonly<Caps> = Object.freeze({
  maxActions: 10_000,
  maxWhileLoops: 1_000,
  maxStack: 256,
  maxDepth: 64,
  maxString: 65_536,
});

/** Hard ceilings an engine may be configured up to. */
export const CAP_CEILINGS: Readonly<Caps> = Object.freeze({
  maxActions: 100_000_000,
  maxWhileLoops: 10_000_000,
  maxStack: 65_536,
  maxDepth: 1_000,
  maxString: 16 * 1024 * 1024,
});

export function resolveCaps(c: Partial<Caps> = {}): Caps {
  const out = { ...DEFAULT_CAPS };
  for (const k of Object.keys(DEFAULT_CAPS) as (keyof Caps)[]) {
    const v = c[k];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 1 || v > CAP_CEILINGS[k]) {
      throw new RangeError(
        `engine cap ${k} must be an integer from 1 to ${CAP_CEILINGS[k]}, got ${v}`,
      );
    }
    out[k] = v;
  }
  return out;
}
