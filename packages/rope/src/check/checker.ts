// The checker: everything that can be rejected before a packet is seen. It walks the AST once,
// following the stack as far as it can be known statically (check/abstract.ts): item kinds,
// constants, the register a reference names, and whether the depth down to the floor (script
// start or anchor) is known. Blocks handed to a control verb are followed inline, in the stack
// they will run on. What cannot be decided here is left to the run-time checks.
//
// Reported: malformed tokens and literals, unbalanced brackets (from the parser), unknown verbs
// and registers, writes to read-only registers and strings into integer registers, anchor calls
// with the wrong argument count (static contents) or on verbs without an anchor form, stack
// underflow and operand kinds that can never fit, blocks whose stack effect cannot work for
// their verb, refused regular expressions, and (warning) code after an unconditional end.
import type { BlockNode, CallNode, Node, Program } from '../ast.js';
import { Diagnostic, type DiagnosticCode } from '../diagnostic.js';
import { constantNames, constantValue } from '../language/constants.js';
import {
  FREG_INFO,
  GREG_INFO,
  MAX_NAMED_REGISTERS,
  namedRegisterInfo,
  namedRegisterProblem,
  registerInfo,
  registerNames,
  USER_REGISTER_NAMES,
  type RegisterInfo,
} from '../language/registers.js';
import { tyName, type Ty } from '../language/types.js';
import { anchorArity, VERBS, verbInfo, type VerbInfo } from '../language/verbs.js';
import { FLOW_REGISTERS, GLOBAL_REGISTERS, USER_REGISTERS } from '../runtime/machine.js';
import { compileRegex } from '../runtime/regex.js';
import type { SourceFile, Span } from '../source.js';
import {
  absOf,
  ANY,
  assign,
  compatible,
  constTruth,
  copyState,
  derefType,
  effect,
  joinStates,
  lose,
  newState,
  type Abs,
  type State,
} from './abstract.js';
import { collectNamedRegisters } from './named-registers.js';
import { closest } from './suggest.js';

export interface CheckOptions {
  /** Values the caller pushes before each run (--push-*); counted for underflow checks. */
  pushes?: number;
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** Anchor calls whose arguments have a static effect: their argument count. */
  staticCalls: Map<CallNode, number>;
  usesFlowRegisters: boolean;
  /** Named user registers: name → index in the machine's user registers. */
  namedRegisters: Map<string, number>;
}

const REGISTER_COUNTS: Record<string, number> = {
  reg: USER_REGISTERS,
  greg: GLOBAL_REGISTERS,
  freg: FLOW_REGISTERS,
};
/** Inline analysis steps before the checker stops following blocks (pathological nesting). */
const BUDGET = 200_000;

const VERB_NAMES = VERBS.map((v) => v.name);

