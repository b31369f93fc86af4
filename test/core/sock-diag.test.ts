// sock_diag against the real kernel: a TCP connection on loopback of the test's own namespace is
// listed like `ss` lists it, and SOCK_DESTROY aborts it (both ends notice).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createNamespace,
  execIn,
  removeNamespace,
  runId,
  spawnIn,
  stopProcess,
} from '../../tools/lab/netns.js';
import { privilegedSkip } from '../support/environment.js';
import { op } from './support.js';
import type { ChildProcess } from 'node:child_process';

const skip = privilegedSkip(['ip', 'ss']);
let ns = '';
let peer: ChildProcess | null = null;
let peerOut = '';

// one process holds a server and a client socket on loopback and reports how they end
const PEER = `
const net = require('node:net');
const srv = net.createServer((s) => { s.on('error', (e) => console.log('server ' + e.code)); s.on('close', () => console.log('server closed')); });
srv.listen(7070, '127.0.0.1', () => {
  const c = net.connect(7070, '127.0.0.1', () => console.log('open'));
  c.on('error', (e) => console.log('client ' + e.code));
});`;

before(async () => {
  if (skip) return;
  ns = createNamespace(runId(), 'diag');
  peer = spawnIn(ns, [process.execPath, '-e', PEER]);
  peer.stdout!.on('data', (d) => (peerOut += d));
  const t = Date.now();
  while (!peerOut.includes('open') && Date.now() - t < 5000)
    await new Promise((r) => setTimeout(r, 20));
});

after(async () => {
  if (peer) await stopProcess(peer, 100);
  if (ns) removeNamespace(ns);
});

test('lists both ends of a loopback connection as ss does', { skip }, () => {
  const ours: any[] = op(ns, { op: 'listTcp', filter: { port: 7070 } });
  assert.equal(ours.length, 2);
  const ss = execIn(ns, ['ss', '-tnH', 'state', 'established']).stdout;
  for (const s of ours) {
    assert.equal(s.state, 1);
    assert.ok(ss.includes(`${s.src}:${s.srcPort}`), ss);
    assert.ok(ss.includes(`${s.dst}:${s.dstPort}`), ss);
  }
  assert.deepEqual(
    op<any[]>(ns, { op: 'listTcp', filter: { localPort: 7070 } }).map((s) => s.srcPort),
    [7070],
  );
  assert.deepEqual(op<any[]>(ns, { op: 'listTcp', filter: { port: 1 } }), []);
});

test('SOCK_DESTROY aborts the server side and the client is reset', { skip }, async () => {
  assert.deepEqual(op(ns, { op: 'destroy', filter: { localPort: 7070 } }), [true]);
  const t = Date.now();
  while (
    !(peerOut.includes('client ECONNRESET') && peerOut.includes('server ECONNABORTED')) &&
    Date.now() - t < 5000
  )
    await new Promise((r) => setTimeout(r, 20));
  assert.match(peerOut, /server ECONNABORTED/);
  assert.match(peerOut, /client ECONNRESET/);
  assert.deepEqual(op(ns, { op: 'listTcp', filter: { port: 7070 } }), []);
});
