// The checker: everything that can be rejected before a packet is seen. It walks the AST once,
// following the stack as far as it can be known statically (check/abstract.ts): item kinds,
// constants, the register a reference names, and whether the depth down to the floor (script
// start or anchor) is known. Blocks handed to a control verb are followed inline, in the stack
// they will run on (check/control-flow.ts). What cannot be decided here is left to the run-time
// checks.
//
// Reported: malformed tokens and literals, unbalanced brackets (from the parser), unknown verbs
// and registers (check/registers.ts), writes to read-only registers and strings into integer
// registers, anchor calls with the wrong argument count (static contents) or on verbs without
// an anchor form, stack underflow and operand kinds that can never fit (check/operands.ts),
// blocks whose stack effect cannot work for their verb, what each word's own `check` finds
// (refused regular expressions, registers and counts out of range: words/*.ts), and (warning)
// code after an unconditional end.
import type { BlockNode, CallNode, Node, Program } from '../ast.js';
import type { Diagnostic, DiagnosticCode } from '../diagnostic.js';
import { constantNames, constantValue } from '../language/constants.js';
import { registerInfo } from '../language/registers.js';
import type { Ty } from '../language/types.js';
import type { SourceFile, Span } from '../source.js';
import { WORDS, wordInfo } from '../words/index.js';
import { anchorArity, type Word } from '../words/word.js';
import { absOf, ANY, lose, newState, type Abs, type State } from './abstract.js';
import type { BlockFollower } from './control-flow.js';
import { plural } from './messages.js';
import { collectNamedRegisters } from './named-registers.js';
import {
  collectTableDeclarations,
  TABLE_DECLARATION,
  type TableDecl,
} from './table-declarations.js';
import { checkOperandKind, popOperands } from './operands.js';
import { RegisterUse } from './registers.js';
import { Reporter } from './reporter.js';
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
  /** The tables the script declares (`table( … )` at its top), by name. */
  tables: Map<string, TableDecl>;
  /** The program without its table declarations: what the compiler compiles. */
  body: Node[];
}

/** Inline analysis steps before the checker stops following blocks (pathological nesting). */
const BUDGET = 200_000;

const WORD_NAMES = WORDS.map((w) => w.name);

class Checker implements BlockFollower {
  private readonly reporter: Reporter;
  private readonly registers: RegisterUse;
  readonly staticCalls = new Map<CallNode, number>();
  private readonly analyzed = new Set<BlockNode>();
  private budget = BUDGET;
  /** `depth` or `dump` ran in the arguments being checked: they see the anchor, so it must exist at run time. */
  private sawDepth = false;
  usesFlow = false;

  constructor(
    src: SourceFile,
    private readonly pushes: number,
    readonly namedIndex: Map<string, number>,
    private readonly tables: ReadonlyMap<string, TableDecl>,
  ) {
    this.reporter = new Reporter(src);
    this.registers = new RegisterUse(this.reporter, namedIndex);
  }

  diagnostics(): Diagnostic[] {
    return this.reporter.diagnostics();
  }

  error(span: Span, code: DiagnosticCode, message: string): void {
    this.reporter.error(span, code, message);
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
    this.registers.reportNeverWritten();
  }

