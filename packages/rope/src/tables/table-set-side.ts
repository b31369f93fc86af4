// A TableSet as the side a RedisShare keeps in step: remote changes are applied without being
// reported as local ones (TableSet.apply), and the live entries of every table are listed for
// the push after a reconnect.
import type { ShareSide } from './redis-share.js';
import type { TableChange } from './shared-table.js';
import type { TableSet } from './table-set.js';

export function tableSetSide(tables: TableSet, now: () => number): ShareSide {
  return {
    apply(batch) {
      const t = now();
      for (const c of batch) tables.apply(c, t);
    },
    *entries(): IterableIterator<TableChange> {
      const t = now();
      for (const table of tables.all())
        for (const [key, e] of table.entries(t))
          yield { table: table.name, key, expires: e.expires, value: e.value, note: e.note };
    },
  };
}
