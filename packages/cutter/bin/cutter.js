#!/usr/bin/env node
// Starts cutter from its bundle (dist/bundle/, made by `npm run build` and on `npm pack`):
// cutter-help.js for --help, --version and completion, cutter.js for the rest; from the compiled
// modules when the bundle is stale (see @p2pwall/core/launcher).
import { freshEntry } from '@p2pwall/core/launcher';

const args = process.argv.slice(2);
const help =
  args[0] === 'completion' || ['-h', '--help', '-V', '--version'].some((a) => args.includes(a));
await import(freshEntry(new URL('..', import.meta.url), help ? 'cutter-help.js' : 'cutter.js'));
