// Which of Node's own modules a start of a file loaded: for the tests that hold the CommonJS
// starts (help, cutter's scripted path) to running no ES module (docs/performance.md, Start-up).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Node's own module that runs an ES module: loaded once any ES module runs. */
export const ESM_JOB = 'NativeModule internal/modules/esm/module_job';

/**
 * Runs `node file ...args` in `dir` with a preload that writes process.moduleLoadList on exit;
 * `preludeLines` run first in that preload (e.g. to make stdout look like a terminal).
 */
export function modulesLoaded(dir: string, file: string, args: string[], preludeLines = '') {
  const log = join(dir, 'modules.txt');
  const preload = join(dir, 'note-modules.cjs');
  writeFileSync(
    preload,
    `${preludeLines}\nprocess.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, process.moduleLoadList.join('\\n')));\n`,
  );
  const r = spawnSync(process.execPath, ['--require', preload, file, ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { ...r, modules: readFileSync(log, 'utf8').split('\n') };
}
