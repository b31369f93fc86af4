// The nfqueue bench's report (nfqueue.ts measures): what each consumer counted, and the
// markdown of the section, its tables and the ratios of issue #16 from one run's figures.
import { machineLine, rate, table, type BenchContext } from './frame.js';

/** A consumer's own counters, as it prints them (JSON lines). */
export type Json = Record<string, number>;

export interface Latency {
  p50: number;
  p99: number;
  lost: number;
}

export interface EngineFigures {
  engine: string;
  newFlows: { sent: number; delivered: number; queueFull: number | null; perQueue: number[] };
  longFlow: { sent: number; delivered: number };
  latency: Latency;
  /** Under a background of new flows instead of one long flow. */
  latencyNewFlows: Latency;
  /** rope run offered new flows at the C loop's delivered rate. */
  atCRate?: { sent: number; delivered: number; queueFull: number };
  tcp: { mbps: number; ok: boolean };
  /** What the consumer itself counted. */
  own: string;
  /** The consumer's peak resident memory over all its runs (bytes), null without one. */
  peakRss: number | null;
}

/** One scenario of the JavaScript path without the kernel (nfqueue-js-path.ts). */
export interface JsPathRow {
  scenario: string;
  nsPerPacket: number;
  bytesPerPacket: number | null;
  scriptRuns: number;
  packets: number;
}

export function describeOwn(o: Json & { totals?: Json; groups?: Json[]; queues?: Json[] }): string {
  if (o.totals && o.queues) {
    // every queue the consumer bound (two with --queue-balance), each on its own
    const queues = o.queues
      .map(
        (q) =>
          `${o.queues!.length > 1 ? `queue ${q.queue}: ${q.packets ?? 0} packets, ` : ''}${q.batchMessages ?? 0} batch + ${q.singleMessages ?? 0} single verdict messages, queue full ${q.queueDropped ?? 0}, socket full ${q.userDropped ?? 0}`,
      )
      .join('; ');
    return `${o.totals.packets} packets, ${queues}, matches ${(o.groups ?? []).reduce((n, g) => n + g.matches, 0)}`;
  }
  if (o.packets !== undefined)
    return `${o.packets} packets${o.batches ? `, ${o.batches} batch verdicts` : ''}, ENOBUFS ${o.overruns}`;
  return '—';
}

