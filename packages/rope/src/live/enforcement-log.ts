// The line `rope run --log` writes for each new lock, block or cut (and, with --stats-json, the JSON
// line of docs/json.md: event "lock" / "block" / "cut").
import type { EnforcementEvent } from './enforcement.js';
import { JSON_SCHEMA } from './stats.js';

export function enforcementLine(e: EnforcementEvent, json: boolean, at = new Date()): string {
  const time = at.toISOString();
  if (json) return JSON.stringify({ event: e.kind, schema: JSON_SCHEMA, time, ...e }) + '\n';
  const who =
    e.kind === 'lock'
      ? `client ${e.client}`
      : e.kind === 'cut'
        ? `client ${e.client} peer ${e.peer}`
        : `peer ${e.peer}`;
  return `${time} ${e.kind} ${who} ${e.seconds === null ? '' : `for ${e.seconds} s `}(${e.label})\n`;
}
