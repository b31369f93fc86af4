// ControlClient against servers that misbehave: silent, speaking nonsense, answering the wrong
// shape, or hanging up.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connectError, ControlClient } from './client.js';

const tmp = mkdtempSync(join(tmpdir(), 'rope-client-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A server that answers every line with what `reply` says (nothing for null). */
async function fake(reply: (line: string, sock: Socket) => string | null): Promise<Server> {
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const r = reply(line, sock);
        if (r !== null) sock.write(r);
      }
    });
  });
  await new Promise<void>((r) => server.listen(join(tmp, `s${++n}.sock`), r));
  return server;
}
const pathOf = (s: Server) => s.address() as string;
const idOf = (line: string) => (JSON.parse(line) as { id: number }).id;
const close = (s: Server) =>
  new Promise<void>((r) => {
    s.close(() => r());
    (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  });

test('no answer in time: timeout, with the path in the message', async (t) => {
  const server = await fake(() => null);
  t.after(() => close(server));
  const c = new ControlClient(pathOf(server), { timeoutMs: 50 });
  const r = await c.request('list', {});
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'timeout');
  assert.equal(r.error.message, `rope run did not answer on ${pathOf(server)} within 0.05 s`);
  c.close();
});

test('an answer of the wrong shape, or not of the protocol: protocol error', async (t) => {
  const server = await fake((line) =>
    line.includes('"list"')
      ? JSON.stringify({ v: 1, id: idOf(line), ok: true, result: { entries: 'no' } }) + '\n'
      : 'hello\n',
  );
  t.after(() => close(server));
  const c = new ControlClient(pathOf(server));
  const wrong = await c.request('list', {});
  assert.ok(!wrong.ok);
  assert.equal(wrong.error.code, 'protocol');
  assert.match(wrong.error.message, /the answer to list does not have the shape/);
  const nonsense = await c.request('stats', {});
  assert.ok(!nonsense.ok);
  assert.equal(nonsense.error.code, 'protocol');
  c.close();
});

test('answers are matched by id, whatever their order', async (t) => {
  const held: [Socket, string][] = [];
  const server = await fake((line, sock) => {
    held.push([sock, line]);
    if (held.length === 2)
      for (const [s, l] of held.reverse())
        s.write(
          JSON.stringify({
            v: 1,
            id: idOf(l),
            ok: true,
            result: { passAll: l.includes('"on":true'), changed: false },
          }) + '\n',
        );
    return null;
  });
  t.after(() => close(server));
  const c = new ControlClient(pathOf(server));
  const [a, b] = await Promise.all([
    c.request('pass-all', { on: true }),
    c.request('pass-all', { on: false }),
  ]);
  assert.ok(a.ok && b.ok);
  assert.equal(a.value.passAll, true);
  assert.equal(b.value.passAll, false);
  c.close();
});

test('the server hanging up before answering: closed; the next request connects again', async (t) => {
  let calls = 0;
  const server = await fake((line, sock) => {
    if (++calls === 1) {
      sock.destroy();
      return null;
    }
    return (
      JSON.stringify({
        v: 1,
        id: idOf(line),
        ok: true,
        result: { passAll: false, changed: false },
      }) + '\n'
    );
  });
  t.after(() => close(server));
  const c = new ControlClient(pathOf(server));
  const first = await c.request('pass-all', {});
  assert.ok(!first.ok);
  assert.equal(first.error.code, 'closed');
  assert.ok((await c.request('pass-all', {})).ok);
  c.close();
});

test('connect errors in words', () => {
  const e = (code: string) =>
    connectError('/run/p2pwall/rope.sock', Object.assign(new Error(code), { code }));
  assert.deepEqual(e('ENOENT'), {
    code: 'no-server',
    message: 'no rope run is listening on /run/p2pwall/rope.sock (is it running with --control?)',
  });
  assert.equal(e('ECONNREFUSED').code, 'no-server');
  assert.deepEqual(e('EACCES'), {
    code: 'permission',
    message: 'needs root: the control socket /run/p2pwall/rope.sock is mode 0600',
  });
  assert.equal(e('EPERM').code, 'permission');
  assert.deepEqual(e('EMFILE'), {
    code: 'io',
    message: 'cannot connect to /run/p2pwall/rope.sock: EMFILE',
  });
});
