// cutter beside what an administrator would use instead — tcpkill (dsniff) and `conntrack -D` —
// in the lab (router between a client and a server), for one idle connection, one busy connection
// (bulk download at full speed) and 1,000 idle connections. Measured: which endpoints actually
// ended, and the time from the command's start to the moment both endpoints saw their reset (the
// endpoints' own clocks). Needs root; tcpkill is Debian's dsniff package.
import type { ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { toolArgv } from '../lab/host.js';
import { stopProcess } from '../lab/netns.js';
import { withLab, type Lab } from '../lab/topology.js';
import type { TcpConnections } from '../lab/traffic/tcp-connections.js';
import { machineLine, table, type BenchContext, type BenchModule } from './frame.js';
import { buildBundles } from './bundles.js';
import { join } from 'node:path';
import { median, peakRssOf, peakRssWrapper, readPeakRss } from './measure.js';

type Tool = 'cutter' | 'cutter --no-freeze' | 'tcpkill' | 'conntrack -D';
interface Situation {
  name: string;
  count: number;
  busy: false | 'download';
}

interface Outcome {
  /** cutter only: the longest per-connection cut time it reported (--json `ms`), excluding startup. */
  cutMs: number | null;
  /** Connections whose both ends were reset (or closed) within the window. */
  bothEnded: number;
  /** Connections where only one end noticed. */
  oneEnded: number;
  /** ms from the command's start until the last of those ends (null when none ended). */
  ms: number | null;
  /** How long the command itself ran (ms). */
  commandMs: number;
  /** The tool's peak resident memory (bytes), when measured. */
  peakRss: number | null;
}

const WINDOW_MS = 5000;

function ended(s: { state: string }): boolean {
  return s.state === 'reset' || s.state === 'closed' || s.state === 'error';
}

async function runTool(
  lab: Lab,
  tool: Tool,
  conns: TcpConnections,
  t0: number,
  rssFile: string,
): Promise<{ commandMs: number; cutMs: number | null; peakRss: number | null }> {
  const client = lab.client.ipv4;
  const port = String(conns.port);
  // GNU time starts the one-shot tools (its fork and exec, about a millisecond, count in their
  // time); tcpkill's peak is read from /proc before it is stopped
  const timeWrap = peakRssWrapper(rssFile);
  if (tool === 'cutter' || tool === 'cutter --no-freeze') {
    const args = [
      '--yes',
      '--json',
      ...(tool === 'cutter' ? [] : ['--no-freeze']),
      client,
      '0',
      lab.server.ipv4,
      port,
    ];
    const r = await lab.router.exec([...timeWrap, ...toolArgv('cutter'), ...args], {
      allowFail: true,
      timeoutMs: 120_000,
    });
    if (r.code !== 0 && r.code !== 1)
      throw new Error(`cutter exited ${r.code}: ${r.stderr.trim()}`);
    // the result lines carry `ms`; the summary and event lines do not
    const ms = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { ms?: unknown }).ms)
      .filter((x): x is number => typeof x === 'number');
    return {
      commandMs: Date.now() - t0,
      cutMs: ms.length ? Math.max(...ms) : null,
      peakRss: readPeakRss(rssFile),
    };
  }
  if (tool === 'conntrack -D') {
    await lab.router.exec(
      [...timeWrap, 'conntrack', '-D', '-p', 'tcp', '--orig-src', client, '--orig-port-dst', port],
      { allowFail: true },
    );
    return { commandMs: Date.now() - t0, cutMs: null, peakRss: readPeakRss(rssFile) };
  }
  // tcpkill watches the client-side bridge and answers every packet it sees with RSTs; it never
  // exits by itself, so it runs for the whole window
  const child: ChildProcess = lab.router.spawn([
    'tcpkill',
    '-i',
    'lan0',
    '-9',
    `host ${client} and port ${port}`,
  ]);
  await waitEnded(conns, WINDOW_MS);
  const peakRss = peakRssOf(child.pid);
  await stopProcess(child, 500);
  return { commandMs: Date.now() - t0, cutMs: null, peakRss };
}

async function waitEnded(conns: TcpConnections, ms: number): Promise<void> {
  await conns.waitFor((s) => ended(s.client) && ended(s.server), { timeoutMs: ms }).catch(() => {});
}

