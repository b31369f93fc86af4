// How a run ends (§4), and the status codes compiled code returns internally.

/** The verdict of a run. Numeric values are the language's constants (YES = 2 …). */
export enum Verdict {
  FAIL = 0,
  OKAY = 1,
  YES = 2,
  NO = 3,
  HOTDROP = 4,
}

export const VERDICT_NAMES = ['FAIL', 'OKAY', 'YES', 'NO', 'HOTDROP'] as const;
export type VerdictName = (typeof VERDICT_NAMES)[number];

export function verdictName(v: Verdict): VerdictName {
  return VERDICT_NAMES[v];
}

/**
 * What a compiled operation returns: CONTINUE, or why the run (or the enclosing `eval`) stops.
 * Plain numbers so the hot path neither allocates nor throws.
 */
export const CONTINUE = 0;
export const STOP_YES = 1;
export const STOP_NO = 2;
export const STOP_FAIL = 3;
export const STOP_HOTDROP = 4;
export type Status = number;

export function statusVerdict(s: Status): Verdict {
  switch (s) {
    case STOP_YES:
      return Verdict.YES;
    case STOP_NO:
      return Verdict.NO;
    case STOP_FAIL:
      return Verdict.FAIL;
    case STOP_HOTDROP:
      return Verdict.HOTDROP;
    default:
      return Verdict.OKAY;
  }
}
