// What a subcommand of `rope` is. Each lives in commands/<name>.ts and is listed in
// commands/index.ts; main.ts dispatches, prints help, and turns errors into exit codes:
//   0  success
//   1  the work failed: a script with errors, an unreadable script or capture
//   2  usage error: unknown command or option, missing or bad argument
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { negativeNumbersAsValues } from '@p2pwall/core/args';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /**
   * Like `out`, but returns only once the text is written (waiting for a slow reader), for a
   * command that writes much in one synchronous pass; absent: `out`.
   */
  outSync?(text: string): void;
}

export interface Command {
  name: string;
  /** One line for `rope --help`. */
  summary: string;
  /** The full text of `rope <name> --help`. */
  help: string;
  /** Its options, as parseArgs takes them (shell completion reads them too). */
  options: Options;
  /** What its operands are, for shell completion. */
  operands?: { words?: readonly string[]; files?: boolean };
  /**
   * A batch job whose work is one busy main thread: the `rope` binary lowers the priority of the
   * process's helper threads before it runs (core's threads/helper-priority.ts). Not for
   * commands that serve (`run`), where the helpers' garbage collection is part of the latency.
   */
  busyMainThread?: boolean;
  /**
   * Runs from the ES module program only (dist/bundle/rope.js): the CommonJS file of the other
   * commands (rope-commands.cjs, which starts them ~40 ms sooner) leaves its code out and hands
   * it over. For `top`, whose Ink cannot be required (top-level await), and `run`, a daemon
   * whose start does not count and whose live engine would nearly double that file.
   */
  esModuleProgram?: boolean;
  run(args: string[], io: Output): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called: one line, printed with a hint to `--help`. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An error the user can act on, printed as one line; exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** An option or positional as parseArgs gives it, in command-line order. */
export interface ArgToken {
  kind: string;
  name?: string;
  value?: string | undefined;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** Options and positionals in command-line order. */
  tokens: ArgToken[];
}

/**
 * node:util parseArgs with `--help`, ordered tokens (for options whose order matters, like
 * the --push-* family) and its errors turned into UsageErrors with short messages.
 */
export function parseCommandArgs(args: string[], options: Options): ParsedArgs {
  const all: Options = { ...options, help: { type: 'boolean', short: 'h' } };
  try {
    return parseArgs({
      // `--window -1` reaches the option's own range check instead of "argument is ambiguous"
      args: negativeNumbersAsValues(args, all),
      options: all,
      allowPositionals: true,
      strict: true,
      tokens: true,
    }) as ParsedArgs;
  } catch (e) {
    const err = e as Error & { code?: string };
    const m = /'(-[^']*)'/.exec(err.message);
    if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown option ${m?.[1] ?? ''}`.trim());
    if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(
        /argument missing/.test(err.message)
          ? `option ${m?.[1] ?? ''} needs a value`
          : err.message.split('\n')[0],
      );
    }
    throw new UsageError(err.message.split('\n')[0]);
  }
}
