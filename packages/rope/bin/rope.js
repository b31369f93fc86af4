#!/usr/bin/env node
// Starts rope from its bundle (dist/bundle/, made by `npm run build` and on `npm pack`):
// rope-help.cjs for --help, --version, completion and usage errors, rope-commands.cjs for the rest
// (it hands `rope run` and `rope top` to rope.js, the ES module program); from the compiled
// modules when the bundle is stale (see @p2pwall/core/launcher). CommonJS (bin/package.json):
// the bundle's CommonJS files are required, so such a start never loads the ES module loader.
'use strict';
const { pathToFileURL, fileURLToPath } = require('node:url');
const { freshEntry } = require('@p2pwall/core/launcher');

const args = process.argv.slice(2);
const help =
  args.length === 0 ||
  ['-h', '--help', 'help', '-V', '--version', 'completion'].includes(args[0]) ||
  args.includes('--help') ||
  args.includes('-h');
const entry = freshEntry(
  pathToFileURL(`${__dirname}/../`),
  help ? 'rope-help.cjs' : 'rope-commands.cjs',
);
if (entry.endsWith('.cjs')) require(fileURLToPath(entry));
// a failure to load is Node's own report of an unhandled rejection: the error, exit status 1
else import(entry);
