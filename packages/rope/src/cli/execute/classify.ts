// What `rope classify` does (its options and help: commands/classify.ts, which loads this module
// when the command runs, so that help and completion load none of it).
import { basename } from 'node:path';
import { DEFAULT_SCRIPTS } from '../../builtins/builtin-scripts.js';
import { DEFAULT_MAX_FLOWS } from '@p2pwall/core/flow';
import { DEFAULT_WINDOW, type ClassifierRule } from '../../classify/flow-classifier.js';
import { verdictName, Verdict } from '../../index.js';
import type { MatchAction } from '../../live/actions.js';
import {
  classifyCapture,
  type CaptureReport,
  type ClassifyOptions,
  type FlowReport,
} from '../../classify/classify-capture.js';
import { BufferedWriter } from '../buffered-output.js';
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
import { textGivenAsCapture } from '../file-kind.js';
import { loadScript } from '../read-script.js';
import { isPatternFile } from '../../l7/load-pattern.js';
import { linkTypeName, SUPPORTED_LINK_TYPES } from '@p2pwall/core/pcap';
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
  for (const path of paths) {
    const name = basename(path);
    const quoted = JSON.stringify(name);
    if (output === 'table') table.start(name);
    else if (output === 'explain') explain.start(name);
    const report = classifyCapture(path, rules, {
      ...options,
      onFlow: (f) => {
        summary.addFlow(f);
        if (json) out.write(flowJson(quoted, f, l7 ? l7(f) : f.labels));
        else if (output === 'table') table.add(f);
        else explain.add(f);
      },
    });
    if (output === 'table') table.end();
    summary.add(report);
    for (const [linkType, records] of report.unsupportedLinkTypes) {
      out.flush();
      io.err(
        `rope classify: ${path}: ${records} record${records === 1 ? '' : 's'} of ${linkTypeName(linkType)} skipped: not a link type rope reads (it reads ${SUPPORTED_LINK_TYPES.map(linkTypeName).join(', ')})\n`,
      );
    }
    if (report.error) {
      damaged++;
      out.flush();
      const text = textGivenAsCapture(report.error, 'scripts are given with --script');
      io.err(`rope classify: ${text ?? report.error.message}\n`);
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (!json) out.write(summary.text(paths.length, seconds));
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

/** Totals per label and per script across all captures. */
class Summary {
  private readonly flows: number[];
  private readonly packets: number[];
  private readonly bytes: number[];
  private readonly fails: number[];
  private readonly hotdrops: number[];
  private readonly lastError: (string | null)[];
  private total = { flows: 0, tcp: 0, udp: 0, packets: 0, unlabelled: 0, records: 0 };

  constructor(private readonly names: string[]) {
    this.flows = names.map(() => 0);
    this.packets = names.map(() => 0);
    this.bytes = names.map(() => 0);
    this.fails = names.map(() => 0);
    this.hotdrops = names.map(() => 0);
    this.lastError = names.map(() => null);
  }

  /** Counts one flow, as it is written. */
  addFlow(f: FlowReport): void {
    this.total.flows++;
    if (f.l4 === 'tcp') this.total.tcp++;
    else this.total.udp++;
    if (f.labels.length === 0) this.total.unlabelled++;
    for (const l of f.labels) {
      const i = this.names.indexOf(l);
      this.flows[i]++;
      this.packets[i] += f.packets;
      this.bytes[i] += f.bytes;
    }
  }

  /** Counts a capture once it has been read (its flows went through addFlow). */
  add(r: CaptureReport): void {
    this.total.records += r.records;
    this.total.packets += r.ipPackets;
    r.classifier.stats.forEach((s, i) => {
      this.fails[i] += s.verdicts[Verdict.FAIL];
      this.hotdrops[i] += s.verdicts[Verdict.HOTDROP];
      if (s.lastError) this.lastError[i] = s.lastError.toString();
    });
  }

  text(captures: number, seconds: number): string {
    const t = this.total;
    const lines = [
      '',
      `${captures} capture${captures === 1 ? '' : 's'}, ${t.packets} IP packets, ${t.flows} flows (TCP ${t.tcp}, UDP ${t.udp}) in ${seconds.toFixed(2)} s`,
    ];
    const width = Math.max(12, ...this.names.map((n) => n.length));
    this.names.forEach((n, i) => {
      lines.push(
        `  ${n.padEnd(width)} ${String(this.flows[i]).padStart(7)} flow${this.flows[i] === 1 ? ' ' : 's'} ${String(this.packets[i]).padStart(9)} packets ${String(this.bytes[i]).padStart(12)} bytes`,
      );
    });
    lines.push(
      `  ${'(no label)'.padEnd(width)} ${String(t.unlabelled).padStart(7)} flow${t.unlabelled === 1 ? ' ' : 's'}`,
    );
    return lines.join('\n') + '\n';
  }

  /** One line per script whose runs failed or hot-dropped: counts and the last error. */
  scriptErrors(): string[] {
    const out: string[] = [];
    this.names.forEach((n, i) => {
      if (this.fails[i] === 0 && this.hotdrops[i] === 0) return;
      out.push(
        `${n}: ${this.fails[i]} run${this.fails[i] === 1 ? '' : 's'} ended ${verdictName(Verdict.FAIL)}, ${this.hotdrops[i]} ${verdictName(Verdict.HOTDROP)}; last: ${this.lastError[i]}`,
      );
    });
    return out;
  }
}
