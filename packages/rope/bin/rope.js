#!/usr/bin/env node
// Starts rope from its bundle (dist/bundle/, made by `npm run build` and on `npm pack`): rope-help.js
// for --help, --version, completion and usage errors, rope.js for the rest. In a checkout whose
// code was compiled after the bundle was made (`tsc -b` touched dist/.tsbuildinfo of rope, core
// or tui), the bundle would be stale: then the compiled modules run, as they always can.
import { statSync } from 'node:fs';

const args = process.argv.slice(2);
const help =
  args.length === 0 ||
  ['-h', '--help', 'help', '-V', '--version', 'completion'].includes(args[0]) ||
  args.includes('--help') ||
  args.includes('-h');
const bundle = new URL(
  help ? '../dist/bundle/rope-help.js' : '../dist/bundle/rope.js',
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
