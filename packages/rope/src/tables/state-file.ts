// `--state FILE`: what the tables learned, kept across restarts (ftwall's store file). Written
// atomically (a temporary file in the same directory, fsync, rename), so a crash mid-write leaves
// the previous state; read back at start. A file that is corrupt, of another program or of a
// newer format is reported in one line and ignored: losing what was learned is better than
// refusing to give verdicts.
//
// Format: JSON, one object `{ "format": "p2pwall-state", "version": 1, "saved": <ISO time>,
// "tables": { <name>: [[<key as hex>, <expiry, s since 1970>, <value>, <note>?], …] } }` (the
// note: what taught the key, for `via`). Keys are bytes,
// hence hex. Only entries alive at save time are written; on load, entries that expired while
// the engine was down are dropped, and tables the loading scripts do not declare are skipped.
import { readFileSync, statSync } from 'node:fs';
import { replaceFile } from '../files/replace-file.js';
import type { TableChange } from './shared-table.js';
import type { TableSet } from './table-set.js';

export const STATE_FORMAT = 'p2pwall-state';
export const STATE_VERSION = 1;
/** A state file larger than this is refused rather than read (256 MiB). */
export const MAX_STATE_BYTES = 256 * 1024 * 1024;

export interface StateProblem {
  kind: 'state-problem';
  file: string;
  reason: string;
}

export function stateProblemMessage(p: StateProblem): string {
  return `state file ${p.file}: ${p.reason}; starting without it`;
}

export interface LoadedState {
  /** Entries applied to declared tables. */
  applied: number;
  /** Entries skipped: expired, or of a table no script declares. */
  skipped: number;
}

function hex(key: string): string {
  return Buffer.from(key, 'latin1').toString('hex');
}

/** The state of `tables` at `now`, as the file stores it. */
export function encodeState(tables: TableSet, now: number, savedAt = new Date()): string {
  const out: Record<string, Row[]> = {};
  for (const t of tables.all()) {
    const rows: Row[] = [];
    for (const [k, e] of t.entries(now))
      rows.push(
        e.note === '' ? [hex(k), e.expires, e.value] : [hex(k), e.expires, e.value, e.note],
      );
    out[t.name] = rows;
  }
  return JSON.stringify({
    format: STATE_FORMAT,
    version: STATE_VERSION,
    saved: savedAt.toISOString(),
    tables: out,
  });
}

/** Writes the state atomically; throws (with the OS error) when the directory is not writable. */
export function saveState(file: string, tables: TableSet, now: number): void {
  replaceFile(file, encodeState(tables, now), 0o600);
}

/** key as hex, expiry, value, and what taught the key when something did. */
type Row = [string, number, number] | [string, number, number, string];

function isRow(r: unknown): r is Row {
  return (
    Array.isArray(r) &&
    (r.length === 3 || (r.length === 4 && typeof r[3] === 'string')) &&
    typeof r[0] === 'string' &&
    /^(?:[0-9a-f]{2})*$/.test(r[0]) &&
    Number.isFinite(r[1]) &&
    Number.isInteger(r[2])
  );
}

/** Parses a state file's text into changes, or says why it cannot be used. */
export function decodeState(text: string, file: string): TableChange[] | StateProblem {
  const problem = (reason: string): StateProblem => ({ kind: 'state-problem', file, reason });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return problem('not valid JSON (corrupt or not a p2pwall state file)');
  }
  if (
    typeof doc !== 'object' ||
    doc === null ||
    (doc as { format?: unknown }).format !== STATE_FORMAT
  )
    return problem('not a p2pwall state file');
  const d = doc as { version?: unknown; tables?: unknown };
  if (d.version !== STATE_VERSION)
    return problem(
      `format version ${String(d.version)} is not supported (this rope reads ${STATE_VERSION})`,
    );
  if (typeof d.tables !== 'object' || d.tables === null || Array.isArray(d.tables))
    return problem('"tables" is missing or not an object');
  const changes: TableChange[] = [];
  for (const [table, rows] of Object.entries(d.tables as Record<string, unknown>)) {
    if (!Array.isArray(rows)) return problem(`table ${table} is not a list`);
    for (const r of rows) {
      if (!isRow(r)) return problem(`table ${table} has a malformed entry`);
      changes.push({
        table,
        key: Buffer.from(r[0], 'hex').toString('latin1'),
        expires: r[1],
        value: r[2],
        note: r[3] ?? '',
      });
    }
  }
  return changes;
}

/**
 * Loads `file` into `tables`. A missing file is a first start (nothing loaded, no problem); any
 * other failure is returned as a StateProblem for the caller to report in one line.
 */
export function loadState(file: string, tables: TableSet, now: number): LoadedState | StateProblem {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { kind: 'state-problem', file, reason: 'not a regular file' };
    if (st.size > MAX_STATE_BYTES)
      return { kind: 'state-problem', file, reason: 'larger than 256 MiB' };
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return { applied: 0, skipped: 0 };
    return { kind: 'state-problem', file, reason: err.message };
  }
  const changes = decodeState(text, file);
  if (!Array.isArray(changes)) return changes;
  let applied = 0;
  let skipped = 0;
  for (const c of changes) {
    if (c.expires > now && tables.apply(c, now)) applied++;
    else skipped++;
  }
  return { applied, skipped };
}
