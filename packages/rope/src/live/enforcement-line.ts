// How an enforcement event (cut, lock, block) is written: one text line for the log, one JSON
// line for --stats-json and for the standard input of --exec commands (docs/json.md).
import type { EnforcementEvent } from './enforcement.js';
import { JSON_SCHEMA } from './stats.js';

/** The event as a JSON object (`event` is its kind), `time` in seconds since 1970. */
export function enforcementJson(e: EnforcementEvent, time: number): string {
  return JSON.stringify({
    event: e.kind,
    schema: JSON_SCHEMA,
    time: new Date(time * 1000).toISOString(),
    label: e.label,
    client: e.client,
    peer: e.peer,
    seconds: e.seconds,
  });
}

/** `2026-12-04T18:00:00.000Z cut bittorrent 192.0.2.10 > 198.51.100.10:6881`, `… for 60 s`. */
export function enforcementText(e: EnforcementEvent, time: number): string {
  const what = `${e.client ?? '-'} > ${e.peer ?? '-'}`;
  const how = e.seconds === null ? '' : ` for ${e.seconds} s`;
  return `${new Date(time * 1000).toISOString()} ${e.kind} ${e.label} ${what}${how}`;
}
