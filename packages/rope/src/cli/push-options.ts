// The --push-int / --push-str / --push-ip options shared by the commands that run scripts: kept
// in the order given across the three (the last one ends up on top of the stack).
import type { Value } from '../runtime/values.js';
import { pushValue, PushError, type PushKind } from '../runtime/pushes.js';
import { UsageError, type ArgToken } from './command.js';

export const PUSH_OPTIONS = {
  'push-int': { type: 'string', multiple: true },
  'push-str': { type: 'string', multiple: true },
  'push-ip': { type: 'string', multiple: true },
} as const;

export const PUSH_HELP = `  --push-int N   push an integer before each run (decimal, 0x hex, 0 octal)
  --push-str S   push a string (its UTF-8 bytes)
  --push-ip A    push an IPv4 or IPv6 address (4 or 16 bytes, as $ip_saddr)
                 Pushes keep their order across the three options; the last is on top.`;

/** The pushed values, converted once. Throws UsageError for a bad value. */
export function pushesFrom(tokens: readonly ArgToken[] | undefined): Value[] {
  const out: Value[] = [];
  for (const t of tokens ?? []) {
    if (t.kind !== 'option' || !t.name?.startsWith('push-')) continue;
    try {
      out.push(pushValue(t.name.slice('push-'.length) as PushKind, t.value ?? ''));
    } catch (e) {
      if (e instanceof PushError) throw new UsageError(e.message);
      throw e;
    }
  }
  return out;
}
