// What the checker concluded about a built-in script, kept in its parsed form (parsed-cache.ts)
// so that a start compiling only built-in scripts skips the checker too: cold, it took 30–40 ms
// for the three default scripts (warm, 3 ms: the time is V8 running its code for the first time).
//
// Only what the checker works out by following the stack is kept: which anchor calls have
// arguments of a static effect (a call node by its number in a walk of the program, and its
// argument count) and whether the script uses flow registers. The rest of a check's result — the
// table declarations, the program without them, the named registers — comes from cheap walks of
// the program, made again on load. A form holds a check only when the checker found nothing to
// say (no error, no warning) with no pre-pushed values; otherwise the checker runs.
import type { CallNode, Node, Program } from '../ast.js';
import type { CheckResult } from '../check/checker.js';
import { collectNamedRegisters } from '../check/named-registers.js';
import { collectTableDeclarations } from '../check/table-declarations.js';

export interface CheckedForm {
  /** [number of the call node in `callNodes` order, its argument count] */
  staticCalls: [number, number][];
  usesFlowRegisters: boolean;
}

/** Every anchor call node of `nodes`, depth first, in source order. */
export function callNodes(nodes: readonly Node[], out: CallNode[] = []): CallNode[] {
  for (const n of nodes) {
    if (n.kind === 'call') {
      out.push(n);
      callNodes(n.args, out);
    } else if (n.kind === 'block' || n.kind === 'group') callNodes(n.body, out);
  }
  return out;
}

/** The form of `result`, the check of `program` with no pre-pushed values; null if it said anything. */
export function checkedForm(program: Program, result: CheckResult): CheckedForm | null {
  if (result.diagnostics.length > 0) return null;
  const number = new Map(callNodes(program.body).map((n, i) => [n, i]));
  const staticCalls: [number, number][] = [];
  for (const [node, count] of result.staticCalls) {
    const i = number.get(node);
    if (i === undefined) return null;
    staticCalls.push([i, count]);
  }
  return { staticCalls, usesFlowRegisters: result.usesFlowRegisters };
}

/**
 * The check result `form` stands for, on `program` (the parsed form it came with); null when the
 * form does not fit the program (then the checker runs).
 */
export function checkFromForm(program: Program, form: CheckedForm): CheckResult | null {
  // read from a file: anything not of the form's shape means "check again", never an exception
  if (!Array.isArray(form.staticCalls) || typeof form.usesFlowRegisters !== 'boolean') return null;
  const decls = collectTableDeclarations(program.body);
  if (decls.problems.length > 0) return null;
  const calls = callNodes(program.body);
  const staticCalls = new Map<CallNode, number>();
  for (const entry of form.staticCalls) {
    if (!Array.isArray(entry) || entry.length !== 2) return null;
    const [i, count] = entry;
    const node = Number.isInteger(i) ? calls[i] : undefined;
    if (node === undefined || !Number.isInteger(count) || count < 0) return null;
    staticCalls.set(node, count);
  }
  return {
    diagnostics: [],
    staticCalls,
    usesFlowRegisters: form.usesFlowRegisters,
    namedRegisters: collectNamedRegisters(decls.body),
    tables: decls.tables,
    body: decls.body,
  };
}
