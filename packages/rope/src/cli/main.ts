// Entry point of the `rope` binary (bin/rope.js imports the compiled form of this file).
import { deferHelperThreads } from '@p2pwall/core/threads';
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

// in this process only, not in runCli: the tests call that in theirs
const args = process.argv.slice(2);
if (COMMANDS.find((c) => c.name === args[0])?.busyMainThread) deferHelperThreads();

// not a top-level await: the help bundle is CommonJS (tools/bundle/build-bundle.mjs)
void runCli(args, io).then((code) => {
  process.exitCode = code;
});
