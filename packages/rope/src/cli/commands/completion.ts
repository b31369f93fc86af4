// rope completion bash|zsh — print a shell completion script for rope: the commands, their
// options (from the same tables the commands parse with), the built-in script names for --script,
// and the words some options take.
import {
  completionScript,
  optionsOf,
  SHELLS,
  type CompletionSpec,
  type Shell,
} from '@p2pwall/core/completion';
import { BUILTIN_SCRIPTS } from '../../builtins/builtin-scripts.js';
import { EXIT_OK, parseCommandArgs, UsageError, type Command } from '../command.js';

/** What the values of these options may be (by long name), across the commands. */
const VALUES = {
  script: { values: BUILTIN_SCRIPTS, files: true },
  'on-match': { values: ['accept', 'drop', 'mark:'] },
  default: { values: ['accept', 'drop'] },
  hooks: { values: ['forward', 'local', 'both'] },
  family: { values: ['ipv4', 'ipv6', 'both'] },
  config: { files: true },
};

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** The completion description of rope, from its commands. */
export function ropeCompletionSpec(commands: readonly Command[]): CompletionSpec {
  return {
    program: 'rope',
    options: optionsOf({ ...HELP, version: { type: 'boolean', short: 'V' } }),
    operands: {},
    commands: [
      ...commands.map((c) => ({
        name: c.name,
        summary: c.summary,
        options: optionsOf({ ...c.options, ...HELP } as never, VALUES),
        operands: c.operands ?? {},
      })),
      {
        name: 'help',
        summary: "a command's help",
        options: [],
        operands: { words: commands.map((c) => c.name) },
      },
    ],
  };
}

/** The command, given the list it completes (which includes it). */
export function completionCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'completion',
    summary: 'print shell completion for rope (bash or zsh)',
    options: {},
    operands: { words: SHELLS },
    help: `usage: rope completion bash|zsh

Prints a completion script for the shell: rope's commands, their options, the
built-in script names after --script, the words some options take.

  source <(rope completion bash)         # in ~/.bashrc
  rope completion bash > /usr/share/bash-completion/completions/rope
  source <(rope completion zsh)          # in ~/.zshrc, after compinit
  rope completion zsh > "\${fpath[1]}/_rope"
`,
    async run(args, io) {
      const { positionals } = parseCommandArgs(args, {});
      if (positionals.length !== 1 || !SHELLS.includes(positionals[0] as Shell))
        throw new UsageError(`give the shell: ${SHELLS.join(' or ')}`);
      io.out(completionScript(positionals[0] as Shell, ropeCompletionSpec(commands())));
      return EXIT_OK;
    },
  };
}
