// AST → closures. Each sequence is built left to right; literals, register references and
// blocks stay "pending" until a verb consumes them, so the verb can be specialised on them
// (`4 lift`, `"GET " expect_str`, `$ip_ttl 64 eq`, `{ isdigit } expect_while drop`), pure verbs
// on constant operands are evaluated here, and `N greg` becomes the register itself. Whatever a
// verb does not consume is pushed before it runs, so the order of effects is the script's. How
// each verb compiles is its record's `impl` (words/*.ts).
import type { BlockNode, CallNode, Node } from '../ast.js';
import { constantValue } from '../language/constants.js';
import { Block, type Op } from '../runtime/block.js';
import { Machine } from '../runtime/machine.js';
import type { RegRef } from '../runtime/reg-ref.js';
import { namedRef, registerRef } from '../runtime/registers.js';
import type { Site } from '../runtime/site.js';
import type { Value } from '../runtime/values.js';
import { CONTINUE, type Status } from '../runtime/verdict.js';
import type { Span } from '../source.js';
import { wordInfo } from '../words/index.js';
import { anchorArity, type Word, type WordImpl } from '../words/word.js';
import { shaped } from './op-shapes.js';
import { STACK, type Operand } from './operand.js';
import { sequence } from './sequence.js';

interface Pending {
  operand: Operand;
  site: Site;
  /** Verbs already folded into this value (they still count as actions). */
  cost: number;
}

export interface CompileInput {
  /** Anchor calls whose arguments the checker proved static: their argument count. */
  staticCalls: ReadonlyMap<CallNode, number>;
  /** The script text, for labels of blocks in traces. */
  text: string;
  /** Named user registers: name → slot. */
  namedRegisters: ReadonlyMap<string, number>;
}

function siteOf(span: Span, label: string): Site {
  return {
    line: span.line,
    column: span.column,
    endColumn: span.endLine === span.line ? span.endColumn : span.column,
    label,
  };
}

/** A machine for evaluating pure verbs on constants at compile time. */
const folder = new Machine({ maxStack: 64 });

function evaluateConst(impl: WordImpl, site: Site, args: Value[]): Value | undefined {
  folder.resetRun();
  for (const a of args) folder.stack[folder.sp++] = a;
  const s = impl.op(site, args.length)(folder);
  return s === CONTINUE && folder.sp === 1 ? folder.stack[0] : undefined;
}

class SeqBuilder {
  readonly ops: Op[] = [];
  readonly sites: Site[] = [];
  readonly costs: number[] = [];
  readonly pending: Pending[] = [];

  emit(op: Op, site: Site, cost: number): void {
    this.ops.push(op);
    this.sites.push(site);
    this.costs.push(cost);
  }

  /** Pushes every pending item but the last `keep`, in order, as one operation. */
  materialize(keep = 0): void {
    const count = this.pending.length - keep;
    if (count <= 0) return;
    const items = this.pending.splice(0, count);
    const values = items.map((p) =>
      p.operand.k === 'const' ? p.operand.v : (p.operand as { ref: RegRef }).ref,
    );
    const cost = items.reduce((a, p) => a + p.cost, 0);
    const site = items[items.length - 1].site;
    const label = items.map((p) => p.site.label).join(' ');
    this.emit(pushValues(values, { ...site, label }), { ...site, label }, cost);
  }

  finish(): Op {
    this.materialize();
    return sequence(this.ops, this.sites, this.costs);
  }
}

function pushValues(values: Value[], site: Site): Op {
  const n = values.length;
  const shape = { kind: 'push', values, site } as const;
  if (n === 1) {
    const v = values[0];
    return shaped(function push1(m: Machine): Status {
      if (m.sp >= m.caps.maxStack) return m.overflow(site);
      m.stack[m.sp++] = v;
      return CONTINUE;
    }, shape);
  }
  return shaped(function pushN(m: Machine): Status {
    if (m.sp + n > m.caps.maxStack) return m.overflow(site);
    for (let i = 0; i < n; i++) m.stack[m.sp++] = values[i];
    return CONTINUE;
  }, shape);
}

export class Compiler {
  private readonly named = new Map<string, RegRef>();

  constructor(private readonly input: CompileInput) {
    for (const [name, index] of input.namedRegisters) this.named.set(name, namedRef(index, name));
  }

  program(body: Node[]): Op {
    const b = new SeqBuilder();
    this.nodes(body, b);
    return b.finish();
  }

  private block(node: BlockNode): Block {
    const b = new SeqBuilder();
    this.nodes(node.body, b);
    const only = node.body.length === 1 ? node.body[0] : null;
    const byteClass =
      only && only.kind === 'word' ? (wordInfo(only.name)?.byteClass ?? null) : null;
    return new Block(b.finish(), siteOf(node.span, this.blockLabel(node)), byteClass);
  }

  /** `{ isdigit }` as written (whitespace collapsed) when short, else `{…}`. */
  private blockLabel(node: BlockNode): string {
    const text = this.input.text.slice(node.span.offset, node.span.endOffset).replace(/\s+/g, ' ');
    return text.length <= 32 ? text : '{…}';
  }

