// The strings behind each label's `via` (a signature name, or the note of the table key a YES was
// learned from), interned: the classifier keeps a number per flow and script in a typed array,
// not a string reference, so labelling a flow allocates nothing when its name is already known
// (signature names are a handful of literals). Names are counted by the flows holding them and
// forgotten when the last such flow leaves, so learned notes — one per key that taught a flow —
// cost memory only while a flow needs them.

/** "No via": the YES named no signature and followed no table lookup. */
export const NO_VIA = 0;

export class ViaNames {
  private readonly ids = new Map<string, number>();
  /** By id; id 0 is NO_VIA and never handed out. */
  private readonly names: string[] = [''];
  private readonly refs: number[] = [0];
  /** Ids free for reuse. */
  private readonly free: number[] = [];

  /** Distinct names held. */
  get size(): number {
    return this.ids.size;
  }

  /** The id of `name`, counted once more (give it back with `release`). */
  acquire(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.free.pop() ?? this.names.length;
      this.names[id] = name;
      this.refs[id] = 0;
      this.ids.set(name, id);
    }
    this.refs[id]++;
    return id;
  }

  /** One holder of `id` is done with it; the name is forgotten with its last holder. */
  release(id: number): void {
    if (id === NO_VIA) return;
    if (--this.refs[id] > 0) return;
    this.ids.delete(this.names[id]);
    this.names[id] = '';
    this.free.push(id);
  }

  /** The name of a held id. */
  name(id: number): string {
    return this.names[id];
  }
}
