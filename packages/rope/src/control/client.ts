// ControlClient: the other end of ControlServer, for `rope ctl` and `rope top`. One connection,
// opened on the first request and opened again on the next one after it broke (rope top keeps
// asking while rope run restarts); requests carry ids, so several may be in flight. Every failure
// comes back as a ControlError with one line for a person — nothing listening, no permission, no
// answer in time — never as an exception.
import { connect, type Socket } from 'node:net';
import { failure, type ControlError, type Outcome } from './errors.js';
import { LineSplitter } from './line-splitter.js';
import type { OpName, RequestArgs, ResultOf } from './operations.js';
import { decodeResponse, encodeRequest, MAX_RESPONSE_BYTES } from './protocol.js';
import { isResultOf } from './results.js';

export interface ControlClientOptions {
  /** How long a request (connecting included) may take (default 5 s). */
  timeoutMs?: number;
}

interface Pending {
  op: OpName;
  resolve(o: Outcome<unknown>): void;
  timer: NodeJS.Timeout;
}

/** The error a failed connect() means for a person. */
export function connectError(path: string, e: NodeJS.ErrnoException): ControlError {
  switch (e.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
    case 'ENOTDIR':
      return {
        code: 'no-server',
        message: `no rope run is listening on ${path} (is it running with --control?)`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'permission',
        message: `needs root: the control socket ${path} is mode 0600`,
      };
    default:
      return { code: 'io', message: `cannot connect to ${path}: ${e.code ?? e.message}` };
  }
}

export class ControlClient {
  private socket: Socket | null = null;
  private connecting: Promise<Outcome<Socket>> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly timeoutMs: number;

  constructor(
    readonly path: string,
    o: ControlClientOptions = {},
  ) {
    this.timeoutMs = o.timeoutMs ?? 5000;
  }

  /** Sends one request; resolves with its result or the reason there is none. */
  request<K extends OpName>(op: K, args: RequestArgs[K]): Promise<Outcome<ResultOf[K]>> {
    const id = this.nextId++;
    return new Promise<Outcome<ResultOf[K]>>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(
          failure(
            'timeout',
            `rope run did not answer on ${this.path} within ${this.timeoutMs / 1000} s`,
          ),
        );
      }, this.timeoutMs);
      this.pending.set(id, { op, resolve: resolve as (o: Outcome<unknown>) => void, timer });
      void this.open().then((s) => {
        if (!this.pending.has(id)) return;
        if (!s.ok) return this.settle(id, s);
        s.value.write(encodeRequest(id, op, args));
      });
    });
  }

  /** Closes the connection; requests in flight fail with `closed`. */
  close(): void {
    this.socket?.destroy();
    this.socket = null;
    this.failAll({ code: 'closed', message: 'the client was closed' });
  }

  private settle(id: number, o: Outcome<unknown>): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(o);
  }

  private failAll(error: ControlError): void {
    for (const id of [...this.pending.keys()]) this.settle(id, { ok: false, error });
  }

  private open(): Promise<Outcome<Socket>> {
    if (this.socket && !this.socket.destroyed)
      return Promise.resolve({ ok: true, value: this.socket });
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<Outcome<Socket>>((resolve) => {
      const s = connect(this.path);
      let connected = false;
      const splitter = new LineSplitter(MAX_RESPONSE_BYTES);
      s.on('connect', () => {
        connected = true;
        this.socket = s;
        this.connecting = null;
        resolve({ ok: true, value: s });
      });
      s.on('error', (e: NodeJS.ErrnoException) => {
        if (connected) return; // 'close' follows and fails what is pending
        this.connecting = null;
        resolve({ ok: false, error: connectError(this.path, e) });
      });
      // the server closed its side: the next request opens a new connection
      s.on('end', () => {
        if (this.socket === s) this.socket = null;
      });
      s.on('close', () => {
        if (this.socket === s) this.socket = null;
        if (connected)
          this.failAll({
            code: 'closed',
            message: `rope run closed the connection on ${this.path} before answering`,
          });
      });
      s.on('data', (chunk: Buffer) => {
        const { lines, tooLong } = splitter.push(chunk);
        for (const line of lines) this.receive(line);
        if (tooLong) {
          this.failAll({ code: 'protocol', message: "the server's answer is too long" });
          s.destroy();
        }
      });
    });
    return this.connecting;
  }

  private receive(line: string): void {
    const d = decodeResponse(line);
    if (!d.ok) {
      this.failAll(d.error);
      this.socket?.destroy();
      return;
    }
    // an answer without id is about the connection (busy, too long, idle): it ends everything
    if (d.id === null || typeof d.id !== 'number') {
      if (!d.outcome.ok) this.failAll(d.outcome.error);
      return;
    }
    const p = this.pending.get(d.id);
    if (!p) return; // timed out already
    if (d.outcome.ok && !isResultOf(p.op, d.outcome.value)) {
      this.settle(d.id, {
        ok: false,
        error: {
          code: 'protocol',
          message: `the answer to ${p.op} does not have the shape this rope ctl knows`,
        },
      });
      return;
    }
    this.settle(d.id, d.outcome);
  }
}
