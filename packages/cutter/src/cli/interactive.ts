// `cutter [IP [PORT [IP2 [PORT2]]]]` on a terminal, without --yes/--json: the interactive view
// (src/tui). The screen goes away on quit; what was cut stays in the terminal's scrollback as
// the same lines `cutter --yes` prints.
import type { ConnectionFilter } from '../find/filter.js';
import { describeFilter } from '../find/filter.js';
import type { CutOptions } from '../cut/options.js';
import { cutStatus, EXIT_USAGE } from './exit-codes.js';
import { isListed, resultLine, summaryLine } from './output.js';

export interface InteractiveContext {
  filter: ConnectionFilter;
  /** Options for the cuts the user confirms (timeout, freeze, firewall …). */
  cutOptions: CutOptions;
  /** Also list the connections left alone because they were closing (the summary counts them). */
  showClosing?: boolean;
  /** Printed usage hints go here (stderr). */
  stderr: NodeJS.WritableStream;
  /** The session's results go here after the view closes (default process.stdout). */
  stdout?: NodeJS.WritableStream;
}

/**
 * Runs the interactive view; resolves with the exit status: 0 when every cut made succeeded (or
 * none was made; a connection closing already counts as done), 1 when one failed or was skipped. A conntrack error while opening throws, for
 * the CLI to report as usual.
 */
export async function runInteractive(ctx: InteractiveContext): Promise<number> {
  const say = (s: string) => ctx.stderr.write(`cutter: ${s}\n`);
  if (!process.stdin.isTTY) {
    say(
      'the interactive view needs a terminal on stdin: add --list to see the matches, or --yes to cut them all',
    );
    return EXIT_USAGE;
  }
  if (process.env.TERM === 'dumb') {
    say(
      'the interactive view cannot redraw a TERM=dumb terminal: add --list to see the matches, or --yes to cut them all',
    );
    return EXIT_USAGE;
  }
  let cutOptions = ctx.cutOptions;
  if (cutOptions.session?.trace && process.stderr.isTTY) {
    say('--trace is ignored by the interactive view unless stderr is redirected (2>trace.log)');
    cutOptions = { ...cutOptions, session: { ...cutOptions.session, trace: undefined } };
  }

  // Ink and React are loaded only here: scripted runs (--yes, --list, --json) start faster
  const [{ kernelCutter }, { LiveConnections }, { runTui }] = await Promise.all([
    import('../tui/kernel-cutter.js'),
    import('../tui/live-source.js'),
    import('../tui/run-tui.js'),
  ]);
  const described = describeFilter(ctx.filter);
  const scope = described === 'any connection' ? 'all connections' : described;
  const source = await LiveConnections.open(ctx.filter);
  let results;
  try {
    ({ results } = await runTui({ source, cutter: kernelCutter(cutOptions), scope }));
  } finally {
    source.close();
  }

  const out = ctx.stdout ?? process.stdout;
  for (const r of results) if (isListed(r, !!ctx.showClosing)) out.write(resultLine(r) + '\n');
  if (results.length > 0) out.write(summaryLine(results) + '\n');
  return cutStatus(results);
}
