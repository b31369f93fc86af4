// ControlServer: serves a ControlTarget on a unix socket (protocol.ts). The socket is mode 0600
// in a directory made 0700, so only root (the owner of rope run) talks to it; the kernel checks
// that, not this code. Each connection reads bounded lines and answers them in order; it is closed
// when idle too long, after a line that is too long, or when it queues too many requests. At most
// `maxClients` connections are served at once; one more is told `busy` and closed. Whatever a
// client sends, the server answers with an error and goes on — it never throws because of input.
import { chmodSync, statSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { ControlStartError, failure, type Outcome } from './errors.js';
import { LineSplitter } from './line-splitter.js';
import { OPERATIONS } from './operations.js';
import {
  decodeRequest,
  encodeResponse,
  MAX_REQUEST_BYTES,
  type DecodedRequest,
  type RequestId,
} from './protocol.js';
import { claimSocketPath } from './socket-file.js';
import type { ControlTarget } from './target.js';

export interface ControlServerOptions {
  path: string;
  target: ControlTarget;
  /** Connections served at once (default 16). */
  maxClients?: number;
  /** A connection with no traffic for this long is closed (default 60 s). */
  idleTimeoutMs?: number;
  /** A request the target has not answered in this long gets `timeout` (default 10 s). */
  requestTimeoutMs?: number;
  /** The longest request line (default 64 KiB). */
  maxLineBytes?: number;
  /** Requests waiting on one connection before it is refused as `busy` (default 32). */
  maxQueuedPerClient?: number;
  /** Told about target exceptions (bugs); the client gets `internal`. */
  onWarning?(message: string): void;
}

export class ControlServer {
  private readonly connections = new Set<Socket>();
  private closed = false;

  private constructor(
    private readonly server: Server,
    readonly path: string,
    /** The socket file's inode: close() removes the file only if it is still ours. */
    private readonly inode: number,
    private readonly o: Required<Omit<ControlServerOptions, 'onWarning'>> &
      Pick<ControlServerOptions, 'onWarning'>,
  ) {
    server.on('connection', (s) => this.accept(s));
  }

  /** Claims the path (see socket-file.ts), listens, and makes the socket mode 0600. */
  static async listen(options: ControlServerOptions): Promise<ControlServer> {
    const o = {
      maxClients: 16,
      idleTimeoutMs: 60_000,
      requestTimeoutMs: 10_000,
      maxLineBytes: MAX_REQUEST_BYTES,
      maxQueuedPerClient: 32,
      ...options,
    };
    await claimSocketPath(o.path);
    const server = createServer({ allowHalfOpen: false });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new ControlStartError(
            e.code === 'EADDRINUSE' ? 'in-use' : e.code === 'EACCES' ? 'permission' : 'io',
            e.code === 'EADDRINUSE'
              ? `another rope run already listens on ${o.path}`
              : `cannot listen on ${o.path}: ${e.code ?? e.message}`,
          ),
        ),
      );
      server.listen(o.path, () => resolve());
    });
    // the directory is 0700 (when we made it), so the moment before chmod exposes nothing
    let inode: number;
    try {
      chmodSync(o.path, 0o600);
      inode = statSync(o.path).ino;
    } catch (e) {
      server.close();
      throw new ControlStartError(
        'io',
        `cannot make ${o.path} mode 0600: ${(e as NodeJS.ErrnoException).code}`,
      );
    }
    server.on('error', (e) => o.onWarning?.(`control socket: ${e.message}`));
    return new ControlServer(server, o.path, inode, o);
  }

  /** Connections open now. */
  get clientCount(): number {
    return this.connections.size;
  }

  /** Stops listening, closes every connection and removes the socket file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.connections) s.destroy();
    await done;
    try {
      if (statSync(this.path).ino === this.inode) unlinkSync(this.path);
    } catch {
      // gone already
    }
  }

  private accept(sock: Socket): void {
    sock.on('error', () => {
      // a client that went away: nothing to do, 'close' follows
    });
    if (this.closed || this.connections.size >= this.o.maxClients) {
      sock.resume(); // what it sent is dropped
      this.endWith(
        sock,
        encodeResponse(
          null,
          failure(
            'busy',
            `the control socket serves ${this.o.maxClients} clients at once, and has that many: try again`,
          ),
        ),
      );
      return;
    }
    this.connections.add(sock);
    sock.on('close', () => this.connections.delete(sock));

    const splitter = new LineSplitter(this.o.maxLineBytes);
    let chain: Promise<void> = Promise.resolve();
    let queued = 0;
    let ending = false;
    const send = (line: string) => {
      if (!sock.destroyed && sock.writable) sock.write(line);
    };
    // the last answer, then close (after the answers queued before it)
    const finish = (id: RequestId | null, outcome: Outcome<never>) => {
      ending = true; // what it sends from now on is read and dropped
      chain = chain.then(() => this.endWith(sock, encodeResponse(id, outcome)));
    };

    sock.setTimeout(this.o.idleTimeoutMs);
    sock.on('timeout', () => {
      if (ending) return sock.destroy();
      finish(
        null,
        failure(
          'timeout',
          `no request for ${Math.round(this.o.idleTimeoutMs / 1000)} s: closing the connection`,
        ),
      );
    });
    sock.on('data', (chunk: Buffer) => {
      if (ending) return;
      const { lines, tooLong } = splitter.push(chunk);
      for (const line of lines) {
        if (line.trim() === '') continue;
        if (queued >= this.o.maxQueuedPerClient)
          return finish(
            null,
            failure(
              'busy',
              `more than ${this.o.maxQueuedPerClient} requests waiting on one connection: read the answers before sending more`,
            ),
          );
        queued++;
        chain = chain.then(async () => {
          send(await this.answer(line));
          queued--;
        });
      }
      if (tooLong)
        finish(
          null,
          failure(
            'line-too-long',
            `a request line is at most ${this.o.maxLineBytes} bytes: closing the connection`,
          ),
        );
    });
  }

  /**
   * Sends a last line and closes once it is written, without waiting for the client to close its
   * side (a client that never does would hold the connection).
   */
  private endWith(sock: Socket, line: string): void {
    if (sock.destroyed) return;
    sock.end(line, () => sock.destroy());
  }

  /** The response line for one request line. Never throws. */
  private async answer(line: string): Promise<string> {
    const d = decodeRequest(line);
    if (!d.ok) return encodeResponse(d.id, { ok: false, error: d.error });
    const outcome = await this.call(d.request);
    try {
      return encodeResponse(d.request.id, outcome);
    } catch (e) {
      this.o.onWarning?.(
        `control: ${d.request.op}: the result is not JSON: ${(e as Error).message}`,
      );
      return encodeResponse(
        d.request.id,
        failure('internal', `${d.request.op}: the engine's answer could not be encoded`),
      );
    }
  }

  private async call(r: DecodedRequest): Promise<Outcome<unknown>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome<unknown>>((resolve) => {
      timer = setTimeout(
        () =>
          resolve(
            failure(
              'timeout',
              `${r.op}: rope run did not answer within ${this.o.requestTimeoutMs / 1000} s`,
            ),
          ),
        this.o.requestTimeoutMs,
      );
    });
    const work = (async (): Promise<Outcome<unknown>> => {
      try {
        return await OPERATIONS[r.op].call(this.o.target, r.args);
      } catch (e) {
        this.o.onWarning?.(`control: ${r.op} failed: ${(e as Error)?.stack ?? String(e)}`);
        return failure('internal', `${r.op} failed inside rope run: ${(e as Error)?.message ?? e}`);
      }
    })();
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
