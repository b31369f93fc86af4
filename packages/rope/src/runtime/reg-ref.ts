// A register reference at run time: how the register is read and written. One per register,
// made once (registers.ts), so `$x` pushes an existing object.
import type { RegisterInfo } from '../language/registers.js';
import type { Machine } from './machine.js';
import { TAG_REF, type RefValue, type Value } from './values.js';

export const SPACE_USER = 0;
export const SPACE_GLOBAL = 1;
export const SPACE_FLOW = 2;
export const SPACE_INTERNAL = 3;

export class RegRef implements RefValue {
  readonly tag = TAG_REF;
  constructor(
    readonly space: number,
    readonly index: number,
    /** Name as written, without `$` (`a`, `ip_ttl`, `greg[3]`). */
    readonly name: string,
    readonly info: RegisterInfo,
    readonly read: (m: Machine) => Value,
    /** null for read-only registers. Values are already type-checked by the caller. */
    readonly write: ((m: Machine, v: Value) => void) | null,
  ) {}
}
