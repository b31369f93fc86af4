// Forged RSTs, for forwarded TCP connections: each end's RCV.NXT — learnt from its own packets,
// which a temporary NFLOG rule copies here, or given by the caller — a RST|ACK with exactly that
// number to each end, and a probe right behind it that tells whether it worked (session.ts).
// While it runs the connection's packets are dropped at this machine ("freeze"), so its numbers
// stay put.
import { IPPROTO_TCP, numbersOfHeldPacket as heldNumbers } from '@p2pwall/core';
import type { Connection } from '../../find/connection.js';
import type { EndName } from '../endpoint-state.js';
import { flowMatches } from '../flow-matches.js';
import type { CutSession, KnownNumbers } from '../session.js';
import type { CutContext, Method } from './method.js';
import { interruptOnStop, openSession, settle } from './tcp-sessions.js';

/** One connection to end by forged RSTs: the method's input. */
export interface ForgedRstTarget {
  connection: Connection;
  /**
   * Both ends' RCV.NXT when the caller has them (a packet in hand: numbersOfHeldPacket). The
   * RSTs then go out at once, without the probes that learn the numbers.
   */
  known?: KnownNumbers;
}

/**
 * The numbers a TCP packet with ACK set gives while it is held (in an NFQUEUE, not delivered):
 * its receiver still expects its SEQ, its sender expects the number it acknowledges (core's
 * numbersOfHeldPacket, which rope run's cut uses too).
 */
export function numbersOfHeldPacket(from: EndName, seq: number, ack: number): KnownNumbers {
  return heldNumbers(from === 'initiator', seq, ack);
}

/** Ends the targets by forged RSTs; resolves once each one's outcome is reported. */
export async function cutByForgedRst(
  targets: readonly ForgedRstTarget[],
  ctx: CutContext,
): Promise<void> {
  const sessions: CutSession[] = [];
  const detach = interruptOnStop(sessions, ctx.stop);
  try {
    const settled = targets.map((t) => {
      const s = openSession(t.connection, ctx);
      sessions.push(s);
      s.begin(t.known);
      return settle(s, ctx);
    });
    await Promise.all(settled);
  } finally {
    detach();
  }
}

export const forgedRst: Method = {
  name: 'rst',
  forgesPackets: true,
  covers: (c) => c.protoNum === IPPROTO_TCP && !c.local,
  // closing connections never get here: cut() reports them first (closing.ts)
  whyNot: () => null,
  rules(connections, { options, session }) {
    const flows = connections.flatMap(flowMatches);
    if (!(options.freeze ?? true)) return { log: flows };
    // the freeze outlasts the slowest session a little; the cut removes it when it ends anyway
    return { log: flows, drop: { flows, timeoutSec: Math.ceil(session.timeoutMs / 1000) + 5 } };
  },
  run: (connections, ctx) =>
    cutByForgedRst(
      connections.map((connection) => ({ connection })),
      ctx,
    ),
};
