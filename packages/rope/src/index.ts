// @p2pwall/rope: compile rope scripts and run them on packets.
//
//   const { script, diagnostics } = compile(source, 'gnutella.rope');
//   const engine = new Engine();                     // shared by every script of one thread
//   const verdict = script.run(engine, { packet, ct, mark, packetTime }, pushes);
//   if (verdict === Verdict.HOTDROP || verdict === Verdict.FAIL) engine.lastError?.render();
//   engine.mark                                      // $mark after the run
export { compile, type CompileOptions, type CompileResult } from './compile/compile.js';
export { Diagnostic, type DiagnosticCode, type Severity } from './diagnostic.js';
export { Engine, newFlowRegisters } from './runtime/engine.js';
export {
  CT_ESTABLISHED,
  CT_NEW,
  CT_RELATED,
  Script,
  type CtInfo,
  type RunInput,
} from './runtime/script.js';
export { Verdict, verdictName, VERDICT_NAMES, type VerdictName } from './runtime/verdict.js';
export { RunError, type RunErrorName } from './runtime/run-error.js';
export type { TraceSink } from './runtime/trace.js';
export type { Machine } from './runtime/machine.js';
export type { Site } from './runtime/site.js';
export { DEFAULT_CAPS, type Caps } from './runtime/caps.js';
export { formatValue, printValue, quoteBytes, type Value } from './runtime/values.js';
export { pushInt, pushIp, pushStr, pushValue, PushError, type PushKind } from './runtime/pushes.js';
export { scriptName } from './source.js';
export { CaptureFlows } from './classify/capture-flows.js';
export { VERBS, verbInfo, type VerbInfo } from './words/index.js';
export { INTERNAL_REGISTERS, type RegisterInfo } from './language/registers.js';
export { ctFromFlow } from './classify/ct-from-flow.js';
export { FlowClassifier } from './classify/flow-classifier.js';
export type { ClassifierRule, FlowClassifierOptions } from './classify/classifier-options.js';
export { DEFAULT_WINDOW } from './classify/default-window.js';
export { NOT_RUN, PacketResult } from './classify/packet-result.js';
export { ScriptStats } from './classify/script-stats.js';
export {
  FlowLabels,
  LABEL_MATCHED,
  LABEL_PENDING,
  LABEL_UNMATCHED,
  LABEL_NEVER,
  type LabelState,
} from './classify/flow-labels.js';
export {
  BUILTIN_SCRIPT_DIR,
  BUILTIN_SCRIPTS,
  DEFAULT_SCRIPTS,
  SCRIPT_GROUPS,
  builtinGroup,
  builtinScriptPath,
  type BuiltinScript,
} from './builtins/builtin-scripts.js';
export { compileBuiltin } from './builtins/compile-builtin.js';
