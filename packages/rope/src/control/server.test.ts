// ControlServer on a real unix socket in a temp directory, served by MemoryControlTarget, talked to
// by ControlClient and by a raw socket (for what a well-behaved client never sends).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ControlClient } from './client.js';
import { ControlStartError, type Outcome } from './errors.js';
import { MemoryControlTarget } from './memory-target.js';
import { ControlServer, type ControlServerOptions } from './server.js';
import type { ControlTarget } from './target.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-control-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(tmp, `d${++n}`, 'rope.sock');

async function serve(o: Partial<ControlServerOptions> = {}) {
  const target = new MemoryControlTarget();
  const server = await ControlServer.listen({ path: freshPath(), target, ...o });
  return { server, target, path: server.path };
}

function value<T>(o: Outcome<T>): T {
  assert.ok(o.ok, !o.ok ? `${o.error.code}: ${o.error.message}` : '');
  return o.value;
}

/** A raw connection: write what you like, read the response lines. */
class Raw {
  private buf = '';
  private waiters: (() => void)[] = [];
  closed = false;
  readonly sock: Socket;
  constructor(path: string) {
    this.sock = connect(path);
    this.sock.setEncoding('utf8');
    this.sock.on('data', (d: string) => {
      this.buf += d;
      this.wake();
    });
    this.sock.on('error', () => {});
    this.sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  ready(): Promise<void> {
    return new Promise((r) => (this.sock.connecting ? this.sock.once('connect', () => r()) : r()));
  }
  send(text: string | Buffer) {
    this.sock.write(text);
  }
  /** The next response, parsed; null when the connection closed first. */
  async next(): Promise<any> {
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        return JSON.parse(line);
      }
      if (this.closed) return null;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  async waitClosed() {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }
  close() {
    this.sock.destroy();
  }
}

test('makes the directory 0700 and the socket 0600; close removes the socket', async () => {
  const { server, path } = await serve();
  assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
  const st = statSync(path);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o600);
  await server.close();
  assert.ok(!existsSync(path));
});

test('round trips: lock, block, list, unlock, unblock, ban-dns, pass-all, stats', async (t) => {
  const { server, path } = await serve();
  const c = new ControlClient(path);
  t.after(async () => {
    c.close();
    await server.close();
  });
  const lock = value(await c.request('lock', { address: '192.0.2.10', seconds: 300 }));
  assert.deepEqual(lock.entry, {
    kind: 'lock',
    address: '192.0.2.10',
    port: null,
    label: 'manual',
    secondsLeft: 300,
  });
  value(await c.request('block', { address: '2001:DB8::7', port: 6881, seconds: null }));
  assert.equal(
    value(await c.request('lock', { address: '192.0.2.10', seconds: 60 })).renewed,
    true,
  );
  const list = value(await c.request('list', {}));
  assert.deepEqual(
    list.entries.map((e) => [e.kind, e.address, e.port, e.secondsLeft]),
    [
      ['lock', '192.0.2.10', null, 60],
      ['block', '2001:db8::7', 6881, null],
    ],
  );
  assert.equal(value(await c.request('ban-dns', { name: '*.Example.com' })).name, '*.example.com');
  assert.deepEqual(value(await c.request('pass-all', { on: true })), {
    passAll: true,
    changed: true,
  });
  assert.deepEqual(value(await c.request('pass-all', {})), { passAll: true, changed: false });
  const stats = value(await c.request('stats', {}));
  assert.deepEqual([stats.locked, stats.blocked, stats.dnsNames, stats.passAll], [1, 1, 1, true]);
  value(await c.request('unlock', { address: '192.0.2.10' }));
  value(await c.request('unblock', { address: '2001:db8::7', port: 6881 }));
  const again = await c.request('unlock', { address: '192.0.2.10' });
  assert.ok(!again.ok);
  assert.equal(again.error.code, 'not-found');
  assert.deepEqual(value(await c.request('list', {})).entries, []);
});

test('malformed lines get error answers and the connection goes on', async (t) => {
  const { server, path } = await serve();
  const raw = new Raw(path);
  t.after(async () => {
    raw.close();
    await server.close();
  });
  raw.send('garbage\n\n[]\n{"v":1,"id":5,"op":"nope"}\r\n');
  raw.send(Buffer.from([0xff, 0xfe, 0x0a]));
  raw.send(
    '{"v":1,"id":6,"op":"lock","address":"192.0.2.1:80"}\n{"v":1,"id":"last","op":"list"}\n',
  );
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push(await raw.next());
  assert.deepEqual(
    answers.map((a) => [a.id, a.ok, a.error?.code]),
    [
      [null, false, 'bad-request'],
      [null, false, 'bad-request'],
      [5, false, 'unknown-op'],
      [null, false, 'bad-request'],
      [6, false, 'invalid-argument'],
      ['last', true, undefined],
    ],
  );
  for (const a of answers) assert.equal(a.v, 1);
});

test('a line over the bound: line-too-long, then the connection closes; others are served', async (t) => {
  const { server, path } = await serve({ maxLineBytes: 1024 });
  t.after(() => server.close());
  const raw = new Raw(path);
  raw.send('{"v":1,"id":1,"op":"list"}\n');
  raw.send('x'.repeat(2000)); // no newline: refused once it is past the bound
  assert.equal((await raw.next()).ok, true);
  const refusal = await raw.next();
  assert.equal(refusal.error.code, 'line-too-long');
  await raw.waitClosed();
  const c = new ControlClient(path);
  value(await c.request('list', {}));
  c.close();
});

