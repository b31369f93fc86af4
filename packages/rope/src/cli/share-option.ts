// `--share ADDRESS` (and the configuration's "share" key): where rope run finds Redis.
import { parseShareTarget, type ShareTarget } from '../tables/share-target.js';
import { UsageError } from './command.js';

export function parseShareOption(text: string, option: string): ShareTarget {
  const t = parseShareTarget(text.trim());
  if ('message' in t) throw new UsageError(`${option}: ${t.message}`);
  return t;
}
