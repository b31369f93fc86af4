// Entry point of the `rope` binary (bin/rope.js imports the compiled form of this file).
import { deferHelperThreads, helperNiceStep } from '@p2pwall/core/threads';
import { EXIT_USAGE } from './command.js';
import { COMMANDS } from './commands/index.js';
import { runCli } from './run-cli.js';
import { writeAllSync } from './write-sync.js';

// a reader that closes the pipe early (`rope test … | head`) is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const io = {
  out: (t: string) => void process.stdout.write(t),
  outSync: (t: string) => writeAllSync(1, t),
  err: (t: string) => void process.stderr.write(t),
};

/**
 * A batch command's helper threads yield to its main thread (core's threads/helper-priority.ts):
 * here, in the `rope` process only, not in runCli, which the tests call in theirs. False after a
 * one-line usage error (a malformed P2PWALL_HELPER_NICE).
 */
function deferHelpers(args: readonly string[]): boolean {
  const cmd = COMMANDS.find((c) => c.name === args[0]);
  if (!cmd?.busyMainThread || args.includes('--help') || args.includes('-h')) return true;
  try {
    deferHelperThreads(helperNiceStep(process.env));
    return true;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // as runCli reports a UsageError
    io.err(`rope ${cmd.name}: ${e.message}\nTry 'rope ${cmd.name} --help' for usage.\n`);
    return false;
  }
}

/**
 * Set by the build of dist/bundle/rope-commands.cjs (build-bundle.mjs) to the ES module program
 * beside it, which runs the commands that file leaves out (`esModuleProgram`, command.ts).
 */
declare const P2PWALL_ESM_PROGRAM: string | undefined;

const args = process.argv.slice(2);
if (
  typeof P2PWALL_ESM_PROGRAM === 'string' &&
  COMMANDS.some((c) => c.esModuleProgram && c.name === args[0])
)
  // handed over before anything is done: that program sets the exit status
  void import(new URL(P2PWALL_ESM_PROGRAM, import.meta.url).href);
else if (!deferHelpers(args)) process.exitCode = EXIT_USAGE;
// not a top-level await: the help bundle and rope-commands.cjs are CommonJS (build-bundle.mjs)
else
  void runCli(args, io).then((code) => {
    process.exitCode = code;
  });
