// rope run --share: the tables of several gateways kept in step through one Redis server.
//
// Client: node-redis (the `redis` package), the client Redis itself maintains, with its own
// TypeScript types, RESP3, automatic resubscription after a reconnect and a configurable
// reconnect strategy — what this needs and nothing more (ioredis would do as well; one is enough).
//
// What goes where (share-codec.ts has the formats): every local add, renewal, value change and
// delete becomes, in one MULTI, a SET with PX = the remaining lifetime (or a DEL) and a PUBLISH
// on the fleet's channel. Every engine subscribes to that channel and applies what others publish
// as it arrives (pub/sub: milliseconds on a LAN), ignoring its own messages by their origin id.
// Pub/sub rather than a stream: the keys already hold the state, so a message missed while away
// needs no replay — on every (re)connect the engine SCANs the keys, applies what Redis knows and
// pushes what it learned meanwhile (an entry wins where it expires later). Deletes made while
// Redis was unreachable are not replayed: those keys live on elsewhere until they expire.
//
// Redis is never on the packet path: publish() only queues a command, a dead server costs a
// counter, and the engine goes on with its local tables. Loss and recovery are one log line each;
// reconnects back off from 100 ms to 5 s.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createClient } from 'redis';
import {
  decodeMessage,
  decodeStored,
  encodeMessage,
  encodeStored,
  messageChange,
  parseShareKey,
  remainingMs,
  shareChannel,
  shareKey,
  SHARE_KEY_PATTERN,
} from './share-codec.js';
import { shareTargetText, type ShareTarget } from './share-target.js';
import type { TableChange } from './shared-table.js';

/** The tables the share keeps in step: where remote changes go and where local entries come from. */
export interface ShareSide {
  /** Applies changes other engines made (must not report them back as local changes). */
  apply(batch: TableChange[]): void;
  /** The live local entries (for the push after a reconnect). */
  entries(): Iterable<TableChange>;
}

export interface ShareOptions {
  /** The clock, seconds since 1970 (the tables' time). */
  now(): number;
  /** One line for the operator (loss, recovery). */
  log(line: string): void;
  /** This engine's id in published messages (default: host, pid and a random tag). */
  origin?: string;
  /** Reconnect backoff bounds, ms. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface ShareCounters {
  /** Changes written to Redis and announced. */
  published: number;
  /** Changes not written because Redis was unreachable (pushed again on reconnect if alive). */
  unpublished: number;
  /** Changes from other engines applied. */
  applied: number;
  /** Own messages heard back and ignored. */
  echoes: number;
  /** Messages or keys that were not ours to read (malformed). */
  malformed: number;
  /** Completed resynchronisations (one per connect) and what they moved. */
  resyncs: number;
  resyncRead: number;
  resyncPushed: number;
  /** Times the connection was lost. */
  losses: number;
}

type Client = ReturnType<typeof createClient>;

const SCAN_COUNT = 500;

export class RedisShare {
  readonly origin: string;
  readonly counters: ShareCounters = {
    published: 0,
    unpublished: 0,
    applied: 0,
    echoes: 0,
    malformed: 0,
    resyncs: 0,
    resyncRead: 0,
    resyncPushed: 0,
    losses: 0,
  };
  private readonly cmd: Client;
  private readonly sub: Client;
  private readonly channel: string;
  private readonly where: string;
  /** Connected and resynchronised: publish() writes. */
  private up = false;
  private everUp = false;
  private toldDown = false;
  private subscribed = false;
  private resyncing = false;
  private stopped = false;

  private constructor(
    target: ShareTarget,
    private readonly side: ShareSide,
    private readonly o: ShareOptions,
  ) {
    this.origin = o.origin ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.channel = shareChannel(target.db);
    this.where = shareTargetText(target);
    const min = o.retryMinMs ?? 100;
    const max = o.retryMaxMs ?? 5000;
    const reconnectStrategy = (retries: number) => Math.min(max, min * 2 ** Math.min(retries, 16));
    const socket =
      target.kind === 'unix'
        ? { path: target.path, reconnectStrategy, connectTimeout: 2000 }
        : { host: target.host, port: target.port, reconnectStrategy, connectTimeout: 2000 };
    // no offline queue: a command issued while Redis is away fails at once instead of piling up
    // (the resync after the reconnect carries what matters)
    const options = { socket, database: target.db, disableOfflineQueue: true };
    this.cmd = createClient(options);
    this.sub = createClient(options);
    for (const c of [this.cmd, this.sub]) {
      c.on('error', (e: Error) => this.down(e));
      c.on('ready', () => void this.onReady());
    }
  }

  /** Starts connecting (in the background: never waits for Redis) and returns at once. */
  static start(target: ShareTarget, side: ShareSide, o: ShareOptions): RedisShare {
    const s = new RedisShare(target, side, o);
    s.cmd.connect().catch((e: unknown) => s.down(e));
    s.sub.connect().catch((e: unknown) => s.down(e));
    return s;
  }

  /** Connected to Redis and resynchronised. */
  get connected(): boolean {
    return this.up;
  }

