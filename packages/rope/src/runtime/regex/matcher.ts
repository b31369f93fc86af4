// Runs a Program over a byte string as a lazily built DFA. A DFA state is the set of NFA
// positions alive before the next byte, plus what the assertions need to know about the byte
// before it (start of input, word character). Each byte costs one table lookup once its
// transition is known; an unknown transition is computed once, in time proportional to the
// program's size, and cached. The cache is capped (MAX_STATES); when it is full it is emptied
// and rebuilt as the input goes on, so time stays linear in the input and memory bounded
// whatever the pattern and the packet. Only "is there a match" is answered, so priorities
// between alternatives do not matter.
//
// Unanchored patterns restart at every byte (the start position joins every state); patterns
// anchored with `^` stop at the first byte no thread survives. A literal prefix lets `indexOf`
// skip over bytes where no match can begin. After the first packets a run allocates nothing.
import { IS_WORD, OTHER, SYMBOLS } from './char-set.js';
import {
  ASSERT_BOL,
  ASSERT_EOL,
  ASSERT_WORD,
  OP_ASSERT,
  OP_CHAR,
  OP_MATCH,
  OP_SPLIT,
  type Program,
} from './program.js';

/** Cached DFA states per pattern: with STRIDE entries of 4 bytes, about 0.5 MiB. */
export const MAX_STATES = 512;
const END = SYMBOLS; // the end of the input, as a symbol
const STRIDE = SYMBOLS + 1;
const UNKNOWN = -1;
const MATCHED = -2;
const DEAD = -3;
const NO_MATCH_AT_END = -4;

const AT_START = 1;
const AFTER_WORD = 2;

export class Matcher {
  private trans = new Int32Array(0);
  private readonly keys = new Map<string, number>();
  private readonly pending: Int32Array[] = [];
  private flags = new Uint8Array(0);
  private count = 0;
  /** Bumped when the cache is emptied, so a transition computed before is not stored. */
  private epoch = 0;
  /** The state at offset 0, and the states with nothing in progress (by flags); -1: not built. */
  private initialState = -1;
  private readonly restartStates = [-1, -1, -1, -1];
  // scratch space for closures, sized to the program
  private readonly seen: Uint32Array;
  private readonly queued: Uint32Array;
  private generation = 0;
  private readonly stack: Int32Array;
  private readonly next: Int32Array;

  constructor(private readonly prog: Program) {
    const n = prog.op.length;
    this.seen = new Uint32Array(n);
    this.queued = new Uint32Array(n);
    this.stack = new Int32Array(n);
    this.next = new Int32Array(n);
  }

