// The typed syntax tree of a rope script. Literals are already decoded (byte strings as latin1
// JS strings, one character per byte); what could not be decoded is an `InvalidNode` carrying
// the reason, which the checker reports.
import type { Span } from './source.js';

export type Node =
  IntNode | BytesNode | RegisterNode | WordNode | CallNode | BlockNode | GroupNode | InvalidNode;

export interface IntNode {
  kind: 'int';
  /** int32 value (hex and octal literals above 2^31-1 are already wrapped). */
  value: number;
  text: string;
  span: Span;
}

export interface BytesNode {
  kind: 'bytes';
  /** The bytes, one latin1 character per byte. */
  value: string;
  form: 'string' | 'dotted' | 'colon-hex';
  text: string;
  span: Span;
}

/** `$name`: pushes a reference to the register. */
export interface RegisterNode {
  kind: 'register';
  /** Without the `$`. */
  name: string;
  span: Span;
}

/** A verb or a symbolic constant (`YES`, `IPPROTO_TCP`). */
export interface WordNode {
  kind: 'word';
  name: string;
  span: Span;
}

/** `verb( args… )`: the anchor form. */
export interface CallNode {
  kind: 'call';
  name: string;
  /** The verb name. */
  nameSpan: Span;
  args: Node[];
  /** From the verb name to the closing `)`. */
  span: Span;
  open: Span;
  close: Span;
}

/** `{ … }`: code pushed as a value. */
export interface BlockNode {
  kind: 'block';
  body: Node[];
  span: Span;
  close: Span;
}

/** `( … )` with no verb before it: always an error, kept so its contents are still checked. */
export interface GroupNode {
  kind: 'group';
  body: Node[];
  span: Span;
}

export type InvalidReason =
  | { code: 'bad-token'; message: string }
  | { code: 'bad-escape'; message: string; at: Span }
  | { code: 'bad-literal'; message: string }
  | { code: 'int-range'; message: string };

export interface InvalidNode {
  kind: 'invalid';
  text: string;
  reason: InvalidReason;
  span: Span;
}

export interface Program {
  body: Node[];
}