function where(s: Span | undefined): string {
  return s ? ` (pushed at ${s.line}:${s.column})` : '';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

class Checker {
  private readonly diags = new Map<string, Diagnostic>();
  readonly staticCalls = new Map<CallNode, number>();
  private readonly analyzed = new Set<BlockNode>();
  private budget = BUDGET;
  /** `depth` or `dump` ran in the arguments being checked: they see the anchor, so it must exist at run time. */
  private sawDepth = false;
  usesFlow = false;
  /** Named user registers: their info, where first seen, and whether anything writes them. */
  private readonly named = new Map<string, RegisterInfo>();
  private readonly namedFirst = new Map<string, Span>();
  private readonly written = new Set<string>();

  constructor(
    private readonly src: SourceFile,
    private readonly pushes: number,
    readonly namedIndex: Map<string, number>,
  ) {
    for (const name of namedIndex.keys()) this.named.set(name, namedRegisterInfo(name));
  }

  diagnostics(): Diagnostic[] {
    return [...this.diags.values()];
  }

  report(span: Span, severity: 'error' | 'warning', code: DiagnosticCode, message: string): void {
    const key = `${span.line}:${span.column}:${code}:${message}`;
    if (!this.diags.has(key))
      this.diags.set(key, Diagnostic.at(this.src, span, severity, code, message));
  }

  error(span: Span, code: DiagnosticCode, message: string): void {
    this.report(span, 'error', code, message);
  }

  run(program: Program): void {
    const st = newState(
      true,
      Array.from({ length: this.pushes }, () => ({ t: 'any' as const })),
    );
    this.seq(program.body, st);
    // blocks that were never handed to a verb the checker could follow: checked on their own
    for (;;) {
      const pending = collectBlocks(program.body).filter((b) => !this.analyzed.has(b));
      if (pending.length === 0) break;
      for (const b of pending) this.inline(b, newState(false));
    }
    // a named register nothing writes is a misspelling (of another register) more often than not
    for (const [name, span] of this.namedFirst) {
      if (this.written.has(name)) continue;
      const s = closest(
        name,
        [...registerNames(), ...this.named.keys()].filter((n) => n !== name),
      );
      this.error(
        span,
        'unknown-register',
        `register \`$${name}\` is never written: a named register must be set with put, inc or dec${s ? ` (did you mean \`$${s}\`?)` : ''}`,
      );
    }
  }

  private seq(nodes: Node[], st: State): void {
    let warned = false;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const next = nodes[i + 1];
      if (
        node.kind === 'register' &&
        next?.kind === 'word' &&
        (next.name === 'put' || next.name === 'inc' || next.name === 'dec')
      ) {
        this.written.add(node.name);
      }
      if (st.ended) {
        if (!warned) {
          this.report(
            node.span,
            'warning',
            'unreachable',
            'this code never runs: the script always ends before it',
          );
          warned = true;
        }
        lose(st);
        st.ended = false;
      }
      this.node(node, st);
    }
  }

  private inline(b: BlockNode, st: State): void {
    this.analyzed.add(b);
    if (--this.budget < 0) {
      lose(st);
      return;
    }
    this.budget -= b.body.length;
    this.seq(b.body, st);
  }

  private node(node: Node, st: State): void {
    switch (node.kind) {
      case 'int':
        st.items.push({ t: 'int', c: node.value, from: node.span });
        return;
      case 'bytes':
        st.items.push({ t: 'str', c: node.value, from: node.span });
        return;
      case 'invalid': {
        const r = node.reason;
        this.error(r.code === 'bad-escape' ? r.at : node.span, r.code, r.message);
        st.items.push(ANY);
        return;
      }
      case 'register':
        st.items.push({ t: 'ref', reg: this.register(node.name, node.span), from: node.span });
        return;
      case 'block':
        st.items.push({ t: 'block', block: node, from: node.span });
        return;
      case 'group': {
        this.error(node.span, 'bad-token', '`(` needs a verb right before it: `verb( … )`');
        this.seq(node.body, newState(true, [], true));
        lose(st);
        return;
      }
      case 'word': {
        const c = constantValue(node.name);
        if (c !== undefined) {
          st.items.push({ t: 'int', c, from: node.span });
          return;
        }
        const info = verbInfo(node.name);
        if (!info) {
          this.unknownVerb(node.name, node.span);
          lose(st);
          return;
        }
        if (info.name === 'freg') this.usesFlow = true;
        if (info.anchor === 'only') {
          this.error(
            node.span,
            'anchor-required',
            `\`${info.name}\` is used in anchor form only: \`${info.name}( {…} {…} )\``,
          );
          lose(st);
          return;
        }
        this.apply(info, node.span, st, null);
        return;
      }
      case 'call':
        this.call(node, st);
        return;
    }
  }

  private register(name: string, span: Span): RegisterInfo | undefined {
    const info = registerInfo(name) ?? this.named.get(name);
    if (info) {
      if (info.addition && info.group === 'user' && !this.namedFirst.has(name))
        this.namedFirst.set(name, span);
      return info;
    }
    const problem = namedRegisterProblem(name);
    if (name === '') {
      this.error(span, 'unknown-register', 'a register name must follow `$`');
    } else if (registerInfo(name.toLowerCase()) || this.named.has(name.toLowerCase())) {
      this.error(
        span,
        'unknown-register',
        `unknown register \`$${name}\`: register names are lower case (\`$${name.toLowerCase()}\`)`,
      );
    } else if (problem === null) {
      this.error(
        span,
        'unknown-register',
        `more than ${MAX_NAMED_REGISTERS} named registers in one script`,
      );
    } else {
      const s = closest(name, [...registerNames(), ...this.named.keys()]);
      this.error(
        span,
        'unknown-register',
        `unknown register \`$${name}\`${s ? ` (did you mean \`$${s}\`?)` : ` (${problem})`}`,
      );
    }
    return undefined;
  }

  private unknownVerb(name: string, span: Span): void {
    if (registerInfo(name) && !verbInfo(name)) {
      this.error(
        span,
        'unknown-verb',
        `unknown verb \`${name}\` (the register is written \`$${name}\`)`,
      );
      return;
    }
    const s = closest(name, [...VERB_NAMES, ...constantNames()]);
    this.error(
      span,
      'unknown-verb',
      `unknown verb \`${name}\`${s ? ` (did you mean \`${s}\`?)` : ''}`,
    );
  }

  private call(node: CallNode, st: State): void {
    const info = verbInfo(node.name);
    const args = newState(true, [], true);
    if (!info) {
      if (constantValue(node.name) !== undefined) {
        this.error(
          node.nameSpan,
          'no-anchor-form',
          `\`${node.name}\` is a constant, not a verb: only verbs take \`( … )\``,
        );
      } else this.unknownVerb(node.name, node.nameSpan);
      this.seq(node.args, args);
      lose(st);
      return;
    }
    if (info.name === 'freg') this.usesFlow = true;
    if (info.anchor === 'none') {
      this.error(
        node.nameSpan,
        'no-anchor-form',
        `\`${info.name}\` has no anchor form: write its operands before it (\`… ${info.name}\`)`,
      );
      this.seq(node.args, args);
      lose(st);
      return;
    }
    const saved = this.sawDepth;
    this.sawDepth = false;
    this.seq(node.args, args);
    const observesAnchor = this.sawDepth;
    this.sawDepth = saved;
    if (args.ended) {
      st.ended = true;
      return;
    }
    if (!args.known) {
      // counted at run time; the verb's results are still known
      this.apply(info, node.nameSpan, st, 'dynamic');
      return;
    }
    const n = args.items.length;
    const { min, max } = anchorArity(info);
    if (n < min || n > max) {
      const wants =
        min === max
          ? plural(min, 'argument')
          : max === Infinity
            ? `at least ${plural(min, 'argument')}`
            : `${min} to ${max} arguments`;
      this.error(
        node.span,
        'anchor-arity',
        `\`${info.name}( … )\` takes ${wants}, here it gets ${n}`,
      );
      lose(st);
      return;
    }
    if (!observesAnchor) this.staticCalls.set(node, n);
    this.apply(info, node.nameSpan, st, args.items);
  }

  private pop(st: State, n: number, verb: string, span: Span): Abs[] {
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
        this.error(
          span,
          'anchor-underflow',
          `\`${verb}\` needs ${plural(n, 'operand')} but the anchor call holds ${have} here: verbs inside \`( … )\` cannot reach values outside it`,
        );
      } else {
        const hint =
          this.pushes === 0
            ? '; to use values pushed by the caller (--push-*), test `depth` first'
            : '';
        this.error(
          span,
          'stack-underflow',
          `stack underflow: \`${verb}\` needs ${plural(n, 'operand')} but the stack holds ${have} here${hint}`,
        );
      }
      lose(st);
    }
    return out;
  }

  private typeCheck(verb: string, need: Ty, a: Abs, span: Span): void {
    const have = need === 'ref' || need === 'item' ? a.t : derefType(a);
    if (!compatible(need, have)) {
      const got =
        a.t === 'ref' && need !== 'ref'
          ? `register $${a.reg?.name} (${tyName(have as Ty)})`
          : tyName(have as Ty);
      this.error(span, 'type', `\`${verb}\` needs ${tyName(need)}, got ${got}${where(a.from)}`);
    }
  }

  /**
   * Applies a verb to the state. `given`: the anchor call's arguments (already off the outer
   * stack), 'dynamic' when their number is only known at run time, null for the bare form.
   */
  private apply(info: VerbInfo, span: Span, st: State, given: Abs[] | 'dynamic' | null): void {
    const name = info.name;
    if (name === 'depth' || name === 'dump') this.sawDepth = true;
    // a script that asks for the depth is ready for values it did not push (--push-*): from
    // here on the floor of the script is unknown and underflow is left to run time
    if (name === 'depth' && !st.anchor) st.exact = false;
    if (given === 'dynamic') {
      if (info.control) lose(st);
      else for (const t of info.out) st.items.push(absOf(t, span));
      return;
    }
    // yes / no / hotdrop: may end the run here
    if (name === 'yes' || name === 'no' || name === 'hotdrop') {
      if (given !== null) {
        const ends = name === 'hotdrop' || given.length === 0 || constTruth(given[0]) === true;
        if (ends) st.ended = true;
        return;
      }
      if (name === 'hotdrop') {
        st.ended = true;
        return;
      }
      if (st.items.length > 0) {
        if (constTruth(st.items.pop()!) === true) st.ended = true;
      } else if (st.known && st.exact) {
        st.ended = true;
      } else lose(st);
      return;
    }
    const types: Ty[] =
      given !== null && info.variadic ? given.map(() => info.variadic!.of) : info.in;
    const ops = given ?? this.pop(st, types.length, name, span);
    for (let i = 0; i < ops.length; i++) this.typeCheck(name, types[i], ops[i], span);
    if (info.control || name === 'lift_while' || name === 'expect_while') {
      this.control(info, span, st, ops);
      return;
    }
    this.verbChecks(info, span, ops);
    this.results(info, span, st, ops);
  }

  private verbChecks(info: VerbInfo, span: Span, ops: Abs[]): void {
    const name = info.name;
    if (name === 'put' || name === 'inc' || name === 'dec') {
      const ref = ops[ops.length - 1];
      const reg = ref.t === 'ref' ? ref.reg : undefined;
      if (!reg) return;
      if (this.named.get(reg.name) === reg) this.written.add(reg.name);
      const shown =
        reg.name === 'greg' || reg.name === 'freg'
          ? `${reg.name} register`
          : `register \`$${reg.name}\``;
      if (!reg.writable) {
        this.error(span, 'read-only', `${shown} is read-only`);
        return;
      }
      if (name === 'put' && reg.type === 'int' && derefType(ops[0]) === 'str') {
        this.error(
          span,
          'register-type',
          `${shown} holds integers; \`put\` would store a string${where(ops[0].from)}`,
        );
      }
      if (name === 'put' && reg.type === 'int' && (ops[0].t === 'block' || ops[0].t === 'tm')) {
        this.error(
          span,
          'register-type',
          `${shown} holds integers; \`put\` would store ${tyName(ops[0].t)}`,
        );
      }
      if (name !== 'put' && reg.type === 'str')
        this.error(
          span,
          'register-type',
          `\`${name}\` needs an integer register; ${shown} holds a string`,
        );
      return;
    }
    if (name in REGISTER_COUNTS) {
      const n = ops[0].c;
      if (typeof n === 'number' && (n < 0 || n >= REGISTER_COUNTS[name])) {
        this.error(
          span,
          'range',
          `\`${name}\` register ${n} does not exist (0 to ${REGISTER_COUNTS[name] - 1})`,
        );
      }
      return;
    }
    if ((name === 'match' || name === 'matchi') && typeof ops[1].c === 'string') {
      const re = compileRegex(ops[1].c, name === 'matchi');
      if (typeof re === 'string') this.error(ops[1].from ?? span, 'bad-regex', re);
      return;
    }
    if (name === 'chr' && typeof ops[0].c === 'number' && (ops[0].c < 0 || ops[0].c > 255)) {
      this.error(span, 'range', `\`chr\` needs a byte value 0-255, got ${ops[0].c}`);
      return;
    }
    if (
      (name === 'lift' || name === 'expect' || name === 'peek') &&
      typeof ops[0].c === 'number' &&
      ops[0].c < 0
    ) {
      this.error(span, 'range', `\`${name}\` needs a byte count ≥ 0, got ${ops[0].c}`);
      return;
    }
    if (info.group === 'comparison' || (info.group === 'logic' && name !== 'not')) {
      const kinds = new Set(ops.map((o) => derefType(o)).filter((t) => t === 'int' || t === 'str'));
      if (kinds.size > 1)
        this.error(
          span,
          'type',
          `\`${name}\` needs two integers or two strings, here it gets an integer and a string`,
        );
    }
  }

  private results(info: VerbInfo, span: Span, st: State, ops: Abs[]): void {
    switch (info.name) {
      case 'dup':
        st.items.push(ops[0], ops[0]);
        return;
      case 'swap':
        st.items.push(ops[1], ops[0]);
        return;
      case 'over':
        st.items.push(ops[0], ops[1], ops[0]);
        return;
      case 'get':
        st.items.push({ t: derefType(ops[0]), from: span });
        return;
      case 'reg':
      case 'greg':
      case 'freg': {
        const n = ops[0].c;
        const reg =
          info.name === 'greg'
            ? GREG_INFO
            : info.name === 'freg'
              ? FREG_INFO
              : typeof n === 'number'
                ? registerInfo(USER_REGISTER_NAMES[n] ?? '')
                : undefined;
        st.items.push({ t: 'ref', reg, from: span });
        return;
      }
      case 'and':
      case 'or':
      case 'xor': {
        const kinds = new Set(ops.map((o) => derefType(o)));
        const only = kinds.size === 1 ? [...kinds][0] : 'value';
        st.items.push({ t: only === 'int' || only === 'str' ? only : 'value', from: span });
        return;
      }
    }
    for (const t of info.out) st.items.push(absOf(t, span));
  }

  /** Control verbs and the byte-scanning verbs: follow literal blocks in the stack they run on. */
  private control(info: VerbInfo, span: Span, st: State, ops: Abs[]): void {
    const blockOf = (a: Abs | undefined) => (a && a.t === 'block' ? a.block : undefined);
    switch (info.name) {
      case 'do': {
        const b = blockOf(ops[0]);
        if (b) this.inline(b, st);
        else lose(st);
        return;
      }
      case 'if':
      case 'unless': {
        const b = blockOf(ops[1]);
        if (!b) return lose(st);
        const after = copyState(st);
        this.inline(b, after);
        const truth = constTruth(ops[0]);
        const runs = truth === null ? null : truth !== (info.name === 'unless');
        if (runs === true) assign(st, after);
        else if (runs === null) assign(st, joinStates(st, after));
        return;
      }
      case 'ifelse': {
        const yes = blockOf(ops[1]);
        const no = blockOf(ops[2]);
        if (!yes || !no) return lose(st);
        const a = copyState(st);
        this.inline(yes, a);
        const b = copyState(st);
        this.inline(no, b);
        const truth = constTruth(ops[0]);
        assign(st, truth === true ? a : truth === false ? b : joinStates(a, b));
        return;
      }
      case 'repeat': {
        const b = blockOf(ops[1]);
        if (!b) return lose(st);
        const after = copyState(st);
        this.inline(b, after);
        if (ops[0].c === 0) return;
        if (after.ended && typeof ops[0].c === 'number' && ops[0].c > 0) {
          st.ended = true;
          return;
        }
        if (effect(st, after) === 0) assign(st, joinStates(st, after));
        else lose(st);
        return;
      }
      case 'while':
      case 'until': {
        const cond = blockOf(ops[0]);
        const body = blockOf(ops[1]);
        if (!cond || !body) return lose(st);
        const c = copyState(st);
        this.inline(cond, c);
        if (c.ended) return assign(st, c);
        const e = effect(st, c);
        if (e !== null && e < 1) {
          this.error(
            span,
            'block-effect',
            `the condition block of \`${info.name}\` must leave a value to test; it changes the depth by ${e}`,
          );
          return lose(st);
        }
        this.pop(c, 1, info.name, span);
        const b = copyState(c);
        this.inline(body, b);
        // the loop ends after a condition: in the state the condition left, if every iteration
        // brings the stack back to where the loop started
        if (b.ended || effect(st, b) === 0) assign(st, c);
        else lose(st);
        return;
      }
      case 'eval': {
        const b = blockOf(ops[0]);
        if (!b) return lose(st);
        const after = copyState(st);
        this.inline(b, after);
        if (effect(st, after) !== 0 && !after.ended) lose(st);
        st.items.push({ t: 'int', from: span });
        return;
      }
      case 'expect_one': {
        const blocks = ops.map(blockOf);
        if (blocks.some((b) => !b)) return lose(st);
        let joined: State | null = null;
        for (const b of blocks) {
          const after = copyState(st);
          this.inline(b!, after);
          if (effect(st, after) !== 0 && !after.ended) {
            lose(st);
            return;
          }
          joined = joined ? joinStates(joined, after) : after;
        }
        if (joined && !joined.ended) assign(st, joinStates(st, joined));
        return;
      }
      case 'lift_while':
      case 'expect_while': {
        const b = blockOf(ops[0]);
        if (b) {
          const withByte = copyState(st);
          withByte.items.push({ t: 'str' });
          const after = copyState(withByte);
          this.inline(b, after);
          const e = effect(withByte, after);
          if (e !== null && e !== 0 && !after.ended) {
            this.error(
              span,
              'block-effect',
              `the block of \`${info.name}\` gets each byte as a 1-byte string and must leave one value in its place; it changes the depth by ${e > 0 ? '+' : ''}${e}`,
            );
          }
        }
        st.items.push({ t: 'str', from: span });
        return;
      }
      case 'assert':
        if (constTruth(ops[0]) === false) st.ended = true;
        return;
    }
  }
}

function collectBlocks(nodes: Node[], out: BlockNode[] = []): BlockNode[] {
  for (const n of nodes) {
    if (n.kind === 'block') {
      out.push(n);
      collectBlocks(n.body, out);
    } else if (n.kind === 'call') collectBlocks(n.args, out);
    else if (n.kind === 'group') collectBlocks(n.body, out);
  }
  return out;
}

export function check(program: Program, src: SourceFile, options: CheckOptions = {}): CheckResult {
  const c = new Checker(src, options.pushes ?? 0, collectNamedRegisters(program.body));
  c.run(program);
  return {
    diagnostics: c.diagnostics(),
    staticCalls: c.staticCalls,
    usesFlowRegisters: c.usesFlow,
    namedRegisters: c.namedIndex,
  };
}
