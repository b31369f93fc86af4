// The kernel sets of enforce-rules.ts, written by rope run over netlink: elements added with their
// own timeout and deleted, many to a message — no nft or ipset process per change. Changes are
// queued and sent once per turn of the event loop, so a burst (a tracker response's peers, a
// loaded state file) is one batch.
//
// Which sets: the ones `rope rules --install` made. At start rope run looks for rope's nft table
// holding the sets (inet, then ip, then ip6), then for the ipsets NAME-locked4/6; with neither it
// enforces in its own tables only and says so once. A set the rules did not make (IPv6 under
// --family ipv4) is skipped: its changes are dropped after one warning.
import {
  IpsetClient,
  NftSetClient,
  type IpsetElement,
  type NftElement,
  type NftFamily,
  type NftSetOp,
  type NftSetRef,
} from '@p2pwall/core/netlink';
import { ipsetName, nftSetName, type EnforceSet } from './enforce-rules.js';

/** One change to one kernel set. */
export interface SetChange {
  set: EnforceSet;
  address: string;
  port: number | null;
  /** Seconds to live; null: delete the element. */
  seconds: number | null;
}

export interface KernelSets {
  /** `nft inet rope` or `ipset rope-*`: where the sets are, for the start-up line. */
  readonly where: string;
  /** Queues a change (sent within one turn of the event loop). Never throws. */
  change(c: SetChange): void;
  /** Empties every set (pass-all, --flush-on-stop). */
  flushAll(): Promise<void>;
  /** Sends what is queued. */
  drain(): Promise<void>;
  close(): void;
}

type Warn = (message: string) => void;

/** Collects changes and sends them per turn; the backends say how. */
abstract class Batching implements KernelSets {
  abstract readonly where: string;
  private pending: SetChange[] = [];
  private scheduled = false;
  private sending: Promise<void> = Promise.resolve();
  protected readonly missing = new Set<string>();

  constructor(protected readonly warn: Warn) {}

  change(c: SetChange): void {
    this.pending.push(c);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.drain());
    }
  }

  drain(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0)
      this.sending = this.sending.then(() =>
        this.send(batch).catch((e: unknown) =>
          this.warn(`kernel sets: ${e instanceof Error ? e.message : String(e)}`),
        ),
      );
    return this.sending;
  }

  /** Skips changes to a set that is not there, warning once per set. */
  protected present(name: string, e: unknown): boolean {
    const m = e instanceof Error ? e.message : String(e);
    if (!/does not exist|No such file|not found|ENOENT/i.test(m)) return true;
    if (!this.missing.has(name)) {
      this.missing.add(name);
      this.warn(
        `kernel set ${name} is missing (not made by rope rules --install?): its entries stay in rope's tables only`,
      );
    }
    return false;
  }

  protected abstract send(batch: SetChange[]): Promise<void>;
  abstract flushAll(): Promise<void>;
  abstract close(): void;
}

class NftSets extends Batching {
  readonly where: string;
  constructor(
    private readonly client: NftSetClient,
    private readonly family: NftFamily,
    private readonly table: string,
    private readonly sets: EnforceSet[],
    warn: Warn,
  ) {
    super(warn);
    this.where = `nft ${family} ${table}`;
  }

  private ref(s: EnforceSet): NftSetRef {
    return { family: this.family, table: this.table, set: nftSetName(s) };
  }

  protected async send(batch: SetChange[]): Promise<void> {
    // one op per set and kind, in order of first appearance; deletions of absent elements are
    // harmless (they lapsed in the kernel first), so each set's deletions go one by one
    const adds = new Map<string, { ref: NftSetRef; elements: NftElement[] }>();
    const dels: { ref: NftSetRef; element: NftElement }[] = [];
    for (const c of batch) {
      const ref = this.ref(c.set);
      if (this.missing.has(ref.set)) continue;
      const element: NftElement = {
        address: c.address,
        ...(c.port !== null ? { port: c.port } : {}),
      };
      if (c.seconds === null) dels.push({ ref, element });
      else {
        let a = adds.get(ref.set);
        if (!a) adds.set(ref.set, (a = { ref, elements: [] }));
        a.elements.push({ ...element, timeoutMs: Math.max(1, Math.ceil(c.seconds)) * 1000 });
      }
    }
    for (const a of adds.values()) {
      try {
        await this.client.commit([{ op: 'add', set: a.ref, elements: a.elements }]);
      } catch (e) {
        if (this.present(a.ref.set, e)) throw e;
      }
    }
    for (const d of dels) {
      try {
        await this.client.commit([{ op: 'delete', set: d.ref, elements: [d.element] }]);
      } catch {
        // not there any more: nothing to do
      }
    }
  }

