// The tables of one engine, by name. Every script that declares a table of the same name gets the
// same table, so scripts can share what they learn; the declarations must agree on capacity and
// lifetime (a disagreement is refused when the scripts are loaded, with both places named, rather
// than one silently winning).
import {
  SharedTable,
  type ChangeListener,
  type KeyGeneration,
  type TableChange,
  type TableSpec,
} from './shared-table.js';

/** Why a table declaration could not be honoured. */
export interface TableConflict {
  kind: 'table-conflict';
  name: string;
  have: TableSpec & { declaredIn: string };
  want: TableSpec & { declaredIn: string };
}

export function tableConflictMessage(c: TableConflict): string {
  const d = (s: TableSpec) => `capacity ${s.capacity}, lifetime ${s.lifetime} s`;
  return `table ${c.name} is declared with ${d(c.want)} in ${c.want.declaredIn} but with ${d(c.have)} in ${c.have.declaredIn}; declare it the same way everywhere`;
}

export class TableSet implements KeyGeneration {
  /**
   * The generation, in a typed array: V8 treats an object's number field that has never changed
   * as a constant in the code it optimises, and the first key learned, often well into a
   * capture, threw away the flow classifier's optimised code, which reads it on every packet.
   */
  private readonly born = new Float64Array(1);
  private readonly tables = new Map<string, SharedTable>();
  private readonly origin = new Map<string, string>();
  private listener: ChangeListener | null = null;

  /**
   * Keys that became alive in any table of the set so far (added new, or again after expiring;
   * renewals do not count): a flow classifier compares it with what a flow last saw.
   */
  get generation(): number {
    return this.born[0];
  }

  keyBorn(): void {
    this.born[0]++;
  }

  /** The table `spec` names, made on first declaration; a conflict is returned as data. */
  declare(spec: TableSpec, declaredIn: string): SharedTable | TableConflict {
    const have = this.tables.get(spec.name);
    if (have === undefined) {
      const t = new SharedTable({ ...spec }, this);
      t.onChange = this.listener;
      this.tables.set(spec.name, t);
      this.origin.set(spec.name, declaredIn);
      return t;
    }
    if (have.spec.capacity === spec.capacity && have.spec.lifetime === spec.lifetime) return have;
    return {
      kind: 'table-conflict',
      name: spec.name,
      have: { ...have.spec, declaredIn: this.origin.get(spec.name) ?? '?' },
      want: { ...spec, declaredIn },
    };
  }

  get(name: string): SharedTable | undefined {
    return this.tables.get(name);
  }

  all(): IterableIterator<SharedTable> {
    return this.tables.values();
  }

  get size(): number {
    return this.tables.size;
  }

  /** One listener for the local changes of every table (TableSync, the kernel mirror). */
  setListener(listener: ChangeListener | null): void {
    this.listener = listener;
    for (const t of this.tables.values()) t.onChange = listener;
  }

  /** Applies a change made elsewhere; changes to tables this engine does not have are ignored. */
  apply(change: TableChange, now: number): boolean {
    const t = this.tables.get(change.table);
    if (t === undefined) return false;
    t.apply(change, now);
    return true;
  }

  expire(now: number): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.expire(now);
    return n;
  }
}
