// Symbolic constants resolved at compile time.
import { IPPROTO } from '@p2pwall/core';

const VERDICT_CONSTANTS: Record<string, number> = { FAIL: 0, OKAY: 1, YES: 2, NO: 3 };

/** The value of a symbolic constant, or undefined. */
export function constantValue(name: string): number | undefined {
  if (name in VERDICT_CONSTANTS) return VERDICT_CONSTANTS[name];
  if (name.startsWith('IPPROTO_')) {
    const v = IPPROTO[name.slice('IPPROTO_'.length)];
    if (v !== undefined) return v;
  }
  return undefined;
}

export function constantNames(): string[] {
  return [...Object.keys(VERDICT_CONSTANTS), ...Object.keys(IPPROTO).map((n) => `IPPROTO_${n}`)];
}
