// One nf_tables transaction of any messages (tables, chains, sets, rules, elements) over a
// NETLINK_NETFILTER socket: written between NFNL_MSG_BATCH_BEGIN and _END, sent as one datagram,
// applied by the kernel all or nothing. The set client (client.ts) does the same for set elements
// alone; this one makes and removes whole tables, which nft -f did before (a process, 15–60 ms).
//
// Each message is labelled when written, so a refusal names what was refused ("rule 2 of chain
// output") with the kernel's extended-ACK text. The batch is sent without waiting and followed by
// NFT_MSG_GETGEN: the errors of the batch arrive before that answer.
import { NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NLMSG_ERROR } from '../constants.js';
import { EMSGSIZE } from '../errno.js';
import { errnoFault, NetlinkError } from '../errors.js';
import type { NetlinkSocket } from '../transport.js';
import { NlWriter } from '../writer.js';
import { writeBatchFrame } from './batch.js';
import { writeNftGetGen } from './generation.js';
import { decodeNlmsgErr, type NlmsgErr } from './nlmsgerr.js';
import { openNftSocket } from './socket.js';

/** Hints for what an nf_tables transaction is refused with most often. */
const HINTS: Record<string, string> = {
  EPERM: 'changing nf_tables needs CAP_NET_ADMIN (run as root)',
  EOPNOTSUPP: 'the kernel lacks an nf_tables feature these rules use (CONFIG_NFT_* modules)',
  ENOENT: 'the kernel lacks an nf_tables expression or the table is gone',
  EPROTONOSUPPORT: 'the kernel lacks nf_tables (CONFIG_NF_TABLES)',
};

/** Messages written for one transaction, each with what it does, by sequence number. */
export class NftTransactionBuilder {
  readonly writer = new NlWriter(4096);
  private readonly labels = new Map<number, string>();
  private count = 0;

  constructor(private readonly nextSeq: () => number) {
    // without CAP_NET_ADMIN the kernel refuses the begin message itself
    const seq = this.nextSeq();
    this.labels.set(seq, '');
    writeBatchFrame(this.writer, NFNL_MSG_BATCH_BEGIN, seq);
  }

  /** Writes one message: `write` gets the writer and the sequence number to use. */
  add(label: string, write: (w: NlWriter, seq: number) => void): void {
    const seq = this.nextSeq();
    this.labels.set(seq, label);
    this.count++;
    write(this.writer, seq);
  }

  /** Messages written (the frame not counted). */
  get messages(): number {
    return this.count;
  }

  /** Closes the batch: its bytes and the label of each message. */
  finish(): { bytes: Buffer; labels: ReadonlyMap<number, string> } {
    const seq = this.nextSeq();
    this.labels.set(seq, '');
    writeBatchFrame(this.writer, NFNL_MSG_BATCH_END, seq);
    return { bytes: this.writer.finish(), labels: this.labels };
  }
}

export class NftTransactions {
  private readonly sync = new NlWriter(64);
  private sinks: ((err: NlmsgErr) => void) | null = null;
  /** Commits go one at a time: each owns the error sink until its sync answer. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly socket: NetlinkSocket) {
    socket.onMessage = (m) => {
      if (m.type !== NLMSG_ERROR || !this.sinks) return;
      const err = decodeNlmsgErr(m);
      if (err) this.sinks(err);
    };
  }

  /** Opens a socket with extended ACKs (refusals say why) and capped ACKs (socket.ts). */
  static open(): NftTransactions {
    // not holding the process open: a commit's own request keeps the event loop alive meanwhile
    return new NftTransactions(openNftSocket({ ref: false }).socket);
  }

  /** A builder whose sequence numbers come from this socket. */
  builder(): NftTransactionBuilder {
    return new NftTransactionBuilder(() => this.socket.nextSeq());
  }

  /**
   * Sends the transaction and waits until the kernel went through it. Throws NetlinkError for
   * the first message refused (`operation` says what the whole transaction was for); the kernel
   * then applied none of it.
   */
  commit(
    batch: { bytes: Buffer; labels: ReadonlyMap<number, string> },
    operation: string,
  ): Promise<void> {
    const run = this.queue.then(() => this.commitNow(batch, operation));
    this.queue = run.catch(() => {});
    return run;
  }

  private async commitNow(
    batch: { bytes: Buffer; labels: ReadonlyMap<number, string> },
    operation: string,
  ): Promise<void> {
    let refused: NlmsgErr | null = null;
    this.sinks = (err) => {
      if (err.errno !== 0 && refused === null && batch.labels.has(err.requestSeq)) refused = err;
    };
    let sendFailed = false;
    let syncError: unknown = null;
    try {
      this.socket.send(batch.bytes, (failed) => (sendFailed = failed));
      await this.socket.request(writeNftGetGen(this.sync, this.socket.nextSeq()).finish(), {
        operation,
        timeoutMs: 30_000,
        hints: HINTS,
      });
    } catch (e) {
      // the sync fails as the batch did where nf_tables refuses this socket altogether
      syncError = e;
    } finally {
      this.sinks = null;
    }
    const r = refused as NlmsgErr | null;
    if (r) {
      const what = batch.labels.get(r.requestSeq);
      const detail = [what, r.message].filter((x) => x).join(': ');
      throw new NetlinkError(errnoFault(r.errno, operation, HINTS[errnoCode(r.errno)], detail));
    }
    if (syncError) throw syncError;
    if (sendFailed)
      throw new NetlinkError(
        errnoFault(EMSGSIZE, operation, 'the transaction did not fit the socket send buffer'),
      );
  }

  close(): void {
    this.socket.close();
  }
}

function errnoCode(errno: number): string {
  return errnoFault(errno, '').code;
}
