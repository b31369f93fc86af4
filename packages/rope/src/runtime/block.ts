// A block at run time: the compiled closure of `{ … }` and where it was written. Made once at
// compile time; pushing one allocates nothing.
import type { Machine } from './machine.js';
import type { Site } from './site.js';
import { TAG_BLOCK, type BlockValue } from './values.js';
import type { Status } from './verdict.js';

/** A compiled operation: runs on the machine and says whether the run goes on. */
export type Op = (m: Machine) => Status;

export class Block implements BlockValue {
  readonly tag = TAG_BLOCK;
  constructor(
    readonly run: Op,
    readonly site: Site,
    /**
     * When the block is a single character-class test (`{ isdigit }`), its table: lift_while
     * and expect_while then scan bytes without running the block.
     */
    readonly byteClass: Uint8Array | null = null,
  ) {}
}
