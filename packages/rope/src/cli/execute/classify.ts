// What `rope classify` does (its options and help: commands/classify.ts, which loads this module
// when the command runs, so that help and completion load none of it).
import { basename } from 'node:path';
import { DEFAULT_SCRIPTS } from '../../builtins/builtin-scripts.js';
import { DEFAULT_MAX_FLOWS } from '@p2pwall/core/flow';
import type { ClassifierRule } from '../../classify/classifier-options.js';
import { DEFAULT_WINDOW } from '../../classify/default-window.js';
import type { MatchAction } from '../../live/actions.js';
import {
  classifyCapture,
  type ClassifyOptions,
  type FlowReport,
} from '../../classify/classify-capture.js';
import { FlowJsonLine } from '../../classify/flow-json.js';
import { BufferedWriter } from '../buffered-output.js';
import { captureMessages } from '../classify-messages.js';
import { classifyInJobs } from '../classify-jobs.js';
import type { JobConfig } from '../classify-job-protocol.js';
import { Summary } from '../classify-summary.js';
import { FlowExplainText } from '../classify-explain.js';
import { FlowTableText } from '../classify-table.js';
import {
  CliError,
  EXIT_FAILURE,
  EXIT_OK,
  parseCommandArgs,
  UsageError,
  type Output,
  type ArgToken,
} from '../command.js';
import { parseCount, resolveScript, scriptGroups, type ScriptGroupArgs } from '../live-options.js';
import { loadScript } from '../read-script.js';
import { isPatternFile } from '../../l7/load-pattern.js';
import { OPTIONS } from '../commands/classify.js';

// classify only labels: the action of rope run's script groups does not apply
const ACCEPT: MatchAction = { kind: 'accept' };

const USAGE = 'rope classify [--script NAME|FILE]... CAPTURE...';

export async function executeClassify(args: string[], io: Output): Promise<number> {
  const { values, positionals, tokens } = parseCommandArgs(args, OPTIONS);
  if (positionals.length === 0) throw new UsageError('no capture given');
  const window = parseWindow(values.window as string | undefined);
  const maxFlows =
    values['max-flows'] === undefined
      ? DEFAULT_MAX_FLOWS
      : parseCount(String(values['max-flows']), '--max-flows', 1, 1 << 24);
  const rules = loadRules(scriptsFrom(tokens), window, io);
  const json = values.json === true;
  const explain = values.explain === true;
  if (json && explain)
    throw new UsageError('--json and --explain are two outputs: give one (--json has via too)');
  const output = json ? 'json' : explain ? 'explain' : 'table';
  const l7 = l7Verdicts(rules, window);
  const jobs = values.jobs === undefined ? 1 : parseCount(String(values.jobs), '--jobs', 1, 256);
  if (jobs > 1 && (!json || l7 !== null))
    throw new UsageError(
      '--jobs works with --json and rope scripts (not with the table, --explain or .pat patterns)',
    );
  if (jobs > 1 && positionals.length > 1) {
    const scripts = scriptsFrom(tokens).map((a) => ({ path: a.path, pushes: a.pushes }));
    const config = { scripts, window, maxFlows, paths: positionals };
    return classifyJobs(config, jobs, rules, io);
  }
  return classifyAll(positionals, rules, { window, flows: { maxFlows } }, output, l7, io);
}

/** The --script options in order, each with its --push-* options; without any, the built-ins. */
function scriptsFrom(tokens: readonly ArgToken[]): ScriptGroupArgs[] {
  const given = scriptGroups(tokens, ACCEPT);
  if (given.length > 0) return given;
  return DEFAULT_SCRIPTS.map((name) => ({
    arg: name,
    path: resolveScript(name),
    pushes: [],
    action: ACCEPT,
  }));
}

function parseWindow(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WINDOW;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1_000_000)
    throw new UsageError(`--window takes a number of packets from 1 to 1000000, not \`${text}\``);
  return Number(text);
}

function loadRules(
  args: ScriptGroupArgs[],
  window: number,
  io: Output,
): (ClassifierRule & { l7?: boolean })[] {
  const rules: (ClassifierRule & { l7?: boolean })[] = [];
  const names = new Set<string>();
  let failed = 0;
  for (const a of args) {
    try {
      const script = loadScript(a.path, a.pushes.length, io, USAGE, window);
      if (names.has(script.name))
        throw new UsageError(`two scripts named ${script.name}: labels must differ`);
      names.add(script.name);
      rules.push({ script, pushes: a.pushes, l7: isPatternFile(a.path) });
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      io.err(`rope classify: ${e.message}\n`);
      failed++;
    }
  }
  if (failed > 0)
    throw new CliError(
      `${failed} script${failed === 1 ? '' : 's'} not compiled; nothing classified`,
    );
  return rules;
}