  test(s: string): boolean {
    const prefix = this.prog.prefix;
    let i = 0;
    let st: number;
    if (prefix !== '') {
      i = s.indexOf(prefix);
      if (i < 0) return false;
    }
    if (i === 0) st = this.initial();
    else st = this.restartAt(s, i);
    let trans = this.trans;
    const n = s.length;
    for (; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c > 0xff) c = OTHER;
      let t = trans[st * STRIDE + c];
      if (t < 0) {
        t = this.resolve(st, c, t);
        trans = this.trans;
        if (t === MATCHED) return true;
        if (t === DEAD) return false;
      }
      st = t;
      if (prefix !== '' && this.pending[st].length === 0) {
        // nothing is in progress: the next match can only begin where the prefix next occurs
        const j = s.indexOf(prefix, i + 1);
        if (j < 0) return false;
        if (j > i + 1) {
          st = this.restartAt(s, j);
          trans = this.trans;
          i = j - 1;
        }
      }
    }
    return this.atEnd(st);
  }

  /**
   * Whether testBytes runs this pattern: it has no literal prefix, so test() walks the subject
   * from its first character without searching for one.
   */
  get matchesBytes(): boolean {
    return this.prog.prefix === '';
  }

  /**
   * test() of the bytes b[start, end) read as latin1 (character code = byte), without making
   * that string: the same walk over the same DFA, for patterns where matchesBytes holds. A
   * packet's `$data` matched against a pattern that fails in its first bytes then costs those
   * bytes, not a copy of the whole payload.
   */
  testBytes(b: Uint8Array, start: number, end: number): boolean {
    let st = this.initial();
    let trans = this.trans;
    for (let i = start; i < end; i++) {
      const c = b[i];
      let t = trans[st * STRIDE + c];
      if (t < 0) {
        t = this.resolve(st, c, t);
        trans = this.trans;
        if (t === MATCHED) return true;
        if (t === DEAD) return false;
      }
      st = t;
    }
    return this.atEnd(st);
  }

  /** The state at offset 0. */
  private initial(): number {
    if (this.initialState < 0) {
      const pcs = this.prog.anchored ? Int32Array.of(this.prog.start) : new Int32Array(0);
      this.initialState = this.stateOf(pcs, AT_START);
    }
    return this.initialState;
  }

  /** A transition the table holds as negative: computed when unknown, else an ending. */
  private resolve(st: number, c: number, t: number): number {
    return t === UNKNOWN ? this.step(st, c) : t;
  }

  /** Whether the input ending in state st is a match. */
  private atEnd(st: number): boolean {
    const t = this.trans[st * STRIDE + END];
    return (t === UNKNOWN ? this.step(st, END) : t) === MATCHED;
  }

  /** The state with nothing in progress just before offset i > 0. */
  private restartAt(s: string, i: number): number {
    const c = s.charCodeAt(i - 1);
    const flags = c <= 0xff && IS_WORD[c] === 1 ? AFTER_WORD : 0;
    if (this.restartStates[flags] < 0)
      this.restartStates[flags] = this.stateOf(new Int32Array(0), flags);
    return this.restartStates[flags];
  }

  private stateOf(pcs: Int32Array, flags: number): number {
    const key = `${flags}:${pcs.join(',')}`;
    const known = this.keys.get(key);
    if (known !== undefined) return known;
    if (this.count >= MAX_STATES) this.reset();
    if (this.count * STRIDE >= this.trans.length) {
      const grown = new Int32Array(Math.max(16, this.count * 2) * STRIDE).fill(UNKNOWN);
      grown.set(this.trans);
      this.trans = grown;
      const f = new Uint8Array(grown.length / STRIDE);
      f.set(this.flags);
      this.flags = f;
    }
    const id = this.count++;
    this.keys.set(key, id);
    this.pending[id] = Int32Array.from(pcs);
    this.flags[id] = flags;
    return id;
  }

  private reset(): void {
    this.keys.clear();
    this.pending.length = 0;
    this.trans.fill(UNKNOWN);
    this.count = 0;
    this.epoch++;
    this.initialState = -1;
    this.restartStates.fill(-1);
  }

  /** Computes (and caches) the transition of state `st` on symbol `c` (or END). */
  private step(st: number, c: number): number {
    const { op, a, b, sets, start, anchored } = this.prog;
    const flags = this.flags[st];
    const before = (flags & AFTER_WORD) !== 0;
    const after = c < SYMBOLS && IS_WORD[c] === 1;
    const gen = ++this.generation;
    const seen = this.seen;
    const stack = this.stack;
    let sp = 0;
    const push = (pc: number) => {
      if (seen[pc] !== gen) {
        seen[pc] = gen;
        stack[sp++] = pc;
      }
    };
    const from = this.pending[st];
    for (let k = 0; k < from.length; k++) push(from[k]);
    if (!anchored) push(start);
    let matched = false;
    let count = 0;
    const next = this.next;
    const queued = this.queued;
    while (sp > 0) {
      const pc = stack[--sp];
      switch (op[pc]) {
        case OP_MATCH:
          matched = true;
          break;
        case OP_SPLIT:
          push(a[pc]);
          push(b[pc]);
          break;
        case OP_ASSERT: {
          const kind = a[pc];
          const holds =
            kind === ASSERT_BOL
              ? (flags & AT_START) !== 0
              : kind === ASSERT_EOL
                ? c === END
                : (before !== after) === (kind === ASSERT_WORD);
          if (holds) push(b[pc]);
          break;
        }
        case OP_CHAR:
          if (c < SYMBOLS && sets[a[pc]][c] === 1 && queued[b[pc]] !== gen) {
            queued[b[pc]] = gen;
            next[count++] = b[pc];
          }
          break;
      }
      if (matched) break;
    }
    const epoch = this.epoch;
    let t: number;
    if (matched) t = MATCHED;
    else if (c === END) t = NO_MATCH_AT_END;
    else if (count === 0 && anchored) t = DEAD;
    else t = this.stateOf(next.subarray(0, count).sort(), after ? AFTER_WORD : 0);
    if (this.epoch === epoch) this.trans[st * STRIDE + c] = t;
    return t;
  }
}
