// Conntrack drop, for UDP, UDP-Lite, SCTP and DCCP flows (--drop-udp): nothing can reset them, so
// their tuple is blocked both ways for a while and their conntrack entry deleted — the endpoints
// notice only that packets stop. The block goes in with the cut's other rules, before the
// deletion, so that the next packet cannot re-create the entry; the cut lasts until the block is
// due to end and then lifts it with the rest of its rules.
import { performance } from 'node:perf_hooks';
import { IPPROTO_TCP, IPPROTO_UDP } from '@p2pwall/core';
import { hasPorts } from '../../find/connection.js';
import { deleteEntry } from '../delete-entry.js';
import { flowMatches } from '../flow-matches.js';
import type { CutOptions } from '../options.js';
import type { Method } from './method.js';

function blockSeconds(options: CutOptions): number {
  return options.blockSeconds ?? 60;
}

/**
 * The rule's own timeout is only for a cutter killed before it lifts the block: it starts when
 * the firewall takes the rule in, earlier than the block is reported to start, so it runs a
 * little longer than the block lest it end it early.
 */
const FALLBACK_MARGIN_SEC = 5;

/** Resolves after `ms`, or at once when `stop` fires. */
function hold(ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted || ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done);
  });
}

export const conntrackDrop: Method = {
  name: 'conntrack-delete',
  forgesPackets: false,
  covers: (c) => c.protoNum !== IPPROTO_TCP,
  // a block needs a 5-tuple: protocols with ports only
  whyNot: (c, options) =>
    options.dropUdp && hasPorts(c.protoNum)
      ? null
      : `${c.proto} cannot be reset${c.protoNum === IPPROTO_UDP ? ' (use --drop-udp to delete its entry and block it)' : ''}`,
  rules: (connections, { options }) => ({
    drop: {
      flows: connections.flatMap(flowMatches),
      timeoutSec: blockSeconds(options) + FALLBACK_MARGIN_SEC,
    },
  }),
  async run(connections, ctx) {
    const t = performance.now();
    const seconds = blockSeconds(ctx.options);
    const until = Date.now() + seconds * 1000;
    for (const c of connections) {
      const deleted = await deleteEntry(ctx.conntrack, c);
      ctx.report({
        connection: c,
        result: 'cut',
        reason: `entry deleted and tuple blocked for ${seconds} s`,
        method: 'conntrack-delete',
        ms: Math.round((performance.now() - t) * 100) / 100,
        conntrackDeleted: deleted,
        blockedUntil: until,
      });
    }
    // the cut lifts the block when it ends
    await hold(until - Date.now(), ctx.stop);
  },
};