test('concurrent clients are all answered; one more than maxClients is told busy', async (t) => {
  const { server, path } = await serve({ maxClients: 4 });
  t.after(() => server.close());
  const clients = Array.from({ length: 4 }, () => new ControlClient(path));
  const results = await Promise.all(
    clients.flatMap((c, i) => [
      c.request('block', { address: `198.51.100.${i + 1}`, seconds: 60 }),
      c.request('stats', {}),
      c.request('list', {}),
    ]),
  );
  for (const r of results) value<unknown>(r);
  assert.equal(value(await clients[0].request('list', {})).entries.length, 4);
  // four connections are open: a fifth is refused
  const extra = new ControlClient(path);
  const busy = await extra.request('list', {});
  assert.ok(!busy.ok);
  assert.equal(busy.error.code, 'busy');
  for (const c of clients) c.close();
  extra.close();
});

test('a stale socket from a dead process is replaced; a live one is refused', async (t) => {
  const path = freshPath();
  mkdirSync(join(path, '..'), { recursive: true });
  // a process that listens on the path and is killed: its socket file stays behind
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((r) => child.stdout!.once('data', r));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(statSync(path).isSocket(), 'the dead process left its socket');

  const target = new MemoryControlTarget();
  const server = await ControlServer.listen({ path, target });
  t.after(() => server.close());
  const c = new ControlClient(path);
  value(await c.request('list', {}));
  c.close();

  await assert.rejects(
    ControlServer.listen({ path, target }),
    (e: unknown) =>
      e instanceof ControlStartError &&
      e.reason === 'in-use' &&
      /another rope run already listens on/.test(e.message),
  );
});

test('a path that is not a socket is not replaced', async () => {
  const path = freshPath();
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, 'precious');
  await assert.rejects(
    ControlServer.listen({ path, target: new MemoryControlTarget() }),
    (e: unknown) => e instanceof ControlStartError && e.reason === 'not-a-socket',
  );
});

test('a target that throws gets internal; one that never answers gets timeout', async (t) => {
  const warnings: string[] = [];
  const base = new MemoryControlTarget();
  const target: ControlTarget = {
    ...Object.fromEntries(
      (['list', 'lock', 'unlock', 'block', 'unblock', 'banDns', 'passAll'] as const).map((k) => [
        k,
        (...a: never[]) => (base[k] as (...x: never[]) => unknown)(...a),
      ]),
    ),
    stats: () => new Promise(() => {}),
    list: () => {
      throw new Error('boom');
    },
  } as unknown as ControlTarget;
  const server = await ControlServer.listen({
    path: freshPath(),
    target,
    requestTimeoutMs: 50,
    onWarning: (m) => warnings.push(m),
  });
  t.after(() => server.close());
  const c = new ControlClient(server.path);
  const boom = await c.request('list', {});
  assert.ok(!boom.ok);
  assert.equal(boom.error.code, 'internal');
  assert.match(boom.error.message, /list failed inside rope run: boom/);
  assert.match(warnings[0], /boom/);
  const slow = await c.request('stats', {});
  assert.ok(!slow.ok);
  assert.equal(slow.error.code, 'timeout');
  value(await c.request('pass-all', {}));
  c.close();
});

test('an idle connection is told so and closed', async (t) => {
  const { server, path } = await serve({ idleTimeoutMs: 50 });
  t.after(() => server.close());
  const raw = new Raw(path);
  await raw.ready();
  const a = await raw.next();
  assert.equal(a.error.code, 'timeout');
  await raw.waitClosed();
});

test('too many requests queued on one connection: busy, then closed', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const base = new MemoryControlTarget();
  const target = Object.assign(Object.create(base) as MemoryControlTarget, {
    list: async () => {
      await gate;
      return base.list();
    },
  });
  const server = await ControlServer.listen({ path: freshPath(), target, maxQueuedPerClient: 3 });
  t.after(() => server.close());
  const raw = new Raw(server.path);
  raw.send(Array.from({ length: 5 }, (_, i) => `{"v":1,"id":${i},"op":"list"}\n`).join(''));
  await new Promise((r) => setTimeout(r, 20));
  release();
  const answers = [];
  for (let a = await raw.next(); a !== null; a = await raw.next()) answers.push(a);
  assert.deepEqual(
    answers.map((a) => [a.id, a.ok]),
    [
      [0, true],
      [1, true],
      [2, true],
      [null, false],
    ],
  );
  assert.equal(answers[3].error.code, 'busy');
});

test('after close, clients hear that nothing listens', async () => {
  const { server, path } = await serve();
  const c = new ControlClient(path);
  value(await c.request('list', {}));
  await server.close();
  // a request racing the news of the close may find the old connection closing under it
  const first = await c.request('list', {});
  assert.ok(!first.ok);
  assert.ok(['closed', 'no-server'].includes(first.error.code), first.error.code);
  const r = await c.request('list', {});
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'no-server');
  assert.equal(
    r.error.message,
    `no rope run is listening on ${path} (is it running with --control?)`,
  );
  c.close();
});