  /** Writes and announces local changes (fire and forget; never throws). */
  publish(batch: readonly TableChange[]): void {
    if (batch.length === 0) return;
    if (!this.up) {
      this.counters.unpublished += batch.length;
      return;
    }
    const now = this.o.now();
    const m = this.cmd.multi();
    // a key renewed on every packet of a busy flow is in the batch many times: only its last
    // state goes out
    const seen = new Set<string>();
    let n = 0;
    for (let i = batch.length - 1; i >= 0; i--) {
      const c = batch[i]!;
      const k = shareKey(c.table, c.key);
      if (seen.has(k)) continue;
      seen.add(k);
      this.write(m, c, now);
      n++;
    }
    m.exec().then(
      () => (this.counters.published += n),
      (e: unknown) => {
        this.counters.unpublished += n;
        this.down(e);
      },
    );
  }

  private write(m: ReturnType<Client['multi']>, c: TableChange, now: number): void {
    const ms = remainingMs(c, now);
    const k = shareKey(c.table, c.key);
    if (ms > 0) {
      const stored = encodeStored({ value: c.value, note: c.note, origin: this.origin });
      m.set(k, stored, { expiration: { type: 'PX', value: ms } });
    } else m.del(k);
    m.publish(this.channel, encodeMessage(c, this.origin, now));
  }

  private hear(text: string): void {
    const msg = decodeMessage(text);
    if (msg === null) {
      this.counters.malformed++;
      return;
    }
    if (msg.origin === this.origin) {
      this.counters.echoes++;
      return;
    }
    this.counters.applied++;
    this.side.apply([messageChange(msg, this.o.now())]);
  }

  private down(e: unknown): void {
    if (this.stopped) return;
    const why = e instanceof Error ? e.message || e.name : String(e);
    if (this.up) {
      this.up = false;
      this.counters.losses++;
      this.o.log(
        `share: lost ${this.where} (${why}); going on with the local tables, reconnecting`,
      );
    } else if (!this.everUp && !this.toldDown) {
      this.toldDown = true;
      this.o.log(
        `share: cannot reach ${this.where} (${why}); going on with the local tables, retrying`,
      );
    }
  }

  /** Both connections ready: subscribe (once; node-redis resubscribes by itself), then resync. */
  private async onReady(): Promise<void> {
    if (this.stopped || this.resyncing || !this.cmd.isReady || !this.sub.isReady) return;
    this.resyncing = true;
    try {
      if (!this.subscribed) {
        await this.sub.subscribe(this.channel, (text: string) => this.hear(text));
        this.subscribed = true;
      }
      const { read, pushed } = await this.resync();
      if (this.stopped) return;
      const again = this.everUp;
      this.up = true;
      this.everUp = true;
      this.toldDown = false;
      this.counters.resyncs++;
      this.counters.resyncRead += read;
      this.counters.resyncPushed += pushed;
      this.o.log(
        `share: ${again ? 'reconnected to' : 'connected to'} ${this.where}; read ${read} keys, pushed ${pushed}`,
      );
    } catch (e) {
      this.down(e);
    } finally {
      this.resyncing = false;
    }
    // a connection that came back while this ran would have been ignored: look again
    if (!this.up && !this.stopped && this.cmd.isReady && this.sub.isReady) void this.onReady();
  }

  /**
   * Reads every shared key and applies it, except where the local entry expires later; then
   * writes and announces the local entries Redis lacks or holds for less long.
   */
  private async resync(): Promise<{ read: number; pushed: number }> {
    const local = new Map<string, TableChange>();
    for (const c of this.side.entries()) local.set(shareKey(c.table, c.key), c);
    const fromRedis: TableChange[] = [];
    const redisWins = new Set<string>();
    for await (const keys of this.cmd.scanIterator({
      MATCH: SHARE_KEY_PATTERN,
      COUNT: SCAN_COUNT,
    })) {
      if (keys.length === 0) continue;
      const p = this.cmd.multi();
      for (const k of keys) p.get(k).pTTL(k);
      const replies = (await p.execAsPipeline()) as unknown[];
      const now = this.o.now();
      keys.forEach((k, i) => {
        const text = replies[2 * i];
        const ttl = replies[2 * i + 1];
        if (typeof text !== 'string' || typeof ttl !== 'number' || ttl <= 0) return;
        const name = parseShareKey(k);
        const stored = decodeStored(text);
        if (name === null || stored === null) {
          this.counters.malformed++;
          return;
        }
        const expires = now + ttl / 1000;
        const mine = local.get(k);
        // a local entry that outlives Redis's by more than the clock's grain was renewed here
        if (mine !== undefined && mine.expires > expires + 1) return;
        redisWins.add(k);
        fromRedis.push({ ...name, expires, value: stored.value, note: stored.note });
      });
    }
    if (fromRedis.length > 0) this.side.apply(fromRedis);
    const now = this.o.now();
    const push = [...local].filter(([k, c]) => !redisWins.has(k) && c.expires > now);
    if (push.length > 0) {
      const m = this.cmd.multi();
      for (const [, c] of push) this.write(m, c, now);
      await m.exec();
      this.counters.published += push.length;
    }
    return { read: fromRedis.length, pushed: push.length };
  }

  /** Closes both connections (without waiting for an unreachable server). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.up = false;
    await Promise.all(
      [this.cmd, this.sub].map(async (c) => {
        if (!c.isOpen) return;
        if (!c.isReady) {
          c.destroy();
          return;
        }
        try {
          await c.close();
        } catch {
          c.destroy();
        }
      }),
    );
  }
}
