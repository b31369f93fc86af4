// What the launchers (rope's and cutter's bin/) require: the package's bundle when it is fresh,
// else its compiled modules. Plain JavaScript outside dist/, so choosing loads nothing that the
// choice is about. A bundle is stale when `tsc -b` compiled the package, core or tui (which both
// tools bundle) after it was made (their dist/.tsbuildinfo is newer): a checkout then runs
// dist/cli/main.js, as it always can.
// The tarballs ship no .tsbuildinfo, so an installed package always runs its bundle.
// CommonJS (launcher/package.json), as the launchers are: a start that runs the bundle's
// CommonJS files (the help, the program without what must stay ES modules) never loads Node's ES
// module loader, ~10 ms of a start (docs/performance.md).
'use strict';
const { statSync } = require('node:fs');
const { pathToFileURL } = require('node:url');

const here = pathToFileURL(__filename);

/** Modification time in ms, or -1 when absent. */
function mtime(url) {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * The URL to import for the package at `packageRoot` (a URL ending in /): its
 * dist/bundle/`bundleFile` when that is fresh, else its dist/cli/main.js.
 * @param {URL} packageRoot
 * @param {string} bundleFile
 * @returns {string}
 */
function freshEntry(packageRoot, bundleFile) {
  const bundle = new URL(`dist/bundle/${bundleFile}`, packageRoot);
  const built = mtime(bundle);
  const fresh =
    built >= 0 &&
    built >= mtime(new URL('dist/.tsbuildinfo', packageRoot)) &&
    built >= mtime(new URL('../dist/.tsbuildinfo', here)) &&
    built >= mtime(new URL('../../tui/dist/.tsbuildinfo', here));
  return (fresh ? bundle : new URL('dist/cli/main.js', packageRoot)).href;
}

exports.freshEntry = freshEntry;