/**
 * l7-filter's own names for a flow no pattern matched, added to `--json` labels when l7-filter
 * patterns run: `unknown` once the flow had more packets than the window (l7-filter gave up),
 * `unset` before (still undecided). Null when no pattern file runs: other output is unchanged.
 */
function l7Verdicts(
  rules: readonly (ClassifierRule & { l7?: boolean })[],
  window: number,
): ((f: FlowReport) => string[]) | null {
  const names = new Set(rules.filter((r) => r.l7).map((r) => r.script.name));
  if (names.size === 0) return null;
  return (f) =>
    f.labels.some((l) => names.has(l))
      ? f.labels
      : [...f.labels, f.packets > window ? 'unknown' : 'unset'];
}

function classifyAll(
  paths: string[],
  rules: ClassifierRule[],
  options: ClassifyOptions,
  output: 'table' | 'json' | 'explain',
  l7: ((f: FlowReport) => string[]) | null,
  io: Output,
): number {
  // written as it comes, without letting a slow reader's share pile up in memory
  const out = new BufferedWriter((t) => (io.outSync ?? io.out)(t));
  const summary = new Summary(rules.map((r) => r.script.name));
  const t0 = process.hrtime.bigint();
  let damaged = 0;
  const json = output === 'json';
  const table = new FlowTableText(out, paths.length > 1);
  const explain = new FlowExplainText(out, paths.length > 1);
  const jsonLine = new FlowJsonLine(rules.map((r) => r.label ?? r.script.name));
  for (const path of paths) {
    const name = basename(path);
    const quoted = JSON.stringify(name);
    if (output === 'table') table.start(name);
    else if (output === 'explain') explain.start(name);
    // --json without l7 patterns prints no summary of flows: lines go out straight from the flow
    const report = classifyCapture(
      path,
      rules,
      json && l7 === null
        ? { ...options, onFlowView: (f, l) => out.write(jsonLine.line(quoted, f, l)) }
        : {
            ...options,
            onFlow: (f) => {
              summary.addFlow(f);
              if (json) out.write(flowJson(quoted, f, l7 ? l7(f) : f.labels));
              else if (output === 'table') table.add(f);
              else explain.add(f);
            },
          },
    );
    if (output === 'table') table.end();
    summary.add(report);
    const messages = captureMessages(path, report);
    if (messages.length > 0) {
      out.flush();
      for (const m of messages) io.err(m);
    }
    if (report.error) damaged++;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (!json) out.write(summary.text(paths.length, seconds));
  out.flush();
  for (const line of summary.scriptErrors()) io.err(`rope classify: ${line}\n`);
  return damaged > 0 ? EXIT_FAILURE : EXIT_OK;
}

/** `--json --jobs N` over several captures: workers classify, this thread writes in order. */
async function classifyJobs(
  config: Omit<JobConfig, 'control'>,
  jobs: number,
  rules: ClassifierRule[],
  io: Output,
): Promise<number> {
  const out = new BufferedWriter((t) => (io.outSync ?? io.out)(t));
  const summary = new Summary(rules.map((r) => r.script.name));
  const damaged = await classifyInJobs(config, jobs, out, io, summary);
  out.flush();
  for (const line of summary.scriptErrors()) io.err(`rope classify: ${line}\n`);
  return damaged > 0 ? EXIT_FAILURE : EXIT_OK;
}

/**
 * One line of `--json`, keys in the documented order; `capture` already JSON-quoted; `labels` as
 * printed (l7 patterns report `unset`/`unknown`). `via` is the first label's (last, so that lines
 * read as before up to it).
 */
function flowJson(capture: string, f: FlowReport, labels: readonly string[]): string {
  const via = f.via.length === 0 || f.via[0] === null ? 'null' : JSON.stringify(f.via[0]);
  return `{"capture":${capture},"l4":"${f.l4}","a":"${f.a}","b":"${f.b}","labels":${JSON.stringify(labels)},"packets":${f.packets},"bytes":${f.bytes},"via":${via}}\n`;
}
