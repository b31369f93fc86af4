// SOCK_DESTROY, for TCP connections that end on this machine: the local socket is destroyed
// through sock_diag (the kernel then sends its own RST), and the remote end is cut and checked
// with forged RSTs like a forwarded connection's — whatever TCP options the socket uses.
import { performance } from 'node:perf_hooks';
import { IPPROTO_TCP } from '@p2pwall/core';
import { SockDiag } from '@p2pwall/core/netlink';
import { LocalSockets } from '../../find/local-sockets.js';
import { flowMatches } from '../flow-matches.js';
import type { CutSession } from '../session.js';
import { NO_LIVE_SOCKET } from '../closing.js';
import type { Method } from './method.js';
import { interruptOnStop, openSession, settle } from './tcp-sessions.js';

export const sockDestroy: Method = {
  name: 'sock-destroy',
  forgesPackets: true,
  covers: (c) => c.protoNum === IPPROTO_TCP && c.local !== undefined,
  whyNot: () => null,
  // the remote end's packets, to check it; nothing is frozen (the local socket goes at once)
  rules: (connections) => ({ log: connections.flatMap(flowMatches) }),
  async run(connections, ctx) {
    const diag = SockDiag.open();
    const sessions: CutSession[] = [];
    const detach = interruptOnStop(sessions, ctx.stop);
    try {
      const sockets = new LocalSockets();
      await sockets.refresh(diag);
      const settled: Promise<void>[] = [];
      for (const c of connections) {
        const found = sockets.find(c);
        if (!found) {
          // the socket closed since the listing: this machine's stack now resets the peer itself
          ctx.report({ connection: c, result: 'closing', reason: NO_LIVE_SOCKET, ms: 0 });
          continue;
        }
        const s = openSession(c, ctx);
        sessions.push(s);
        try {
          await diag.destroy(found.socket);
          s.localEnd = found.end;
          s.begin();
          settled.push(settle(s, ctx));
        } catch (e) {
          ctx.packets!.capture.remove(s);
          ctx.report({
            connection: c,
            result: 'failed',
            reason: (e as Error).message,
            method: 'sock-destroy',
            ms: performance.now() - ctx.t0,
          });
        }
      }
      await Promise.all(settled);
    } finally {
      detach();
      diag.close();
    }
  },
};
