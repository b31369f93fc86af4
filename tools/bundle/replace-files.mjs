// Puts a build's output files into a directory without a moment in which one is missing or half
// written: a rope or cutter started meanwhile (tests running beside an `npm pack`, a rebuild under
// a running gateway) loads either the old bundle or the new one. Each changed file is written
// beside its place and renamed over it; a file that did not change only gets a new time, because
// bin/ runs the bundle only when it is newer than the last `tsc -b`. Files of an earlier build
// that this one did not produce (chunks with another hash) are removed last. Chunks go in before
// the entries that import them, so a new entry never points at a chunk not yet there.
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

function sameContents(path, contents) {
  try {
    return Buffer.compare(readFileSync(path), contents) === 0;
  } catch {
    return false;
  }
}

/** A `NAME.PID.tmp` of a build still running is that build's, not a leftover. */
function inFlight(path) {
  const pid = /\.(\d+)\.tmp$/.exec(path)?.[1];
  if (pid === undefined) return false;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

const chunksFirst = (a, b) =>
  Number(!/[\\/]chunk-[^\\/]*$/.test(a.path)) - Number(!/[\\/]chunk-[^\\/]*$/.test(b.path));

function listFiles(dir) {
  let names;
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return names.flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)],
  );
}

/**
 * @param {string} dir  the output directory, made if missing
 * @param {{ path: string, contents: Uint8Array }[]} files  absolute paths inside dir
 */
export function replaceFiles(dir, files) {
  const now = new Date();
  const kept = new Set();
  for (const { path, contents } of [...files].sort(chunksFirst)) {
    const rel = relative(dir, path);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
      throw new Error(`${path} is outside ${dir}`);
    kept.add(path);
    if (sameContents(path, contents)) {
      utimesSync(path, now, now);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  }
  for (const path of listFiles(dir))
    if (!kept.has(path) && !inFlight(path)) rmSync(path, { force: true });
}
