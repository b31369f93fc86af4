// The two tables of rope run's enforcement, with reserved names (a script cannot declare a name
// with a dot), declared the same way in every engine and in the main thread's replica:
//
//   p2pwall.locked   key: the client's address (4 or 16 bytes); note: the label that locked it
//   p2pwall.blocked  key: the peer's address (4 or 16 bytes), or address and port (6 or 18
//                    bytes, the port big-endian: the compact peer form); note: the label
import type { SharedTable } from '../tables/shared-table.js';
import type { TableSet } from '../tables/table-set.js';

export const LOCKED_TABLE = 'p2pwall.locked';
export const BLOCKED_TABLE = 'p2pwall.blocked';
/** Entries each of the two tables holds (ipset's default maxelem). */
export const ENFORCE_CAPACITY = 65536;

/** Declares the two tables in a table set (so changes to them arrive there too). */
export function declareEnforceTables(tables: TableSet): {
  locked: SharedTable;
  blocked: SharedTable;
} {
  const spec = (name: string) => ({ name, capacity: ENFORCE_CAPACITY, lifetime: 3600 });
  return {
    locked: tables.declare(spec(LOCKED_TABLE), 'rope run') as SharedTable,
    blocked: tables.declare(spec(BLOCKED_TABLE), 'rope run') as SharedTable,
  };
}