export function render(
  ctx: BenchContext,
  f: EngineFigures[],
  js: JsPathRow[],
  secs: number,
  probes: number,
  loadAverage: number,
  /** How many client addresses the new-flow floods come from. */
  floodSources: number,
): string {
  const base = f[0];
  const us = (x: number) => `${x.toFixed(0)} µs`;
  const added = (x: number, b: number) =>
    x - b >= 0 ? `+${(x - b).toFixed(0)}` : (x - b).toFixed(0);
  const rows = f.map((e) => [
    e.engine,
    rate(e.newFlows.delivered),
    e.newFlows.queueFull === null ? '—' : e.newFlows.queueFull,
    rate(e.longFlow.delivered),
    `${us(e.latency.p50)} (${e === base ? '—' : added(e.latency.p50, base.latency.p50)})`,
    `${us(e.latency.p99)} (${e === base ? '—' : added(e.latency.p99, base.latency.p99)})`,
    `${us(e.latencyNewFlows.p99)} (${e === base ? '—' : added(e.latencyNewFlows.p99, base.latencyNewFlows.p99)})`,
    e.latency.lost + e.latencyNewFlows.lost,
    e.tcp.ok ? `${e.tcp.mbps.toFixed(0)} Mbit/s` : 'failed',
    e.peakRss === null ? '—' : `${(e.peakRss / 1e6).toFixed(0)} MB`,
  ]);
  const c = f.find((e) => e.engine.startsWith('C: libnetfilter_queue, a verdict per packet'));
  const one = f.find((e) => e.engine === 'rope run, 3 built-in scripts');
  const two = f.find((e) => e.engine.startsWith('rope run --queue-balance'));
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const shares = (n: number[]) => {
    const all = n.reduce((a, b) => a + b, 0);
    return all === 0
      ? '(no packet queued)'
      : n.map((k) => `${Math.round((100 * k) / all)} %`).join(' / ');
  };
  const ratios: string[] = [];
  if (c && one) {
    ratios.push(
      `- rope run vs the C loop (a verdict per packet), new flows: ${x(one.newFlows.delivered, c.newFlows.delivered)} (${rate(one.newFlows.delivered)} vs ${rate(c.newFlows.delivered)}; target ≥ 1.0×).`,
    );
    if (one.atCRate)
      ratios.push(
        `- rope run offered new flows at the C loop's rate (${rate(one.atCRate.sent)} sent): ${rate(one.atCRate.delivered)} delivered, queue full ${one.atCRate.queueFull} (target 0).`,
      );
    ratios.push(
      `- RTT p99 added vs the kernel alone: rope run ${added(one.latency.p99, base.latency.p99)} µs with a long flow behind, ${added(one.latencyNewFlows.p99, base.latencyNewFlows.p99)} µs with new flows behind; the C loop ${added(c.latency.p99, base.latency.p99)} / ${added(c.latencyNewFlows.p99, base.latencyNewFlows.p99)} µs (target ≤ +150 µs).`,
    );
  }
  const pkg = f.find((e) => e.engine.endsWith('P2PWALL_DIRECT_IO=0'));
  if (one && pkg)
    ratios.push(
      `- rope run reading with recvmmsg vs through the \`netlink\` package (P2PWALL_DIRECT_IO=0): new flows ${x(one.newFlows.delivered, pkg.newFlows.delivered)}, one flow ${x(one.longFlow.delivered, pkg.longFlow.delivered)}, RTT p99 ${us(one.latency.p99)} vs ${us(pkg.latency.p99)}.`,
    );
  if (one && two)
    ratios.push(
      `- \`--queue-balance 0:1\` vs one queue, new flows: ${x(two.newFlows.delivered, one.newFlows.delivered)} (${rate(two.newFlows.delivered)} vs ${rate(one.newFlows.delivered)}; target ≥ 1.7×)${two.atCRate ? `; at the C loop's rate: ${rate(two.atCRate.delivered)} delivered, queue full ${two.atCRate.queueFull}` : ''}. The kernel spread the flood's packets ${shares(two.newFlows.perQueue)} over queues 0 and 1.`,
    );
  return [
    `Machine: ${machineLine()} (load average ${loadAverage.toFixed(1)} when the section started). Lab: client — router — server in network namespaces, veth links;`,
    `everything (traffic generator, router, consumer, receiver) shares the same CPUs. The router queues`,
    `all it forwards (mangle FORWARD, \`rope rules --iptables\`); both consumers use the GSO flag and a`,
    `4096-packet queue. UDP datagrams carry 100 bytes; the flood runs ${secs} s at the generator's full`,
    `speed and the figure is what reached the receiver. "New flows": a new source port every 2`,
    `datagrams, so every packet is inside the inspection window and rope runs all three scripts on it,`,
    `the flows sent from ${floodSources} client addresses in turn, as a gateway's hosts send them (the kernel's`,
    `--queue-balance hashes the address pair: one pair of hosts would fill one queue, as it did in this`,
    `bench before 2026-12-06);`,
    `"queue full": packets the kernel dropped during that flood because the queue or the consumer's`,
    `socket was full (/proc/net/netfilter/nfnetlink_queue). "One flow": a single flow, past the window`,
    `after 10 packets. Latency: ${probes} UDP echo probes at 1000/s through the queue both ways, with`,
    `10 k packets/s of background traffic — one long flow, or new flows (a new one every 2 datagrams);`,
    `in brackets the difference to the kernel alone. TCP: one curl download through the queue. rope's`,
    `scripts keep the action accept, so a match changes nothing and every packet takes the queue, as`,
    `with the C loop. The balanced row queues with \`--queue-balance 0:1\` (flows spread by hash).`,
    `Peak RSS: the consumer's VmHWM after all of its runs (floods, latency, download), read just before it stops.`,
    '',
    table(
      [
        'consumer',
        'pps, new flows',
        'queue full',
        'pps, one flow',
        'RTT p50',
        'RTT p99',
        'RTT p99, new flows behind',
        'probes lost',
        'TCP download',
        'peak RSS',
      ],
      rows,
    ),
    '',
    'Ratios, from this run:',
    '',
    ...ratios,
    '',
    'What each consumer counted: ' +
      f
        .filter((e) => e.own !== '—')
        .map((e) => `${e.engine}: ${e.own}`)
        .join('; ') +
      '.',
    '',
    'The JavaScript share, without the kernel: recorded-format packet messages through NfQueue',
    '(decode, Decider with the three built-in scripts, verdicts staged and written once per run of 16',
    'packets as recvmmsg hands them over, a turn of the event loop every 256) over a fake socket.',
    'Bytes allocated per packet are measured with a young generation large enough that no collection',
    'runs; with one flow they are the per-turn costs spread over its packets — the per-packet path',
    'itself allocates nothing; with new flows, the flow state the classifier keeps for each flow.',
    '`udp-new-flows-learned` is the same traffic once bittorrent.rope has learned peers (its marker',
    'key and 100 peers in `bt-peers`, as after any tracker answer or DHT reply): each windowed packet',
    'then looks in the tables.',
    '',
    table(
      ['traffic', 'ns per packet', 'bytes allocated per packet', 'script runs per packet'],
      js.map((j) => [
        j.scenario,
        j.nsPerPacket.toFixed(0),
        j.bytesPerPacket === null
          ? 'n/a (a GC ran: new flows allocate their flow state)'
          : j.bytesPerPacket.toFixed(1),
        (j.scriptRuns / j.packets).toFixed(2),
      ]),
    ),
    ctx.quick ? '\n_Quick mode: shorter runs, figures are rough._' : '',
  ].join('\n');
}