  private seq(nodes: Node[], st: State): void {
    let warned = false;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const next = nodes[i + 1];
      if (node.kind === 'register' && next?.kind === 'word' && wordInfo(next.name)?.writesRegister)
        this.registers.writtenByName(node.name);
      if (st.ended) {
        if (!warned) {
          this.reporter.report(
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

  inline(b: BlockNode, st: State): void {
    this.analyzed.add(b);
    if (--this.budget < 0) {
      lose(st);
      return;
    }
    this.budget -= b.body.length;
    this.seq(b.body, st);
  }

  pop(st: State, n: number, verb: string, span: Span): Abs[] {
    return popOperands(this.reporter, this.pushes, st, n, verb, span);
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
        st.items.push({
          t: 'ref',
          reg: this.registers.resolve(node.name, node.span),
          from: node.span,
        });
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
        const word = wordInfo(node.name);
        if (!word) {
          this.unknownVerb(node.name, node.span);
          lose(st);
          return;
        }
        if (word.usesFlowRegisters) this.usesFlow = true;
        if (word.anchor === 'only') {
          this.error(
            node.span,
            'anchor-required',
            `\`${word.name}\` is used in anchor form only: \`${word.name}( {…} {…} )\``,
          );
          lose(st);
          return;
        }
        this.apply(word, node.span, st, null);
        return;
      }
      case 'call':
        this.call(node, st);
        return;
    }
  }

  private unknownVerb(name: string, span: Span): void {
    // a misplaced declaration: table-declarations.ts said where declarations go
    if (name === TABLE_DECLARATION) return;
    if (registerInfo(name) && !wordInfo(name)) {
      this.error(
        span,
        'unknown-verb',
        `unknown verb \`${name}\` (the register is written \`$${name}\`)`,
      );
      return;
    }
    const s = closest(name, [...WORD_NAMES, ...constantNames()]);
    this.error(
      span,
      'unknown-verb',
      `unknown verb \`${name}\`${s ? ` (did you mean \`${s}\`?)` : ''}`,
    );
  }

  private call(node: CallNode, st: State): void {
    const word = wordInfo(node.name);
    const args = newState(true, [], true);
    if (!word) {
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
    if (word.usesFlowRegisters) this.usesFlow = true;
    if (word.anchor === 'none') {
      this.error(
        node.nameSpan,
        'no-anchor-form',
        `\`${word.name}\` has no anchor form: write its operands before it (\`… ${word.name}\`)`,
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
      this.apply(word, node.nameSpan, st, 'dynamic');
      return;
    }
    const n = args.items.length;
    const { min, max } = anchorArity(word);
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
        `\`${word.name}( … )\` takes ${wants}, here it gets ${n}`,
      );
      lose(st);
      return;
    }
    if (!observesAnchor) this.staticCalls.set(node, n);
    this.apply(word, node.nameSpan, st, args.items);
  }

  /**
   * Applies a word to the state. `given`: the anchor call's arguments (already off the outer
   * stack), 'dynamic' when their number is only known at run time, null for the bare form.
   */
  private apply(word: Word, span: Span, st: State, given: Abs[] | 'dynamic' | null): void {
    const name = word.name;
    if (word.seesAnchor) this.sawDepth = true;
    if (word.readsDepth && !st.anchor) st.exact = false;
    if (given === 'dynamic') {
      if (word.control) lose(st);
      else for (const t of word.out) st.items.push(absOf(t, span));
      return;
    }
    if (word.endsRun) {
      word.endsRun(st, given);
      return;
    }
    const types: Ty[] =
      given !== null && word.variadic ? given.map(() => word.variadic!.of) : word.in;
    const ops = given ?? this.pop(st, types.length, name, span);
    for (let i = 0; i < ops.length; i++)
      checkOperandKind(this.reporter, name, types[i], ops[i], span);
    if (word.follow) {
      word.follow(this, st, ops, span, name);
      return;
    }
    if (word.writesRegister) {
      const ref = ops[ops.length - 1];
      if (ref.t === 'ref' && ref.reg) this.registers.writtenThrough(ref.reg);
    }
    if (word.check)
      for (const p of word.check(ops, name, this.tables))
        this.error(p.at ?? span, p.code, p.message);
    if (word.results) st.items.push(...word.results(ops, span));
    else for (const t of word.out) st.items.push(absOf(t, span));
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
  const decls = collectTableDeclarations(program.body);
  const body = decls.body;
  const c = new Checker(src, options.pushes ?? 0, collectNamedRegisters(body), decls.tables);
  for (const p of decls.problems) c.error(p.span, p.code, p.message);
  c.run({ body });
  return {
    diagnostics: c.diagnostics(),
    staticCalls: c.staticCalls,
    usesFlowRegisters: c.usesFlow,
    namedRegisters: c.namedIndex,
    tables: decls.tables,
    body,
  };
}
