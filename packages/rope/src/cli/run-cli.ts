// Dispatch for the `rope` command line: picks the subcommand, prints help, maps errors to exit
// codes (see command.ts). Separate from main.ts so tests can call it in-process.
import { createRequire } from 'node:module';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type Output } from './command.js';
import { COMMANDS } from './commands/index.js';

function version(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: rope COMMAND [options] ...

rope is a small stack language for matching packets. Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run 'rope COMMAND --help' for a command's options.
The language is described in docs/rope-language.md.
`;
}

export async function runCli(argv: string[], io: Output): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(mainHelp());
    return EXIT_USAGE;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(topic ? topic.help : mainHelp());
    return EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.out(`rope ${version()}\n`);
    return EXIT_OK;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`rope: unknown command '${name}'\nTry 'rope --help' for the list of commands.\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.help);
    return EXIT_OK;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`rope ${cmd.name}: ${e.message}\nTry 'rope ${cmd.name} --help' for usage.\n`);
      return EXIT_USAGE;
    }
    if (e instanceof CliError) {
      io.err(`rope ${cmd.name}: ${e.message}\n`);
      return EXIT_FAILURE;
    }
    throw e;
  }
}
