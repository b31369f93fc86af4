// What `rope run --metrics` exports, in the Prometheus text format (prom-client): the counters of
// every thread, merged, read when Prometheus scrapes — nothing is kept twice. Every metric is a
// real count of rope run's (or the kernel's, for the queue drops); the names and labels are listed
// in docs/deploy.md and docs/rope-run.md.
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { LATENCY_BOUNDS, NO_LABEL, VERDICTS, type HostDetail } from './queue-metrics.js';
import { EnforceMetrics } from './enforce-metrics.js';
import { ShareMetrics, type ShareScrape } from './share-metrics.js';
import type { LiveSnapshot } from './stats.js';

export interface Scrape {
  snapshot: LiveSnapshot;
  detail: HostDetail;
  /** With --share: its counters. */
  share?: ShareScrape | null;
}

/**
 * The sampled verdict-time histogram. prom-client's Histogram takes one observation at a time;
 * these counts are made per packet in a typed array of another thread, so this metric hands the
 * registry the finished buckets (the registry reads any object with `get()`).
 */
class LatencyHistogram {
  readonly name = 'rope_verdict_latency_seconds';
  readonly help =
    'Time from a queued packet reaching rope to its verdict being set (one packet in 16 is timed; the batched send and the kernel queue are not included)';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  latency: HostDetail['latency'] = { counts: [], sum: 0, count: 0 };

  get() {
    let cumulative = 0;
    const values = LATENCY_BOUNDS.map((le, i) => {
      cumulative += this.latency.counts[i] ?? 0;
      return { metricName: `${this.name}_bucket`, labels: { le }, value: cumulative };
    });
    values.push({
      metricName: `${this.name}_bucket`,
      labels: { le: '+Inf' as unknown as number },
      value: this.latency.count,
    });
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [
        ...values,
        { metricName: `${this.name}_sum`, labels: {}, value: this.latency.sum },
        { metricName: `${this.name}_count`, labels: {}, value: this.latency.count },
      ],
    };
  }
}

export class RopeMetrics {
  readonly registry = new Registry();
  private readonly packets = this.counter(
    'rope_packets_total',
    'Queued packets by queue, by the script whose label decided them ("none": no script did) and by verdict (mark: accepted with a mark)',
    ['queue', 'label', 'verdict'],
  );
  private readonly flows = this.counter(
    'rope_flows_total',
    'Flows whose first packet reached rope, by queue',
    ['queue'],
  );
  private readonly labelled = this.counter(
    'rope_flows_labelled_total',
    'Flows a script labelled, by queue and script',
    ['queue', 'label'],
  );
  private readonly active = new Gauge({
    name: 'rope_flows_active',
    help: "Flows in rope's flow tables now",
    registers: [this.registry],
  });
  private readonly runs = this.counter('rope_script_runs_total', 'Packets each script ran on', [
    'script',
  ]);
  private readonly gaveUp = this.counter(
    'rope_script_gave_up_flows_total',
    'Flows a script gave up on with never (it ran on none of their later packets)',
    ['script'],
  );
  private readonly errors = this.counter(
    'rope_script_errors_total',
    'Script runs that ended with FAIL or HOTDROP',
    ['script'],
  );
  private readonly dropped = this.counter(
    'rope_queue_dropped_total',
    'Packets the kernel dropped (or passed unchecked, with --fail-open) because the queue (queue_full) or the socket buffer (socket_full) was full, from /proc/net/netfilter/nfnetlink_queue',
    ['queue', 'reason'],
  );
  private readonly overruns = this.counter(
    'rope_queue_overruns_total',
    "Times the socket's receive buffer was seen overflowing (ENOBUFS)",
    ['queue'],
  );
  private readonly handlerErrors = this.counter(
    'rope_queue_errors_total',
    'Packets whose handler threw (they got --default) and verdicts the kernel refused, by queue',
    ['queue', 'kind'],
  );
  private readonly waiting = new Gauge({
    name: 'rope_queue_waiting',
    help: 'Packets the kernel holds waiting for a verdict, by queue',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  private readonly latency = new LatencyHistogram();
  private readonly enforcement = new EnforceMetrics(this.registry);
  private share: ShareMetrics | null = null;

  constructor() {
    this.registry.registerMetric(this.latency as unknown as Metric);
    // the process's own: CPU, memory, event-loop lag, open file descriptors
    collectDefaultMetrics({ register: this.registry });
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** Sets every metric from the merged counters of a scrape. */
  update({ snapshot, detail, share }: Scrape): void {
    if (share) (this.share ??= new ShareMetrics(this.registry)).update(share);
    for (const m of [
      this.packets,
      this.flows,
      this.labelled,
      this.runs,
      this.gaveUp,
      this.errors,
      this.dropped,
      this.overruns,
      this.handlerErrors,
    ] as Counter<string>[])
      m.reset();
    this.waiting.reset();
    const labels = [NO_LABEL, ...detail.labels];
    for (const q of detail.queues) {
      const queue = String(q.queue);
      labels.forEach((label, l) =>
        VERDICTS.forEach((verdict, v) =>
          this.packets.inc({ queue, label, verdict }, q.packets[l * VERDICTS.length + v] ?? 0),
        ),
      );
      this.flows.inc({ queue }, q.flows);
      detail.labels.forEach((label, l) => this.labelled.inc({ queue, label }, q.labelled[l] ?? 0));
    }
    this.active.set(snapshot.totals.activeFlows);
    for (const g of snapshot.groups) {
      // groups that share a script add up under its name
      this.runs.inc({ script: g.script }, g.runs);
      this.gaveUp.inc({ script: g.script }, g.gaveUp);
      this.errors.inc({ script: g.script }, g.errors);
    }
    for (const q of snapshot.queues) {
      const queue = String(q.queue);
      this.dropped.inc({ queue, reason: 'queue_full' }, q.queueDropped);
      this.dropped.inc({ queue, reason: 'socket_full' }, q.userDropped);
      this.overruns.inc({ queue }, q.overruns);
      this.handlerErrors.inc({ queue, kind: 'handler' }, q.handlerErrors);
      this.handlerErrors.inc({ queue, kind: 'verdict' }, q.verdictErrors);
      this.waiting.set({ queue }, q.waiting);
    }
    this.latency.latency = detail.latency;
    this.enforcement.update(snapshot.enforcement);
  }

  /** The text Prometheus reads. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
