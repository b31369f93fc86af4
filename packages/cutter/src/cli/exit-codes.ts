// cutter's exit statuses, for scripts. Documented in docs/cutter.md, docs/man/cutter.8.md and
// `cutter --help`.
import type { CutResult } from '../cut/result.js';

/** Every selected connection was cut, or was closing already and left alone. */
export const EXIT_ALL_CUT = 0;
/** At least one matching connection could not be cut (failed or skipped), or the answer was no. */
export const EXIT_SOME_FAILED = 1;
/** No connection matched. */
export const EXIT_NOTHING_MATCHED = 2;
/** Bad arguments. */
export const EXIT_USAGE = 3;
/** Missing capability (CAP_NET_ADMIN / CAP_NET_RAW) or a kernel feature the cut needs. */
export const EXIT_PRIVILEGE = 4;
/** Anything else (a firewall tool failed, an unexpected error). */
export const EXIT_ERROR = 5;

/** The status of a cut: a connection that was closing already is no failure. */
export function cutStatus(results: readonly CutResult[]): number {
  return results.every((r) => r.result === 'cut' || r.result === 'closing')
    ? EXIT_ALL_CUT
    : EXIT_SOME_FAILED;
}
