// cut(): ends the given connections and reports per connection. Each connection goes to the first
// method that is for its kind (methods/): forwarded TCP to forged RSTs, TCP ending on this machine
// to SOCK_DESTROY, other protocols to the conntrack drop, which skips them unless asked for
// (--drop-udp). What the methods share is opened once — the conntrack socket, and for those that
// forge packets the raw sockets and the NFLOG capture — and every temporary rule they need goes
// into one firewall transaction, removed at the end, on SIGINT/SIGTERM and on uncaught errors.
import { performance } from 'node:perf_hooks';
import { TemporaryFirewall, type DropGroup, type FlowMatch } from '@p2pwall/core/firewall';
import { Conntrack } from '@p2pwall/core/netlink';
import type { Connection } from '../find/connection.js';
import { alreadyClosing } from './closing.js';
import { conntrackDrop } from './methods/conntrack-drop.js';
import { forgedRst } from './methods/forged-rst.js';
import type { CutContext, CutSettings, Method } from './methods/method.js';
import { sockDestroy } from './methods/sock-destroy.js';
import { DEFAULT_INJECT_MARK, RULE_OWNER, sessionOptions, type CutOptions } from './options.js';
import { RawPacketPath } from './packet-path.js';
import type { CutResult } from './result.js';

/** The methods, in the order they are asked (and their rules installed and runs started). */
export const METHODS: readonly Method[] = [forgedRst, sockDestroy, conntrackDrop];

/**
 * Each method with the connections it is to end, in METHODS order; the rest reported closing (on
 * their way out already) or skipped (no method can end them).
 */
function choose(
  connections: readonly Connection[],
  options: CutOptions,
  report: (r: CutResult) => void,
): [Method, Connection[]][] {
  const chosen = new Map<Method, Connection[]>();
  for (const c of connections) {
    const closing = alreadyClosing(c);
    if (closing !== null) {
      report({ connection: c, result: 'closing', reason: closing, ms: 0 });
      continue;
    }
    // every connection is of some method's kind: TCP forwarded or local, or another protocol
    const method = METHODS.find((m) => m.covers(c))!;
    const why = c.uncuttable ? c.uncuttable : method.whyNot(c, options);
    if (why !== null) {
      report({ connection: c, result: 'skipped', reason: why, ms: 0 });
      continue;
    }
    const list = chosen.get(method);
    if (list) list.push(c);
    else chosen.set(method, [c]);
  }
  return METHODS.filter((m) => chosen.has(m)).map((m) => [m, chosen.get(m)!]);
}

/** Every method's rules as one transaction's initial flows. */
function initialFlows(
  plan: readonly [Method, Connection[]][],
  settings: CutSettings,
): { log: FlowMatch[]; dropGroups: DropGroup[] } {
  const log: FlowMatch[] = [];
  const dropGroups: DropGroup[] = [];
  for (const [method, connections] of plan) {
    const rules = method.rules(connections, settings);
    if (rules.log) log.push(...rules.log);
    if (rules.drop) dropGroups.push(rules.drop);
  }
  return { log, dropGroups };
}

/** Ends `connections`; resolves with one result per connection, in the order given. */
export async function cut(
  connections: Connection[],
  options: CutOptions = {},
): Promise<CutResult[]> {
  const t0 = performance.now();
  const traceLine = options.session?.trace;
  const trace = traceLine
    ? (what: string) =>
        traceLine(`${(performance.now() - t0).toFixed(2).padStart(8)} ms cut: ${what}`)
    : null;
  const results = new Map<Connection, CutResult>();
  const report = (r: CutResult) => {
    results.set(r.connection, r);
    options.onResult?.(r);
  };

  const plan = choose(connections, options, report);
  const settings: CutSettings = { options, session: sessionOptions(options) };
  const mark = options.injectMark ?? DEFAULT_INJECT_MARK;

  let fw: TemporaryFirewall | null = null;
  let packets: RawPacketPath | null = null;
  const conntrack = plan.length > 0 ? Conntrack.open() : null;
  // fires on the caller's abort and when the cut ends, however it ends: methods stop on it
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort);
  try {
    const forged = plan.filter(([m]) => m.forgesPackets).flatMap(([, list]) => list);
    if (forged.length > 0) {
      packets = await RawPacketPath.open(
        new Set(forged.map((c) => c.family)),
        mark,
        options.logGroup ?? 48000 + (process.pid % 1000),
      );
      trace?.(`NFLOG group ${packets.capture.group} bound`);
    }
    if (plan.length > 0) {
      fw = await TemporaryFirewall.install(
        {
          owner: RULE_OWNER,
          ...(packets ? { logGroup: packets.capture.group, snaplen: 80 } : {}),
          notrackMark: mark,
          ...(options.firewall ? { backend: options.firewall } : {}),
        },
        initialFlows(plan, settings),
      );
      trace?.(`temporary ${fw.kind} rules in place`);
    }
    options.onReady?.({ firewall: fw?.kind ?? null, logGroup: packets?.capture.group ?? null });
    if (options.signal?.aborted) throw new Error('interrupted');

    const ctx: CutContext = {
      ...settings,
      t0,
      conntrack: conntrack!,
      packets,
      stop: stop.signal,
      report,
    };
    await Promise.all(plan.map(([method, list]) => method.run(list, ctx)));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await packets?.close();
    await fw?.remove().catch(() => {});
    conntrack?.close();
  }
  return connections.map(
    (c) =>
      results.get(c) ?? {
        connection: c,
        result: 'failed',
        reason: 'interrupted',
        ms: performance.now() - t0,
      },
  );
}
