// cut(): ends the given connections and reports per connection. Forwarded TCP connections get
// forged RSTs (session.ts) with their endpoints' packets copied here by temporary NFLOG rules;
// connections ending on this machine get SOCK_DESTROY plus a check of the remote end; UDP and other
// protocols are skipped, or with dropUdp their entries deleted and their tuples blocked a while.
// Every temporary rule is removed at the end, on SIGINT/SIGTERM and on uncaught errors.
import { performance } from 'node:perf_hooks';
import { IPPROTO_TCP, IPPROTO_UDP } from '@p2pwall/core';
import { TemporaryFirewall, type BackendKind, type FlowMatch } from '@p2pwall/core/firewall';
import { Conntrack, NetlinkError, SockDiag } from '@p2pwall/core/netlink';
import { hasPorts, type Connection } from '../find/connection.js';
import { LocalSockets } from '../find/local-sockets.js';
import { EndpointCapture } from './capture.js';
import { Injectors } from './injector.js';
import { Pacer } from './pacer.js';
import type { CutResult } from './result.js';
import { CutSession, DEFAULT_SESSION_OPTIONS, type SessionOptions } from './session.js';

/** skb mark of forged packets ("cutt"); the temporary notrack rule matches it. */
export const DEFAULT_INJECT_MARK = 0x63757474;
export const RULE_OWNER = 'p2pwall-cutter';

export interface CutOptions {
  /** Per connection, ms (default 5000). */
  timeoutMs?: number;
  /**
   * Drop the connection's packets at this machine while cutting, so sequence numbers stop moving
   * (default true: see docs/cutter.md for the measurements behind it).
   */
  freeze?: boolean;
  /** Also open with a bare-ACK probe to the initiator (default true). */
  initiatorAckProbe?: boolean;
  /** UDP, UDP-Lite, SCTP and DCCP flows: delete their conntrack entries and block their tuples. */
  dropUdp?: boolean;
  /** How long to block dropped UDP tuples, seconds (default 60). cut() resolves after the block ends. */
  blockSeconds?: number;
  /** Delete each cut connection's conntrack entry (by CTA_ID) afterwards (default true). */
  deleteEntries?: boolean;
  /** nft or iptables for the temporary rules (default: nft when usable). */
  firewall?: BackendKind;
  /** First NFLOG group to try (default 48000 + pid % 1000). */
  logGroup?: number;
  /** skb mark of forged packets. */
  injectMark?: number;
  /** Called as each connection's outcome is known (before cut() resolves). */
  onResult?(r: CutResult): void;
  /** Called once the temporary rules are in place (for progress displays). */
  onReady?(info: { firewall: BackendKind | null; logGroup: number | null }): void;
  /** Abort: remaining connections fail with "interrupted", rules are removed. */
  signal?: AbortSignal;
  /** Fine-tuning of the probe schedule (tests and benchmarks). */
  session?: Partial<SessionOptions>;
}

const CLOSED_STATES = new Set(['TIME_WAIT', 'CLOSE']);

function skip(c: Connection, reason: string): CutResult {
  return { connection: c, result: 'skipped', reason, ms: 0 };
}

