// An enforcement event (cut, lock, block) as the JSON line the standard input of --exec commands
// gets: the same object as rope run's --stats-json log line (docs/json.md).
import type { EnforcementEvent } from './enforcement.js';
import { JSON_SCHEMA } from './stats.js';

/** The event as a JSON object (`event` and `kind` its kind, as rope run's log line), `time` in seconds since 1970. */
export function enforcementJson(e: EnforcementEvent, time: number): string {
  return JSON.stringify({
    event: e.kind,
    schema: JSON_SCHEMA,
    time: new Date(time * 1000).toISOString(),
    kind: e.kind,
    label: e.label,
    client: e.client,
    peer: e.peer,
    seconds: e.seconds,
  });
}
