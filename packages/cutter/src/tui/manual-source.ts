// A connection source fed by its owner instead of the kernel: for embedding the view over
// connections found some other way (a saved --list --json, another machine), and for tests.
import type { ConntrackEventType } from '@p2pwall/core/netlink';
import type { Connection } from '../find/connection.js';
import type { ConnectionSource, SourceSink } from './ports.js';

export class ManualConnections implements ConnectionSource {
  private sink: SourceSink | null = null;
  private table = new Map<string, Connection>();
  /** How often the view asked for a refresh. */
  refreshes = 0;

  constructor(initial: Connection[] = []) {
    for (const c of initial) this.table.set(c.key, c);
  }

  subscribe(sink: SourceSink): () => void {
    this.sink = sink;
    sink.snapshot([...this.table.values()], 'initial');
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }

  /** Answers with the current table. */
  async refresh(): Promise<void> {
    this.refreshes++;
    this.sink?.snapshot([...this.table.values()], 'refresh');
  }

  /** Reports a change, as the kernel would. */
  event(type: ConntrackEventType, c: Connection): void {
    if (type === 'destroy') this.table.delete(c.key);
    else this.table.set(c.key, c);
    this.sink?.event(type, c);
  }

  error(e: Error): void {
    this.sink?.error(e);
  }
}
