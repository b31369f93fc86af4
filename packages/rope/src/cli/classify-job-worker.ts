// A worker of `rope classify --json --jobs N`: compiles the scripts, then claims whole captures
// one at a time and sends their lines. A capture's flows never meet another capture's (each has
// its own flow table and its own tables), so a capture classified here labels exactly as in the
// main thread. Lines of a capture whose turn has not come wait in the main thread; past HOLD
// characters the worker waits for that turn, so memory stays bounded whatever the captures.
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { classifyCapture } from '../classify/classify-capture.js';
import { FlowJsonLine } from '../classify/flow-json.js';
import type { ClassifierRule } from '../classify/classifier-options.js';
import { captureMessages } from './classify-messages.js';
import { scriptCounts } from './classify-summary.js';
import {
  CAPTURES_WRITTEN,
  NEXT_CAPTURE,
  type JobConfig,
  type JobMessage,
} from './classify-job-protocol.js';
import { loadScript } from './read-script.js';

/** Characters of lines sent at once. */
const CHUNK = 64 * 1024;
/** Characters of one capture sent ahead of its turn before the worker waits for it. */
const HOLD = 16 * 1024 * 1024;

const config = workerData as JobConfig;
const port = parentPort!;
const control = new Int32Array(config.control);
// the main thread compiled the same files and reported their diagnostics already
const quiet = { out: () => {}, err: () => {} };
const rules: ClassifierRule[] = config.scripts.map((s) => ({
  script: loadScript(s.path, s.pushes.length, quiet, undefined, config.window),
  pushes: s.pushes,
}));
const jsonLine = new FlowJsonLine(rules.map((r) => r.script.name));

function send(m: JobMessage): void {
  port.postMessage(m);
}

for (;;) {
  const capture = Atomics.add(control, NEXT_CAPTURE, 1);
  if (capture >= config.paths.length) break;
  const path = config.paths[capture];
  const quoted = JSON.stringify(basename(path));
  let chunk = '';
  let sent = 0;
  const flush = () => {
    if (chunk === '') return;
    if (sent > HOLD) {
      for (;;) {
        const written = Atomics.load(control, CAPTURES_WRITTEN);
        if (written >= capture) break;
        Atomics.wait(control, CAPTURES_WRITTEN, written);
      }
    }
    send({ capture, text: chunk });
    sent += chunk.length;
    chunk = '';
  };
  const report = classifyCapture(path, rules, {
    window: config.window,
    flows: { maxFlows: config.maxFlows },
    onFlowView: (f, l) => {
      chunk += jsonLine.line(quoted, f, l);
      if (chunk.length >= CHUNK) flush();
    },
  });
  flush();
  send({
    capture,
    done: true,
    messages: captureMessages(path, report),
    damaged: report.error !== null,
    records: report.records,
    ipPackets: report.ipPackets,
    scripts: scriptCounts(report),
  });
}
