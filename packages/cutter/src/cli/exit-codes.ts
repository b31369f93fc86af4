// cutter's exit statuses, for scripts. Documented in docs/cutter.md and `cutter --help`.
export const EXIT_ALL_CUT = 0;
/** At least one matching connection failed or was skipped. */
export const EXIT_SOME_FAILED = 1;
/** No connection matched. */
export const EXIT_NOTHING_MATCHED = 2;
/** Bad arguments. */
export const EXIT_USAGE = 3;
/** Missing capability (CAP_NET_ADMIN / CAP_NET_RAW) or a kernel feature the cut needs. */
export const EXIT_PRIVILEGE = 4;
/** Anything else (a firewall tool failed, an unexpected error). */
export const EXIT_ERROR = 5;
