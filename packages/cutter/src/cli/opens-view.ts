// Whether a start of cutter opens the interactive view, decided from its arguments and its
// terminal alone, before anything is done: run.ts takes its branch by it, and cutter without its
// view as one CommonJS file (main.ts, dist/bundle/cutter-scripted.cjs) hands such a start to the
// ES module program, the one that can load Ink.
import type { CliOptions } from './args.js';

/** On a terminal (stdout), without --cleanup, --list, --yes or --json. */
export function opensView(
  o: Pick<CliOptions, 'cleanup' | 'list' | 'yes' | 'json'>,
  stdoutIsTty = process.stdout.isTTY === true,
): boolean {
  return !o.cleanup && !o.list && !o.yes && !o.json && stdoutIsTty;
}
