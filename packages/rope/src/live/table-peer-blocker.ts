// A PeerBlocker for the queue threads: blocking a peer is adding its key to the engine's
// `p2pwall.blocked` table. TableSync carries the add to the main thread, whose Enforcer mirrors
// it into the kernel set, reports the event and keeps it in --state — so code that runs beside
// the decider (the DNS training, a cut's UDP block) blocks without a message of its own.
import { MAX_TABLE_LIFETIME, type SharedTable } from '../tables/shared-table.js';
import { endpointKeyOf } from '../tables/keys.js';
import type { TableSet } from '../tables/table-set.js';
import type { PeerBlocker } from './enforcement.js';
import { declareEnforceTables } from './enforce-tables.js';

export class TablePeerBlocker implements PeerBlocker {
  private readonly blocked: SharedTable;

  constructor(
    tables: TableSet,
    /** Seconds since 1970. */
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    this.blocked = declareEnforceTables(tables).blocked;
  }

  blockPeer(addr: Uint8Array, port: number | null, seconds: number, label: string): void {
    if (addr.length !== 4 && addr.length !== 16) return;
    if (!(seconds > 0)) return;
    this.blocked.add(
      endpointKeyOf(addr, port),
      this.now(),
      Math.min(seconds, MAX_TABLE_LIFETIME),
      undefined,
      label,
    );
  }
}