  private nodes(nodes: Node[], b: SeqBuilder): void {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const nextNode = nodes[i + 1];
      const next = nextNode && nextNode.kind === 'word' ? nextNode.name : null;
      switch (node.kind) {
        case 'int':
        case 'bytes':
          b.pending.push({
            operand: { k: 'const', v: node.value },
            site: siteOf(node.span, node.text),
            cost: 0,
          });
          break;
        case 'register': {
          const ref = registerRef(node.name) ?? this.named.get(node.name);
          if (!ref)
            throw new Error(`internal: unknown register $${node.name} reached the compiler`);
          b.pending.push({
            operand: { k: 'reg', ref },
            site: siteOf(node.span, `$${node.name}`),
            cost: 0,
          });
          break;
        }
        case 'block': {
          const blk = this.block(node);
          b.pending.push({ operand: { k: 'const', v: blk }, site: blk.site, cost: 0 });
          break;
        }
        case 'word': {
          const c = constantValue(node.name);
          if (c !== undefined) {
            b.pending.push({
              operand: { k: 'const', v: c },
              site: siteOf(node.span, node.name),
              cost: 0,
            });
            break;
          }
          const word = wordInfo(node.name)!;
          const n = word.optionalOperand ? (b.pending.length > 0 ? 1 : -1) : word.in.length;
          if (this.verb(word, siteOf(node.span, node.name), n, next, b)) i++;
          break;
        }
        case 'call':
          this.call(node, b);
          break;
        default:
          throw new Error(`internal: ${node.kind} node reached the compiler`);
      }
    }
  }

  private call(node: CallNode, b: SeqBuilder): void {
    const word = wordInfo(node.name)!;
    const site = siteOf(node.span, `${node.name}(…)`);
    const count = this.input.staticCalls.get(node);
    if (count !== undefined) {
      // arguments with a static effect: an anchor call is the verb with `count` operands
      this.nodes(node.args, b);
      this.verb(word, site, count, null, b);
      return;
    }
    b.materialize();
    b.emit(openAnchor(site), siteOf(node.open, `${node.name}(`), 0);
    this.nodes(node.args, b);
    b.materialize();
    b.emit(closeAnchor(word, site), siteOf(node.close, `)`), 1);
  }

  /**
   * Compiles `word` taking `n` operands (-1: a bare yes/no, which looks at the stack).
   * Returns true when the operation also did the `next` word.
   */
  private verb(word: Word, site: Site, n: number, next: string | null, b: SeqBuilder): boolean {
    const impl = word.impl;
    const arity = Math.max(n, 0);
    const take = Math.min(arity, b.pending.length);
    const taken = b.pending.slice(b.pending.length - take);
    const operands: Operand[] = [
      ...Array<Operand>(arity - take).fill(STACK),
      ...taken.map((p) => p.operand),
    ];
    const takenCost = taken.reduce((a, p) => a + p.cost, 0);
    const label = [...taken.map((p) => p.site.label), site.label].join(' ');
    // a fused operation keeps the verb's position (errors are the verb's) and shows its operands
    const fused: Site = { ...site, label };

    // `3 greg`, `0 reg`, `2 freg`: the register itself
    const refs = word.refs;
    if (refs && take === 1 && operands[0].k === 'const' && typeof operands[0].v === 'number') {
      const ref = refs[operands[0].v];
      if (ref) {
        b.pending.splice(b.pending.length - 1, 1, {
          operand: { k: 'reg', ref },
          site: fused,
          cost: takenCost + 1,
        });
        return false;
      }
    }

    // pure verbs on constants: evaluated now
    if (word.pure && take === arity && arity > 0 && operands.every((o) => o.k === 'const')) {
      const v = evaluateConst(
        impl,
        site,
        operands.map((o) => (o as { v: Value }).v),
      );
      if (v !== undefined) {
        b.pending.splice(b.pending.length - take, take, {
          operand: { k: 'const', v },
          site: fused,
          cost: takenCost + 1,
        });
        return false;
      }
    }

    let consumedNext = false;
    const op =
      take > 0 && impl.special
        ? impl.special({
            site: fused,
            operands,
            next,
            consumeNext: () => {
              consumedNext = true;
            },
          })
        : null;
    if (op) {
      b.pending.splice(b.pending.length - take, take);
      b.materialize();
      const s = consumedNext ? { ...fused, label: `${label} ${next}` } : fused;
      b.emit(op, s, takenCost + 1 + (consumedNext ? 1 : 0));
      return consumedNext;
    }
    b.materialize();
    b.emit(impl.op(site, n), site, 1);
    return false;
  }
}

function openAnchor(site: Site): Op {
  return function open(m: Machine): Status {
    if (m.anchorDepth >= m.anchors.length) return m.overflow(site);
    m.anchors[m.anchorDepth++] = m.sp;
    m.base = m.sp;
    return CONTINUE;
  };
}

function closeAnchor(word: Word, site: Site): Op {
  const { min, max } = anchorArity(word);
  const fixed = word.anchor === 'fixed' ? word.impl.op(site, word.in.length) : null;
  const runN = word.impl.runN;
  const wants = max === min ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  return function close(m: Machine): Status {
    const n = m.sp - m.base;
    m.anchorDepth--;
    m.base = m.anchorDepth > 0 ? m.anchors[m.anchorDepth - 1] : 0;
    if (n < min || n > max) {
      return m.fail(
        'EAnchor',
        `\`${word.name}( … )\` takes ${wants} argument${max === 1 ? '' : 's'}, got ${n}`,
        site,
      );
    }
    if (fixed) return fixed(m);
    return runN!(m, site, n);
  };
}
