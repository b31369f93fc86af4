// Replaces a file so that a reader at any moment finds the old contents or the new, never a part:
// the data goes to a temporary file beside it (same directory, so the same file system), is
// flushed to disk, and is renamed over the file. A crash or a failed write leaves the old file
// and no temporary one. Used for `--state` files and for the parsed forms of the built-in
// scripts, which a rope starting during a rebuild may read.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `file` atomically; throws the OS error (the file unchanged) on failure. */
export function replaceFile(file: string, data: string, mode = 0o644): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', mode);
  let open = true;
  try {
    writeSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    renameSync(tmp, file);
  } catch (e) {
    // a failed write or rename (the target a directory, the file system read-only meanwhile)
    // leaves no temporary file behind
    if (open) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
}