async function measure(tool: Tool, sit: Situation, rssFile: string): Promise<Outcome> {
  return withLab({}, async (lab) => {
    const conns = await lab.tcpConnections({
      from: lab.client,
      to: lab.server,
      count: sit.count,
      busy: sit.busy,
      timeoutMs: 60_000,
    });
    if (sit.busy) await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    const { commandMs, cutMs, peakRss } = await runTool(lab, tool, conns, t0, rssFile);
    await waitEnded(conns, Math.max(0, WINDOW_MS - (Date.now() - t0)));
    let both = 0;
    let one = 0;
    let last = 0;
    for (const c of conns) {
      const s = c.status();
      const a = ended(s.client);
      const b = ended(s.server);
      if (a && b) {
        both++;
        last = Math.max(last, s.client.endedAt!, s.server.endedAt!);
      } else if (a || b) one++;
    }
    await conns.stop();
    return {
      bothEnded: both,
      oneEnded: one,
      ms: both > 0 ? Math.max(0, last - t0) : null,
      commandMs,
      cutMs,
      peakRss,
    };
  });
}

export const bench: BenchModule = {
  name: 'cutter',
  async run(ctx: BenchContext) {
    buildBundles();
    const load = loadavg()[0];
    const many = ctx.quick ? 200 : 1000;
    const reps = ctx.quick ? 1 : 5;
    const situations: Situation[] = [
      { name: 'one idle connection', count: 1, busy: false },
      { name: 'one busy connection (bulk download)', count: 1, busy: 'download' },
      { name: `${many} idle connections`, count: many, busy: false },
    ];
    const tools: Tool[] = ['cutter', 'cutter --no-freeze', 'tcpkill', 'conntrack -D'];
    const rows: (string | number)[][] = [];
    for (const sit of situations) {
      for (const tool of tools) {
        const n = sit.count > 1 ? Math.min(reps, 2) : reps;
        const outs: Outcome[] = [];
        for (let i = 0; i < n; i++) {
          ctx.log(`cutter bench: ${tool} on ${sit.name} (${i + 1}/${n})`);
          outs.push(await measure(tool, sit, join(ctx.tmpDir, 'cutter-peak-rss')));
        }
        const times = outs
          .filter((o) => o.bothEnded === sit.count && o.ms !== null)
          .map((o) => o.ms!);
        const endedText = outs
          .map((o) => `${o.bothEnded}/${sit.count}${o.oneEnded ? ` (+${o.oneEnded} one end)` : ''}`)
          .join(', ');
        const cuts = outs.map((o) => o.cutMs).filter((x): x is number => x !== null);
        // tcpkill never ends by itself: it is stopped when the window closes
        const commandEnds = tool === 'tcpkill' ? [] : outs.map((o) => o.commandMs);
        const rss = outs.map((o) => o.peakRss).filter((x): x is number => x !== null);
        rows.push([
          sit.name,
          `\`${tool}\``,
          endedText,
          times.length ? `${median(times).toFixed(0)} ms` : '—',
          times.length
            ? `${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms`
            : '—',
          cuts.length ? `${median(cuts).toFixed(1)} ms` : '—',
          commandEnds.length ? `${median(commandEnds).toFixed(0)} ms` : '—',
          rss.length ? `${(Math.max(...rss) / 1e6).toFixed(1)} MB` : '—',
        ]);
      }
    }
    const markdown = [
      `Machine: ${machineLine()} (load average ${load.toFixed(1)} when the section started). Lab: client — router — server (network namespaces, veth, bridges); each`,
      `run gets a fresh lab. Every tool runs in the router. "Both ends reset" counts connections whose client`,
      `and server sockets both reported the end (ECONNRESET or a close) within ${WINDOW_MS / 1000} s of the command's`,
      `start; the time is from the command's start to the last such report, taken by the endpoints`,
      `themselves (includes starting Node for cutter). ${reps} runs per line for single connections, 2 for`,
      `${many}; median and range over the runs where every connection ended. "Cut itself" is what cutter`,
      `reports per connection (--json \`ms\`, the slowest connection of a run, median over runs): from the`,
      `first probe to both ends confirmed reset, without starting Node, reading conntrack and loading the rules.`,
      `"Command ends": from its start until it exited (median over all runs); cutter exits once every`,
      `reset is confirmed and its rules are removed, which comes after the resets themselves.`,
      `"Peak RSS": the largest over the runs (GNU time's maximum resident set size for cutter and conntrack,`,
      `which start through it; VmHWM just before it is stopped for tcpkill).`,
      '',
      table(
        [
          'situation',
          'tool',
          'both ends reset (per run)',
          'median',
          'range',
          'cut itself',
          'command ends',
          'peak RSS',
        ],
        rows,
      ),
      '',
      'tcpkill answers only the packets it sees, so idle connections survive it; `conntrack -D` removes',
      "the firewall's state but the endpoints never notice (with nf_conntrack_tcp_loose=1 the next packet",
      'recreates the entry). cutter\'s wall-clock time is mostly starting Node; see "cut itself".',
    ].join('\n');
    return { title: 'cutter: ending connections (vs tcpkill, conntrack -D)', markdown };
  },
};
