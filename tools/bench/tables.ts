// Tables across queues (issue #13: "a key added while serving one queue is seen by the workers of
// every other queue within 10 ms"): table-propagation.ts runs rope run's own path — one worker
// thread per queue engine, their table mesh, the main thread's TableHub — with every
// engine handling packets back to back, and reports how long each learned key took to reach the
// other engines. No peer tool keeps memory shared across queues (IPP2P and l7-filter keep none;
// nDPI's caches are per process), so the section compares the configurations of rope run itself.
import { loadavg } from 'node:os';
import { machineLine, table, type BenchModule } from './frame.js';
import { measurePropagation, quantile, type PropagationOptions } from './table-propagation.js';

const ms = (v: number) => `${v.toFixed(1)} ms`;

export const bench: BenchModule = {
  name: 'tables',
  async run(ctx) {
    const title = 'Tables across queues (rope run --queue-balance)';
    const probes = ctx.quick ? 30 : 200;
    const loadAverage = loadavg()[0];
    // each configuration with the mesh (rope run today) and through the hub only (before it),
    // alternating, ROUNDS times, the latencies of a mode pooled: the machine's load drifts
    const rounds = ctx.quick ? 1 : 3;
    const cases: [string, PropagationOptions][] = [
      ['2 queues, each busy (bursts of 32 back to back)', { engines: 2 }],
      ['4 queues, each busy', { engines: 4 }],
      ['2 queues, a 2 ms pause between bursts', { engines: 2, paceMs: 2 }],
    ];
    const rows: (string | number)[][] = [];
    for (const [name, o] of cases) {
      const pooled = new Map<boolean, { l: number[]; hub: number[]; packets: number; s: number }>();
      for (let i = 0; i < rounds; i++)
        for (const mesh of [true, false]) {
          ctx.log(`table propagation: ${name}, ${mesh ? 'mesh' : 'hub only'}, round ${i + 1}`);
          const r = await measurePropagation({ ...o, mesh, probes, probeEveryMs: 10 });
          if (r.seenWithKey !== r.expected || r.inReplica !== r.added)
            throw new Error(
              `table propagation (${name}): ${r.seenWithKey} of ${r.expected} arrivals, ${r.inReplica} of ${r.added} probes in the replica`,
            );
          const p = pooled.get(mesh) ?? { l: [], hub: [], packets: 0, s: 0 };
          p.l.push(...r.latenciesMs);
          p.hub.push(...r.toHubMs);
          p.packets += r.packets;
          p.s += r.seconds;
          pooled.set(mesh, p);
        }
      for (const mesh of [true, false]) {
        const p = pooled.get(mesh)!;
        rows.push([
          name,
          mesh ? 'engine to engine (rope run)' : 'through the main thread only',
          `${Math.round(p.packets / p.s / 1000)} k/s`,
          p.l.length,
          ms(quantile(p.l, 0.5)),
          ms(quantile(p.l, 0.99)),
          ms(Math.max(...p.l)),
          `${ms(quantile(p.hub, 0.5))} / ${ms(quantile(p.hub, 0.99))}`,
        ]);
      }
    }
    const markdown =
      `${machineLine()} (load average ${loadAverage.toFixed(1)} when the section started: on a machine shared with other work the figures are mostly the scheduler's). ` +
      `\`npm run bench -- tables\` (tools/bench/table-propagation.ts): one worker thread per queue engine as \`rope run --queue-balance\` runs them (a Decider with the bittorrent and gnutella scripts and a probe script, the engine's tables, TableSync), the main thread's RunTables and TableHub (the replica --state saves, the kernel sets, --share), the \`tables\` messages over the workers' MessagePorts. Instead of NFQUEUE each engine is handed bursts of 32 packets (what NfQueue reads per poll callback), each the first of a new UDP flow; every 10 ms one packet mid-burst is a probe whose source endpoint the probe script adds to a table. ` +
      `Latency: from the end of the probe packet's handling in its engine to the moment another engine has applied the batch holding it (one clock for all threads); every arrival of every probe counts, ${probes} probes per engine and run, ${rounds} runs per mode, the modes alternating. "engine to engine": the engines send each other their batches over a MessageChannel per pair (table-mesh.ts), as rope run does; "through the main thread only": the hub relays them, as before. "to the hub": until the main thread had the batch (the replica --state saves, the kernel sets, --share).\n\n` +
      table(
        [
          'engines and load',
          'path',
          'packets (all engines)',
          'arrivals',
          'p50',
          'p99',
          'max',
          'to the hub p50 / p99',
        ],
        rows,
      );
    return { title, markdown };
  },
};
