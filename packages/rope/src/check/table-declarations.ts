// Table declarations: `table( "peers" 65536 3600 )` — a name, a capacity and a default lifetime in
// seconds, and optionally the word `kernel` (the table is mirrored into a kernel set by `rope
// run`). They stand at the top of a script, before anything else, so a reader sees a script's
// shared memory first and the compiler knows every table before it meets a word that uses one.
// This pass takes them out of the program; the checker then checks the rest, and the table words
// check their table operand against what was declared here.
import type { Node } from '../ast.js';
import type { DiagnosticCode } from '../diagnostic.js';
import type { Span } from '../source.js';
import { MAX_TABLE_CAPACITY, MAX_TABLE_LIFETIME, type TableSpec } from '../tables/shared-table.js';

export const TABLE_DECLARATION = 'table';
const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export interface TableDecl extends TableSpec {
  /** Mirrored into a kernel set by `rope run` (the `kernel` flag). */
  kernel: boolean;
  span: Span;
}

export interface DeclProblem {
  span: Span;
  code: DiagnosticCode;
  message: string;
}

export interface TableDeclarations {
  tables: Map<string, TableDecl>;
  /** The program without its declarations. */
  body: Node[];
  problems: DeclProblem[];
}

const USAGE = 'table( "name" capacity lifetime-seconds [kernel] )';

function declaration(n: Node, problems: DeclProblem[]): TableDecl | null {
  if (n.kind !== 'call') return null;
  const bad = (span: Span, message: string): null => {
    problems.push({ span, code: 'range', message });
    return null;
  };
  const [name, capacity, lifetime, flag, ...extra] = n.args;
  if (!name || !capacity || !lifetime || extra.length > 0)
    return bad(n.span, `a table declaration is ${USAGE}`);
  if (name.kind !== 'bytes' || name.form !== 'string')
    return bad(name.span, `the table's name is a string literal: ${USAGE}`);
  if (!NAME.test(name.value))
    return bad(name.span, 'a table name is a letter, then up to 63 letters, digits, `_` or `-`');
  if (capacity.kind !== 'int' || capacity.value < 1 || capacity.value > MAX_TABLE_CAPACITY)
    return bad(capacity.span, `a table's capacity is an integer from 1 to ${MAX_TABLE_CAPACITY}`);
  if (lifetime.kind !== 'int' || lifetime.value < 1 || lifetime.value > MAX_TABLE_LIFETIME)
    return bad(
      lifetime.span,
      `a table's lifetime is an integer number of seconds from 1 to ${MAX_TABLE_LIFETIME} (30 days)`,
    );
  if (flag && (flag.kind !== 'word' || flag.name !== 'kernel'))
    return bad(flag.span, `the only flag a table takes is \`kernel\`: ${USAGE}`);
  return {
    name: name.value,
    capacity: capacity.value,
    lifetime: lifetime.value,
    kernel: flag !== undefined,
    span: n.span,
  };
}

function findMisplaced(nodes: Node[], problems: DeclProblem[]): void {
  for (const n of nodes) {
    if (n.kind === 'call') {
      if (n.name === TABLE_DECLARATION)
        problems.push({
          span: n.nameSpan,
          code: 'range',
          message: 'tables are declared at the top of the script, before anything else',
        });
      findMisplaced(n.args, problems);
    } else if (n.kind === 'block' || n.kind === 'group') findMisplaced(n.body, problems);
  }
}

/** Takes the leading `table( … )` declarations out of `body`, checking each. */
export function collectTableDeclarations(body: Node[]): TableDeclarations {
  const tables = new Map<string, TableDecl>();
  const problems: DeclProblem[] = [];
  let i = 0;
  for (; i < body.length; i++) {
    const n = body[i];
    if (n.kind !== 'call' || n.name !== TABLE_DECLARATION) break;
    const d = declaration(n, problems);
    if (d === null) continue;
    if (tables.has(d.name)) {
      problems.push({
        span: n.span,
        code: 'range',
        message: `table "${d.name}" is declared twice`,
      });
      continue;
    }
    tables.set(d.name, d);
  }
  const rest = body.slice(i);
  findMisplaced(rest, problems);
  return { tables, body: rest, problems };
}
