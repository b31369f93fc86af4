// The requests a netlink socket waits on, by sequence number. Each ends exactly once: with the
// kernel's ACK (NLMSG_ERROR carrying errno 0) or its refusal (a negative errno), with NLMSG_DONE
// for a dump, at its time limit, or failed by the socket (a send error, a malformed datagram, the
// socket's close). Replies before the end are counted and handed to the request's onMessage.
import { NLM_F_DUMP_INTR, NLMSG_DONE, NLMSG_ERROR } from './constants.js';
import { ETIMEDOUT, errnoName } from './errno.js';
import { errnoFault, NetlinkError } from './errors.js';
import type { NlMsgView } from './message.js';
import type { RequestOptions, RequestResult } from './transport-types.js';

/** A request waiting for its answer. */
export interface Pending {
  seq: number;
  dump: boolean;
  options: RequestOptions;
  result: RequestResult;
  timer: NodeJS.Timeout;
  resolve(r: RequestResult): void;
  reject(e: Error): void;
}

export class RequestTable {
  private readonly pending = new Map<number, Pending>();

  /** How many requests are waiting. */
  get size(): number {
    return this.pending.size;
  }

  /** Waits for the answer to `seq` (register before sending: the answer may come at once). */
  add(
    seq: number,
    dump: boolean,
    options: RequestOptions,
    timeoutMs: number,
    resolve: (r: RequestResult) => void,
    reject: (e: Error) => void,
  ): Pending {
    const p: Pending = {
      seq,
      dump,
      options,
      result: { interrupted: false, messages: 0 },
      resolve,
      reject,
      timer: setTimeout(() => {
        this.pending.delete(seq);
        reject(
          new NetlinkError(
            errnoFault(
              ETIMEDOUT,
              options.operation,
              `the kernel did not answer within ${timeoutMs} ms`,
            ),
          ),
        );
      }, timeoutMs),
    };
    this.pending.set(seq, p);
    return p;
  }

  /** Ends `p` with `err`, or with its result when null; nothing when it has ended already. */
  settle(p: Pending, err: Error | null): void {
    if (this.pending.get(p.seq) !== p) return;
    this.pending.delete(p.seq);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(p.result);
  }

  /** Ends every waiting request with the error `errorOf` gives for it. */
  failAll(errorOf: (p: Pending) => Error): void {
    for (const p of [...this.pending.values()]) this.settle(p, errorOf(p));
  }

  /**
   * Takes `m` when it belongs to a waiting request and returns true; returns false for anything
   * else (events carry seq 0), which the socket hands on.
   */
  answer(m: NlMsgView): boolean {
    const p = m.seq !== 0 ? this.pending.get(m.seq) : undefined;
    if (!p) return false;
    if (m.type === NLMSG_ERROR) {
      const errno = m.error;
      this.settle(p, errno === 0 ? null : refusal(-errno, p.options));
      return true;
    }
    if (m.type === NLMSG_DONE) {
      if (m.flags & NLM_F_DUMP_INTR) p.result.interrupted = true;
      const status = m.doneStatus;
      this.settle(p, status < 0 ? refusal(-status, p.options) : null);
      return true;
    }
    if (m.flags & NLM_F_DUMP_INTR) p.result.interrupted = true;
    p.result.messages++;
    if (p.options.onMessage) {
      try {
        p.options.onMessage(m);
      } catch (e) {
        this.settle(p, e instanceof Error ? e : new Error(String(e)));
      }
    }
    return true;
  }
}

/** The kernel's refusal of a request, with the caller's hint for that errno when it gave one. */
function refusal(errno: number, options: RequestOptions): NetlinkError {
  return new NetlinkError(errnoFault(errno, options.operation, options.hints?.[errnoName(errno)]));
}