  async flushAll(): Promise<void> {
    await this.drain();
    const ops: NftSetOp[] = this.sets
      .filter((s) => !this.missing.has(nftSetName(s)))
      .map((s) => ({ op: 'flush', set: this.ref(s) }));
    for (const op of ops) {
      try {
        await this.client.commit([op]);
      } catch (e) {
        if (this.present(op.set.set, e)) throw e;
      }
    }
  }

  close(): void {
    this.client.close();
  }
}

class Ipsets extends Batching {
  readonly where: string;
  constructor(
    private readonly client: IpsetClient,
    private readonly name: string,
    private readonly sets: EnforceSet[],
    warn: Warn,
  ) {
    super(warn);
    this.where = `ipset ${name}-*`;
  }

  protected async send(batch: SetChange[]): Promise<void> {
    const adds = new Map<string, IpsetElement[]>();
    const dels: [string, IpsetElement][] = [];
    for (const c of batch) {
      const name = ipsetName(this.name, c.set);
      if (this.missing.has(name)) continue;
      // hash:ip,port elements carry a protocol: a blocked endpoint is blocked for TCP and UDP
      const elements: IpsetElement[] =
        c.port === null
          ? [{ address: c.address }]
          : (['tcp', 'udp'] as const).map((proto) => ({
              address: c.address,
              port: c.port!,
              proto,
            }));
      if (c.seconds === null) for (const e of elements) dels.push([name, e]);
      else {
        let a = adds.get(name);
        if (!a) adds.set(name, (a = []));
        const timeoutMs = Math.max(1, Math.ceil(c.seconds)) * 1000;
        for (const e of elements) a.push({ ...e, timeoutMs });
      }
    }
    for (const [name, elements] of adds) {
      try {
        await this.client.add(name, elements);
      } catch (e) {
        if (this.present(name, e)) throw e;
      }
    }
    for (const [name, element] of dels) {
      try {
        await this.client.delete(name, [element], { ignoreMissing: true });
      } catch (e) {
        if (this.present(name, e)) throw e;
      }
    }
  }

  async flushAll(): Promise<void> {
    await this.drain();
    for (const s of this.sets) {
      const name = ipsetName(this.name, s);
      if (this.missing.has(name)) continue;
      try {
        await this.client.flush(name);
      } catch (e) {
        if (this.present(name, e)) throw e;
      }
    }
  }

  close(): void {
    this.client.close();
  }
}

/**
 * The kernel sets `rope rules --install --name NAME` made, or null (with the reason) when there
 * are none to write.
 */
export async function openKernelSets(
  name: string,
  sets: EnforceSet[],
  warn: Warn,
): Promise<KernelSets | { none: string }> {
  try {
    const nft = NftSetClient.open();
    for (const family of ['inet', 'ip', 'ip6'] as const) {
      for (const probe of ['locked4', 'locked6']) {
        try {
          await nft.describe({ family, table: name, set: probe });
          return new NftSets(nft, family, name, sets, warn);
        } catch {
          // not this family or set: try the next
        }
      }
    }
    nft.close();
  } catch {
    // no nftables here: try ipset
  }
  try {
    const ipset = IpsetClient.open();
    for (const probe of [`${name}-locked4`, `${name}-locked6`]) {
      try {
        await ipset.header(probe);
        return new Ipsets(ipset, name, sets, warn);
      } catch {
        // not there: try the next
      }
    }
    ipset.close();
  } catch {
    // no ipset either
  }
  return {
    none: `no kernel sets of rope rules --install --name ${name} (nft table ${name} or ipsets ${name}-*): locks and blocks act in rope's tables only`,
  };
}
