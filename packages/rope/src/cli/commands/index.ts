// The subcommands of `rope`, in the order `rope --help` lists them. To add one, write
// commands/<name>.ts exporting a Command and list it here.
import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { classifyCommand } from './classify.js';
import { completionCommand } from './completion.js';
import { ctlCommand } from './ctl.js';
import { l7Command } from './l7.js';
import { rulesCommand } from './rules.js';
import { runCommand } from './run.js';
import { testCommand } from './test.js';
import { topCommand } from './top.js';

export const COMMANDS: readonly Command[] = [
  checkCommand,
  testCommand,
  classifyCommand,
  runCommand,
  rulesCommand,
  ctlCommand,
  topCommand,
  l7Command,
  completionCommand(() => COMMANDS),
];
