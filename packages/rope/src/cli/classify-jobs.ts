// `rope classify --json --jobs N`: N worker threads (classify-job-worker.ts) classify whole
// captures side by side, and this thread writes each capture's lines in capture order, so the
// output is byte for byte that of one thread. Only whole captures are shared out: within a
// capture, scripts learn in tables from one flow what labels another (bittorrent.rope's peers),
// so its flows must meet in one classifier, in capture order.
import { Worker } from 'node:worker_threads';
import type { BufferedWriter } from './buffered-output.js';
import { CliError, type Output } from './command.js';
import type { Summary } from './classify-summary.js';
import {
  CAPTURES_WRITTEN,
  CONTROL_SLOTS,
  type JobConfig,
  type JobDone,
  type JobMessage,
} from './classify-job-protocol.js';

function startWorker(config: JobConfig): Worker {
  const here = import.meta.url;
  // beside the bundle's CommonJS program (rope-commands.cjs) its CommonJS worker, which starts
  // and warms up as that program does; beside the ES modules, theirs
  if (!here.endsWith('.ts'))
    return new Worker(
      new URL(
        here.endsWith('.cjs') ? './classify-job-worker.cjs' : './classify-job-worker.js',
        here,
      ),
      { workerData: config },
    );
  // running from the sources (tsx, as the tests do): workers do not inherit tsx's hooks, so the
  // worker registers them before it loads the TypeScript entry
  const entry = new URL('./classify-job-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: config });
}

interface Pending {
  texts: string[];
  done: JobDone | null;
}

/**
 * Classifies `config.paths` in `jobs` workers, writing their lines to `out` and their messages to
 * stderr in capture order, and counting them in `summary`. Resolves to the number of captures
 * that could not be read to their end.
 */
export function classifyInJobs(
  config: Omit<JobConfig, 'control'>,
  jobs: number,
  out: BufferedWriter,
  io: Output,
  summary: Summary,
): Promise<number> {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  const n = config.paths.length;
  const pending = new Map<number, Pending>();
  let written = 0;
  let damaged = 0;
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(e instanceof CliError ? e : new CliError(`a --jobs worker failed: ${e.message}`));
    };
    // everything of the capture whose turn it is goes out; a capture's end passes the turn on
    const writeInOrder = () => {
      while (written < n) {
        const p = pending.get(written);
        if (p === undefined) return;
        for (const t of p.texts) out.write(t);
        p.texts.length = 0;
        if (p.done === null) return;
        const d = p.done;
        if (d.messages.length > 0) {
          out.flush();
          for (const m of d.messages) io.err(m);
        }
        if (d.damaged) damaged++;
        summary.addCapture(d.records, d.ipPackets, d.scripts);
        pending.delete(written);
        written++;
        Atomics.store(control, CAPTURES_WRITTEN, written);
        Atomics.notify(control, CAPTURES_WRITTEN);
      }
      resolve(damaged);
    };
    const onMessage = (m: JobMessage) => {
      let p = pending.get(m.capture);
      if (p === undefined) {
        p = { texts: [], done: null };
        pending.set(m.capture, p);
      }
      if ('done' in m) p.done = m;
      else p.texts.push(m.text);
      if (m.capture === written) writeInOrder();
    };
    const count = Math.max(1, Math.min(jobs, n));
    let exited = 0;
    for (let k = 0; k < count; k++) {
      const w = startWorker({ ...config, control: control.buffer as SharedArrayBuffer });
      workers.push(w);
      w.on('message', onMessage);
      w.on('error', fail);
      w.on('exit', (code) => {
        exited++;
        if (code !== 0) fail(new Error(`exit code ${code}`));
        // workers that ended normally have sent everything they claimed
        else if (exited === count && written < n)
          fail(new Error(`${n - written} captures left unwritten`));
      });
    }
  });
}
