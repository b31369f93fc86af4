// Where a compiled operation came from: made once at compile time, carried by every closure so
// run-time errors and trace lines name a source position without allocating.
export interface Site {
  line: number;
  column: number;
  endColumn: number;
  /** What the operation does, in source terms (`4 lift`, `expect_str(…)`). */
  label: string;
}
