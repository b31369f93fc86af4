// cutter's command line. See USAGE (args.ts) and docs/cutter.md. This entry answers --help,
// --version and `completion` itself; what cutter does with its arguments (run.ts) and how an error
// is reported (failure.ts) are imported when needed, so those answers load none of the netlink,
// firewall and raw-socket code.
import { readFileSync } from 'node:fs';
import { ArgumentError } from '../find/address-match.js';
import { parseCli, USAGE } from './args.js';
import { completionText } from './completion.js';
import { EXIT_ALL_CUT, EXIT_SOME_FAILED, EXIT_USAGE } from './exit-codes.js';
import { opensView } from './opens-view.js';

/**
 * Set by the build of dist/bundle/cutter-scripted.cjs (build-bundle.mjs) to the ES module program
 * beside it. That file is cutter without its interactive view as one CommonJS file, which starts
 * ~30 ms sooner than the program's ES module chunks; it cannot load Ink (an ES module with
 * top-level await), so a start that opens the view is handed to that program before anything is
 * done.
 */
declare const P2PWALL_ESM_PROGRAM: string | undefined;

const out = (s: string) => process.stdout.write(s + '\n');

function version(): string {
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
      .version as string;
  } catch {
    return 'unknown';
  }
}

/** The exit status, or null when the ES module program took over (it sets the status itself). */
async function main(argv: string[]): Promise<number | null> {
  // no address is called "completion": the one subcommand needs no option syntax of its own
  if (argv[0] === 'completion') {
    process.stdout.write(completionText(argv.slice(1)));
    return EXIT_ALL_CUT;
  }
  const o = parseCli(argv);
  if (o.help) {
    process.stdout.write(USAGE);
    return EXIT_ALL_CUT;
  }
  if (o.version) {
    out(`cutter ${version()}`);
    return EXIT_ALL_CUT;
  }

  if (typeof P2PWALL_ESM_PROGRAM === 'string' && opensView(o)) {
    await import(new URL(P2PWALL_ESM_PROGRAM, import.meta.url).href);
    return null;
  }
  const { runCutter } = await import('./run.js');
  return runCutter(o);
}

// a closed stdout (cutter … | head) is not an error worth a stack trace
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT_SOME_FAILED);
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exitCode = code;
  },
  async (e) => {
    // a mistake in the arguments is answered here, as --help is: failure.ts loads core's errors
    if (e instanceof ArgumentError) {
      process.stderr.write(`cutter: ${e.message} (see cutter --help)\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const { fail } = await import('./failure.js');
    process.exitCode = fail(e);
  },
);
