// The real connection source: cutter's conntrack watch (a dump, then new/update/destroy events,
// a fresh dump after an overrun) plus a periodic re-dump.
//
// Why both: with net.netfilter.nf_conntrack_events=2 (the default since Linux 5.19) the kernel
// attaches its event cache only to entries created while someone listens, so connections that
// existed before cutter started never report an update or their destroy. The poll keeps those
// rows true (state, timeout, counters, gone); events still make new connections appear at once.
//
// Opened before the view is drawn, so a missing privilege or kernel feature ends the command
// with the CLI's one-line error instead of a broken screen; what arrives before the view
// subscribes is held and handed over in order.
import { performance } from 'node:perf_hooks';
import { Conntrack, SockDiag, type ConntrackEventType } from '@p2pwall/core/netlink';
import type { Connection } from '../find/connection.js';
import type { ConnectionFilter } from '../find/filter.js';
import { listConnections } from '../find/query.js';
import { watchConnections, type ConnectionWatch } from '../find/watch.js';
import type { ConnectionSource, SnapshotReason, SourceSink } from './ports.js';

type Held =
  | { kind: 'snapshot'; connections: Connection[]; reason: SnapshotReason; takenAt: number }
  | { kind: 'event'; type: ConntrackEventType; connection: Connection }
  | { kind: 'error'; error: Error };

export interface LiveOptions {
  /** Re-dump at least this often (ms; default 2000; 0: never). */
  pollMs?: number;
  /** For tests: what watches and what dumps. */
  watch?: typeof watchConnections;
  list?: (filter: ConnectionFilter) => Promise<Connection[]>;
}

/** A dump may take at most this share of the time (a huge table is polled less often). */
const POLL_DUTY = 0.1;

export class LiveConnections implements ConnectionSource {
  private watch: ConnectionWatch | null = null;
  private sink: SourceSink | null = null;
  private held: Held[] = [];
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private sockets: { ct: Conntrack; diag: SockDiag } | null = null;
  private readonly pollMs: number;
  private readonly list: (filter: ConnectionFilter) => Promise<Connection[]>;

  private constructor(
    private readonly filter: ConnectionFilter,
    options: LiveOptions,
  ) {
    this.pollMs = options.pollMs ?? 2000;
    this.list =
      options.list ??
      ((f) => {
        this.sockets ??= { ct: Conntrack.open(), diag: SockDiag.open() };
        return listConnections(f, { conntrack: this.sockets.ct, sockDiag: this.sockets.diag });
      });
  }

  /** Subscribes to conntrack and takes the first snapshot; throws what watchConnections throws. */
  static async open(filter: ConnectionFilter, options: LiveOptions = {}): Promise<LiveConnections> {
    const src = new LiveConnections(filter, options);
    const watchFn = options.watch ?? watchConnections;
    src.watch = await watchFn(filter, {
      onSnapshot: (connections, reason) =>
        src.deliver({ kind: 'snapshot', connections, reason, takenAt: Date.now() }),
      onEvent: (type, connection) => src.deliver({ kind: 'event', type, connection }),
      onError: (error) => src.deliver({ kind: 'error', error }),
    });
    return src;
  }

  private deliver(h: Held): void {
    if (this.closed) return;
    if (!this.sink) {
      this.held.push(h);
      return;
    }
    if (h.kind === 'snapshot') this.sink.snapshot(h.connections, h.reason, h.takenAt);
    else if (h.kind === 'event') this.sink.event(h.type, h.connection);
    else this.sink.error(h.error);
  }

  subscribe(sink: SourceSink): () => void {
    this.sink = sink;
    const held = this.held;
    this.held = [];
    for (const h of held) this.deliver(h);
    this.schedule(this.pollMs);
    return () => {
      if (this.sink === sink) this.sink = null;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    };
  }

  private schedule(ms: number): void {
    if (this.closed || !this.sink || this.pollMs <= 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll('poll').catch((e: Error) => this.deliver({ kind: 'error', error: e }));
    }, ms);
  }

  /** One dump delivered as a snapshot; the next poll waits long enough to keep dumps cheap. */
  private poll(reason: 'poll' | 'refresh'): Promise<void> {
    if (this.polling) return this.polling;
    const takenAt = Date.now();
    const t0 = performance.now();
    this.polling = this.list(this.filter)
      .then((connections) => this.deliver({ kind: 'snapshot', connections, reason, takenAt }))
      .finally(() => {
        this.polling = null;
        this.schedule(Math.max(this.pollMs, (performance.now() - t0) / POLL_DUTY));
      });
    return this.polling;
  }

  /** Re-reads the table now; the result arrives as a snapshot with reason 'refresh'. */
  async refresh(): Promise<void> {
    if (this.closed) return;
    // a poll already under way would answer as 'poll'; wait for it, then dump afresh
    if (this.polling) await this.polling.catch(() => {});
    await this.poll('refresh');
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watch?.close();
    this.watch = null;
    this.sockets?.ct.close();
    this.sockets?.diag.close();
    this.sockets = null;
  }
}