function flowMatches(c: Connection): FlowMatch[] {
  const o = c.entry.orig;
  const r = c.entry.reply;
  return [
    { proto: o.proto, src: o.src, srcPort: o.srcPort ?? 0, dst: o.dst, dstPort: o.dstPort ?? 0 },
    { proto: r.proto, src: r.src, srcPort: r.srcPort ?? 0, dst: r.dst, dstPort: r.dstPort ?? 0 },
  ];
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

  const rst: Connection[] = [];
  const local: Connection[] = [];
  const udp: Connection[] = [];
  for (const c of connections) {
    if (c.uncuttable) report(skip(c, c.uncuttable));
    else if (c.protoNum !== IPPROTO_TCP) {
      // a block needs a 5-tuple: protocols with ports (UDP, UDP-Lite, SCTP, DCCP)
      if (options.dropUdp && hasPorts(c.protoNum)) udp.push(c);
      else
        report(
          skip(
            c,
            `${c.proto} cannot be reset${c.protoNum === IPPROTO_UDP ? ' (use --drop-udp to delete its entry and block it)' : ''}`,
          ),
        );
    } else if (c.state && CLOSED_STATES.has(c.state))
      report(skip(c, `already closed (${c.state})`));
    else if (c.local) local.push(c);
    else rst.push(c);
  }

  const sessionOpts: SessionOptions = { ...DEFAULT_SESSION_OPTIONS, ...options.session };
  if (options.timeoutMs !== undefined) sessionOpts.timeoutMs = options.timeoutMs;
  if (options.initiatorAckProbe !== undefined)
    sessionOpts.initiatorAckProbe = options.initiatorAckProbe;
  const freeze = options.freeze ?? true;
  const needRules = rst.length > 0 || local.length > 0 || udp.length > 0;

  let fw: TemporaryFirewall | null = null;
  let capture: EndpointCapture | null = null;
  const injectors = new Injectors(options.injectMark ?? DEFAULT_INJECT_MARK);
  const pacer = new Pacer();
  const conntrack = needRules ? Conntrack.open() : null;
  let diag: SockDiag | null = null;
  const sessions: CutSession[] = [];
  const onAbort = () => {
    for (const s of sessions) s.abort('interrupted');
  };
  options.signal?.addEventListener('abort', onAbort);
  try {
    if (rst.length > 0 || local.length > 0) {
      // open the raw sockets first: a missing CAP_NET_RAW shows before any rule exists
      injectors.prepare(new Set([...rst, ...local].map((c) => c.family)));
      capture = await EndpointCapture.open(options.logGroup ?? 48000 + (process.pid % 1000));
      trace?.(`NFLOG group ${capture.group} bound`);
    }
    if (needRules) {
      // one transaction: base rules, the flows to copy and the flows to freeze
      const timeoutSec = Math.ceil(sessionOpts.timeoutMs / 1000) + 5;
      fw = await TemporaryFirewall.install(
        {
          owner: RULE_OWNER,
          ...(capture ? { logGroup: capture.group, snaplen: 80 } : {}),
          notrackMark: options.injectMark ?? DEFAULT_INJECT_MARK,
          ...(options.firewall ? { backend: options.firewall } : {}),
        },
        {
          log: [...rst, ...local].flatMap(flowMatches),
          ...(freeze && rst.length
            ? { drop: rst.flatMap(flowMatches), dropTimeoutSec: timeoutSec }
            : {}),
        },
      );
      trace?.(`temporary ${fw.kind} rules in place`);
    }
    options.onReady?.({ firewall: fw?.kind ?? null, logGroup: capture?.group ?? null });
    if (options.signal?.aborted) throw new Error('interrupted');

    const io = {
      now: () => performance.now(),
      backlogMs: () => pacer.pending / pacer.batch,
      send: (
        family: 4 | 6,
        packet: Buffer,
        dst: string,
        onError: (e: Error) => void,
        sent?: () => void,
      ) =>
        pacer.push(() => {
          injectors.send(family, packet, dst, onError);
          sent?.();
        }),
    };

    const running: Promise<void>[] = [];
    const finishOne = async (s: CutSession) => {
      const r = await s.done;
      capture?.remove(s);
      if (r.result === 'cut' && options.deleteEntries !== false && conntrack) {
        r.conntrackDeleted = await deleteEntry(conntrack, s.connection);
      }
      report(r);
    };

    for (const c of rst) {
      const s = new CutSession(c, io, sessionOpts);
      sessions.push(s);
      capture!.add(s);
      s.begin();
      running.push(finishOne(s));
    }

    if (local.length > 0) {
      diag = SockDiag.open();
      const sockets = new LocalSockets();
      await sockets.refresh(diag);
      for (const c of local) {
        const found = sockets.find(c);
        const s = new CutSession(c, io, sessionOpts);
        sessions.push(s);
        capture!.add(s);
        try {
          if (found) await diag.destroy(found.socket);
          s.localEnd = found?.end ?? c.local!;
          s.begin();
          running.push(finishOne(s));
        } catch (e) {
          capture!.remove(s);
          report({
            connection: c,
            result: 'failed',
            reason: (e as Error).message,
            method: 'sock-destroy',
            ms: performance.now() - t0,
          });
        }
      }
    }

    const blocked: Promise<void>[] = [];
    if (udp.length > 0) blocked.push(dropFlows(udp, conntrack!, fw!, options, report));

    await Promise.all(running);
    await Promise.all(blocked);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    for (const s of sessions) s.abort('interrupted');
    pacer.clear();
    injectors.close();
    diag?.close();
    await capture?.close().catch(() => {});
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

async function deleteEntry(ct: Conntrack, c: Connection): Promise<boolean> {
  try {
    return await ct.delete({
      orig: c.entry.orig,
      ...(c.id !== undefined ? { id: c.id } : {}),
      ...(c.zone ? { zone: c.zone } : {}),
    });
  } catch (e) {
    if (e instanceof NetlinkError) return false;
    throw e;
  }
}

/** --drop-udp: block the tuple both ways, delete the entry, hold the block for blockSeconds. */
async function dropFlows(
  flows: Connection[],
  ct: Conntrack,
  fw: TemporaryFirewall,
  options: CutOptions,
  report: (r: CutResult) => void,
): Promise<void> {
  const t = performance.now();
  const seconds = options.blockSeconds ?? 60;
  // the block first, so the next packet cannot re-create the entry we delete
  await fw.addDrop(flows.flatMap(flowMatches), seconds);
  const until = Date.now() + seconds * 1000;
  for (const c of flows) {
    const deleted = await deleteEntry(ct, c);
    report({
      connection: c,
      result: 'cut',
      reason: `entry deleted and tuple blocked for ${seconds} s`,
      method: 'conntrack-delete',
      ms: Math.round((performance.now() - t) * 100) / 100,
      conntrackDeleted: deleted,
      blockedUntil: until,
    });
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    options.signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
