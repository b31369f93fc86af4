#!/usr/bin/env node
// Starts cutter from its bundle (dist/bundle/, made by `npm run build` and on `npm pack`):
// cutter-help.js for --help, --version and completion, cutter.js for the rest. In a checkout
// whose code was compiled after the bundle was made (`tsc -b` touched dist/.tsbuildinfo of cutter,
// core or tui), the bundle would be stale: then the compiled modules run, as they always can.
import { statSync } from 'node:fs';

const args = process.argv.slice(2);
const help =
  args[0] === 'completion' || ['-h', '--help', '-V', '--version'].some((a) => args.includes(a));
const bundle = new URL(
  help ? '../dist/bundle/cutter-help.js' : '../dist/bundle/cutter.js',
  import.meta.url,
);

/** Modification time in ms, or -1 when absent. */
function mtime(url) {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return -1;
  }
}

const built = mtime(bundle);
const fresh =
  built >= 0 &&
  built >= mtime(new URL('../dist/.tsbuildinfo', import.meta.url)) &&
  built >= mtime(new URL('../../core/dist/.tsbuildinfo', import.meta.url)) &&
  built >= mtime(new URL('../../tui/dist/.tsbuildinfo', import.meta.url));
await import(fresh ? bundle.href : '../dist/cli/main.js');
