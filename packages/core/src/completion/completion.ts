// Shell completion for the p2pwall commands (`rope completion bash|zsh`, `cutter completion
// bash|zsh`): a command line described as data — its subcommands, their options, what their values
// and operands are — written out as a bash or a zsh completion function. Both tools describe
// themselves from the option tables they parse with, so the completion cannot drift from them.
//
// The scripts complete the command name in first position, a command's options after a `-`, the
// words an option's value may be (or file names), and a command's operands. Nothing runs the
// tool itself while completing: the lists are written into the script.

export interface CompletionOption {
  /** `--name` (or `-n`). */
  name: string;
  /** It takes a value (the next word). */
  takesValue: boolean;
  /** The words its value may be. */
  values?: readonly string[];
  /** Its value may be a file name (besides `values`). */
  files?: boolean;
}

export interface CompletionOperands {
  words?: readonly string[];
  files?: boolean;
}

export interface CompletionCommand {
  name: string;
  summary: string;
  options: readonly CompletionOption[];
  operands: CompletionOperands;
}

export interface CompletionSpec {
  program: string;
  /** Options and operands without a command (cutter's filters; rope's --help, --version). */
  options: readonly CompletionOption[];
  operands: CompletionOperands;
  commands: readonly CompletionCommand[];
}

export type Shell = 'bash' | 'zsh';
export const SHELLS: readonly Shell[] = ['bash', 'zsh'];

// the words written into the scripts are ours (option names, script names); anything else is
// refused rather than quoted, so a script can never carry shell syntax
const SAFE_WORD = /^[A-Za-z0-9_.:@%+=,/-]+$/;

function words(list: readonly string[]): string {
  for (const w of list)
    if (!SAFE_WORD.test(w)) throw new Error(`completion: unsafe word ${JSON.stringify(w)}`);
  return list.join(' ');
}

function functionName(program: string): string {
  return `_${program.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, spec: CompletionSpec): string {
  words([spec.program]);
  return shell === 'bash' ? bashScript(spec) : zshScript(spec);
}

// ---- bash

function bashContext(
  options: readonly CompletionOption[],
  operands: CompletionOperands,
  extraWords: readonly string[],
): string[] {
  const lines: string[] = [];
  const reply = (list: readonly string[], files: boolean | undefined) =>
    [
      list.length > 0 ? `$(compgen -W '${words(list)}' -- "$cur")` : '',
      files ? '$(compgen -f -- "$cur")' : '',
    ]
      .filter(Boolean)
      .join(' ');
  const valued = options.filter((o) => o.takesValue);
  if (valued.length > 0) {
    lines.push('  case $prev in');
    for (const o of valued) {
      const r = reply(o.values ?? [], o.files);
      lines.push(`    ${words([o.name])}) ${r ? `COMPREPLY=(${r}); ` : ''}return ;;`);
    }
    lines.push('  esac');
  }
  if (options.length > 0)
    lines.push(
      `  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W '${words(options.map((o) => o.name))}' -- "$cur")); return; fi`,
    );
  const r = reply([...extraWords, ...(operands.words ?? [])], operands.files);
  if (r) lines.push(`  COMPREPLY=(${r})`);
  return lines;
}

function bashScript(spec: CompletionSpec): string {
  const fn = functionName(spec.program);
  const names = spec.commands.map((c) => c.name);
  const out = [
    `# bash completion for ${spec.program}, written by '${spec.program} completion bash'.`,
    `# Load it with: source <(${spec.program} completion bash)`,
    `# or save it as /usr/share/bash-completion/completions/${spec.program}.`,
    `${fn}() {`,
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=',
    '  COMPREPLY=()',
  ];
  if (names.length > 0) {
    out.push(
      `  if ((COMP_CWORD > 1)); then case \${COMP_WORDS[1]} in ${words(names).replace(/ /g, '|')}) cmd=\${COMP_WORDS[1]} ;; esac; fi`,
    );
  }
  out.push('  case $cmd in');
  for (const c of spec.commands) {
    out.push(`  ${words([c.name])})`, ...bashContext(c.options, c.operands, []), '  ;;');
  }
  out.push('  *)', ...bashContext(spec.options, spec.operands, names), '  ;;', '  esac', '}');
  out.push(`complete -o filenames -F ${fn} ${spec.program}`);
  return out.join('\n') + '\n';
}

