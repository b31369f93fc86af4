#!/usr/bin/env node
// Starts cutter from its bundle (dist/bundle/, made by `npm run build` and on `npm pack`):
// cutter-help.cjs for --help, --version and completion, cutter-scripted.cjs for the rest (it hands
// a start that opens the interactive view to cutter.js, the ES module program); from the compiled
// modules when the bundle is stale (see @p2pwall/core/launcher). CommonJS (bin/package.json):
// the bundle's CommonJS files are required, so such a start never loads the ES module loader.
'use strict';
const { pathToFileURL, fileURLToPath } = require('node:url');
const { freshEntry } = require('@p2pwall/core/launcher');

const args = process.argv.slice(2);
const help =
  args[0] === 'completion' || ['-h', '--help', '-V', '--version'].some((a) => args.includes(a));
const entry = freshEntry(
  pathToFileURL(`${__dirname}/../`),
  help ? 'cutter-help.cjs' : 'cutter-scripted.cjs',
);
if (entry.endsWith('.cjs')) require(fileURLToPath(entry));
// a failure to load is Node's own report of an unhandled rejection: the error, exit status 1
else import(entry);
