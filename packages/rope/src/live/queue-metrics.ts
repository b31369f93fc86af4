// Counters of one thread of `rope run` that the Decider's own do not keep, for `--metrics`:
// packets by queue, deciding script and verdict; flows opened and flows labelled, by queue; and a
// histogram of the time a verdict takes, sampled. Typed arrays bumped per packet (nothing is
// allocated); copied into plain arrays (a HostDetail) only when Prometheus scrapes, which is also
// what crosses from a worker thread to the main one.

/** The verdict label: accept, drop, or accept with a mark. */
export const VERDICTS = ['accept', 'drop', 'mark'] as const;
export const V_ACCEPT = 0;
export const V_DROP = 1;
export const V_MARK = 2;

/** The label of packets and flows no script labelled. */
export const NO_LABEL = 'none';

/**
 * Upper bounds (seconds) of the verdict-time histogram: a classified flow's packet takes 1–2 µs,
 * a script run on a new flow's packet about 12 µs, a slow script or a GC pause milliseconds.
 */
export const LATENCY_BOUNDS = [
  1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 1e-2, 1e-1,
];
/** One packet in this many is timed (two clock reads per timed packet). */
export const LATENCY_SAMPLE = 16;

export interface QueueDetail {
  queue: number;
  /** Indexed (label * VERDICTS.length + verdict); label 0 is NO_LABEL, then HostDetail.labels. */
  packets: number[];
  /** Flows whose first packet reached this queue. */
  flows: number;
  /** Flows labelled, per HostDetail.labels entry. */
  labelled: number[];
}

export interface HostDetail {
  /** The scripts' names, each once, in the order of their first group. */
  labels: string[];
  queues: QueueDetail[];
  /** Non-cumulative counts per LATENCY_BOUNDS entry, and one past the last bound. */
  latency: { counts: number[]; sum: number; count: number };
}

export class QueueMetrics {
  /** Script name per label index (label 0 is NO_LABEL). */
  readonly labels: string[];
  /** Label index of each group (+1: index 0 is NO_LABEL). */
  private readonly labelOfGroup: Int32Array;
  private readonly labelByName = new Map<string, number>();
  private readonly packets: Float64Array;
  private readonly flows: Float64Array;
  private readonly labelled: Float64Array;
  private readonly latencyCounts = new Float64Array(LATENCY_BOUNDS.length + 1);
  private latencySum = 0;
  private latencyCount = 0;
  private readonly width: number;

  constructor(
    private readonly queues: readonly number[],
    groupScripts: readonly string[],
  ) {
    this.labels = [];
    this.labelOfGroup = new Int32Array(groupScripts.length);
    groupScripts.forEach((name, g) => {
      let i = this.labelByName.get(name);
      if (i === undefined) {
        i = this.labels.push(name);
        this.labelByName.set(name, i);
      }
      this.labelOfGroup[g] = i;
    });
    this.width = (this.labels.length + 1) * VERDICTS.length;
    this.packets = new Float64Array(queues.length * this.width);
    this.flows = new Float64Array(queues.length);
    this.labelled = new Float64Array(queues.length * (this.labels.length + 1));
  }

  /** A packet of queue index `q` got `verdict` (V_*), decided by group `group` (-1: none). */
  packet(q: number, group: number, verdict: number, newFlow: boolean): void {
    const label = group < 0 ? 0 : this.labelOfGroup[group];
    this.packets[q * this.width + label * VERDICTS.length + verdict]++;
    if (newFlow) this.flows[q]++;
  }

  /** A script labelled a flow of queue index `q` (per flow, not per packet). */
  labelledFlow(q: number, script: string): void {
    const label = this.labelByName.get(script);
    if (label !== undefined) this.labelled[q * (this.labels.length + 1) + label]++;
  }

  /** One timed verdict. */
  latency(seconds: number): void {
    let i = 0;
    while (i < LATENCY_BOUNDS.length && seconds > LATENCY_BOUNDS[i]) i++;
    this.latencyCounts[i]++;
    this.latencySum += seconds;
    this.latencyCount++;
  }

  detail(): HostDetail {
    const n = this.labels.length + 1;
    return {
      labels: [...this.labels],
      queues: this.queues.map((queue, q) => ({
        queue,
        packets: Array.from(this.packets.subarray(q * this.width, (q + 1) * this.width)),
        flows: this.flows[q],
        // index 0 (no label) is never counted: a flow without a label was not labelled
        labelled: Array.from(this.labelled.subarray(q * n + 1, (q + 1) * n)),
      })),
      latency: {
        counts: Array.from(this.latencyCounts),
        sum: this.latencySum,
        count: this.latencyCount,
      },
    };
  }
}

/** The details of several threads (each serves its own queues; same groups in each). */
export function mergeDetails(parts: readonly HostDetail[]): HostDetail {
  const counts = new Array<number>(LATENCY_BOUNDS.length + 1).fill(0);
  let sum = 0;
  let count = 0;
  for (const p of parts) {
    p.latency.counts.forEach((c, i) => (counts[i] += c));
    sum += p.latency.sum;
    count += p.latency.count;
  }
  return {
    labels: parts[0]?.labels ?? [],
    queues: parts.flatMap((p) => p.queues).sort((a, b) => a.queue - b.queue),
    latency: { counts, sum, count },
  };
}