// ---- zsh

function zshContext(
  options: readonly CompletionOption[],
  operands: CompletionOperands,
  commands: readonly CompletionCommand[],
): string[] {
  const lines: string[] = [];
  const valued = options.filter((o) => o.takesValue);
  if (valued.length > 0) {
    lines.push('  case $prev in');
    for (const o of valued) {
      const acts = [
        o.values?.length ? `compadd -- ${words(o.values)}` : '',
        o.files ? '_files' : '',
      ].filter(Boolean);
      lines.push(`    (${words([o.name])}) ${acts.map((a) => `${a}; `).join('')}return ;;`);
    }
    lines.push('  esac');
  }
  if (options.length > 0)
    lines.push(
      `  if [[ $cur == -* ]]; then compadd -- ${words(options.map((o) => o.name))}; return; fi`,
    );
  if (commands.length > 0) {
    const described = commands.map(
      (c) => `'${words([c.name])}:${c.summary.replace(/'/g, "'\\''").replace(/:/g, '\\:')}'`,
    );
    lines.push(
      '  local -a commands',
      `  commands=(${described.join(' ')})`,
      "  _describe -t commands 'command' commands",
    );
  }
  if (operands.words?.length) lines.push(`  compadd -- ${words(operands.words)}`);
  if (operands.files) lines.push('  _files');
  return lines;
}

function zshScript(spec: CompletionSpec): string {
  const fn = functionName(spec.program);
  const names = spec.commands.map((c) => c.name);
  const out = [
    `#compdef ${spec.program}`,
    `# zsh completion for ${spec.program}, written by '${spec.program} completion zsh'.`,
    `# Load it with: source <(${spec.program} completion zsh)   (after compinit)`,
    `# or save it as _${spec.program} in a directory of $fpath.`,
    `${fn}() {`,
    '  local cur=${words[CURRENT]} prev=${words[CURRENT-1]} cmd=',
  ];
  if (names.length > 0) {
    out.push(
      `  if ((CURRENT > 2)); then case \${words[2]} in (${words(names).replace(/ /g, '|')}) cmd=\${words[2]} ;; esac; fi`,
    );
  }
  out.push('  case $cmd in');
  for (const c of spec.commands)
    out.push(`  (${words([c.name])})`, ...zshContext(c.options, c.operands, []), '  ;;');
  out.push(
    '  (*)',
    ...zshContext(spec.options, spec.operands, spec.commands),
    '  ;;',
    '  esac',
    '}',
  );
  // autoloaded from $fpath the file is the function's body's caller; sourced, it registers itself
  out.push(
    `if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then ${fn} "$@"; else compdef ${fn} ${spec.program}; fi`,
  );
  return out.join('\n') + '\n';
}

/** An option table as node:util parseArgs takes it. */
export type ParseArgsOptions = Readonly<
  Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>
>;

/**
 * The completion options of a parseArgs table (long names, and short ones), with what the values
 * of some may be, by long name.
 */
export function optionsOf(
  table: ParseArgsOptions,
  values: Readonly<Record<string, { values?: readonly string[]; files?: boolean }>> = {},
): CompletionOption[] {
  const out: CompletionOption[] = [];
  for (const [name, o] of Object.entries(table)) {
    const extra = values[name] ?? {};
    const takesValue = o.type === 'string';
    out.push({ name: `--${name}`, takesValue, ...extra });
    if (o.short) out.push({ name: `-${o.short}`, takesValue, ...extra });
  }
  return out;
}
