#!/usr/bin/env node
// Starts rope from its bundle (dist/bundle/, made by `npm run build` and on `npm pack`): rope-help.js
// for --help, --version, completion and usage errors, rope.js for the rest; from the compiled
// modules when the bundle is stale (see @p2pwall/core/launcher).
import { freshEntry } from '@p2pwall/core/launcher';

const args = process.argv.slice(2);
const help =
  args.length === 0 ||
  ['-h', '--help', 'help', '-V', '--version', 'completion'].includes(args[0]) ||
  args.includes('--help') ||
  args.includes('-h');
await import(freshEntry(new URL('..', import.meta.url), help ? 'rope-help.js' : 'rope.js'));
