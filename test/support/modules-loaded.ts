// Which of Node's own modules a start of a file loaded: for the tests that hold the CommonJS
// starts (help, the CommonJS programs and their workers) to running no ES module
// (docs/performance.md, Start-up).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Node's own module that runs an ES module: loaded once any ES module runs. */
export const ESM_JOB = 'NativeModule internal/modules/esm/module_job';

/**
 * Runs `node file ...args` in `dir` with a preload that writes process.moduleLoadList on exit,
 * of the main thread (`modules`) and of each worker thread (`workers`: workers inherit the
 * preload); `preludeLines` run first in it (e.g. to make stdout look like a terminal).
 */
export function modulesLoaded(dir: string, file: string, args: string[], preludeLines = '') {
  const preload = join(dir, 'note-modules.cjs');
  for (const f of readdirSync(dir))
    if (/^modules-\d+\.txt$/.test(f)) writeFileSync(join(dir, f), '');
  writeFileSync(
    preload,
    `${preludeLines}
const { threadId } = require('node:worker_threads');
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(dir)} + '/modules-' + threadId + '.txt', process.moduleLoadList.join('\\n')));
`,
  );
  const r = spawnSync(process.execPath, ['--require', preload, file, ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const read = (id: number) => readFileSync(join(dir, `modules-${id}.txt`), 'utf8').split('\n');
  const workers = readdirSync(dir)
    .map((f) => /^modules-(\d+)\.txt$/.exec(f))
    .filter((m) => m !== null && m[1] !== '0')
    .map((m) => read(Number(m![1])))
    .filter((list) => list.length > 1);
  return { ...r, modules: read(0), workers };
}
