// The metrics of `rope run --share` (registered only when sharing, so the metrics of a rope run
// without --share stay as they were): what went to Redis, what came from it, what could not be
// sent, connection losses, and whether the share is connected now.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ShareCounters } from '../tables/redis-share.js';

export interface ShareScrape {
  counters: ShareCounters;
  connected: boolean;
}

export class ShareMetrics {
  private readonly changes: Counter<'direction'>;
  private readonly losses: Counter;
  private readonly connected: Gauge;

  constructor(registry: Registry) {
    this.changes = new Counter({
      name: 'rope_share_changes_total',
      help: 'Table changes shared through Redis: written and announced (out), applied from other gateways (in), not written because Redis was unreachable (unsent)',
      labelNames: ['direction'],
      registers: [registry],
    });
    this.losses = new Counter({
      name: 'rope_share_losses_total',
      help: 'Times the connection to Redis was lost',
      registers: [registry],
    });
    this.connected = new Gauge({
      name: 'rope_share_connected',
      help: '1 while connected to Redis and resynchronised, else 0',
      registers: [registry],
    });
  }

  update(s: ShareScrape): void {
    this.changes.reset();
    this.changes.inc({ direction: 'out' }, s.counters.published);
    this.changes.inc({ direction: 'in' }, s.counters.applied + s.counters.resyncRead);
    this.changes.inc({ direction: 'unsent' }, s.counters.unpublished);
    this.losses.reset();
    this.losses.inc(s.counters.losses);
    this.connected.set(s.connected ? 1 : 0);
  }
}
