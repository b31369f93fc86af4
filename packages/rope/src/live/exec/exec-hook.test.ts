import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import type { EnforcementEvent } from '../enforcement.js';
import { ExecHook, type Spawn } from './exec-hook.js';

const cut = (peer: string): EnforcementEvent => ({
  kind: 'cut',
  label: 'bittorrent',
  client: '192.0.2.10',
  peer,
  seconds: null,
});
const block: EnforcementEvent = {
  kind: 'block',
  label: 'dns-train',
  client: null,
  peer: '203.0.113.7',
  seconds: 300,
};

/** A spawn whose children end when the test says so. */
function fakeSpawn() {
  const children: { env: NodeJS.ProcessEnv; stdin: string; child: EventEmitter }[] = [];
  const spawn: Spawn = (_file, _args, { env }) => {
    const child = new EventEmitter() as ChildProcess & EventEmitter;
    const stdin = new PassThrough();
    const rec = { env, stdin: '', child };
    stdin.on('data', (d: Buffer) => (rec.stdin += d.toString()));
    Object.assign(child, { stdin, kill: () => true });
    children.push(rec);
    return child;
  };
  return { spawn, children };
}

test('exec: one command at a time per kind; the rest wait in a bounded queue, overflow counted', () => {
  const { spawn, children } = fakeSpawn();
  const logs: string[] = [];
  const hook = new ExecHook({ argv: ['notify'], log: (l) => logs.push(l), spawn, queueLimit: 2 });
  hook.notify(cut('198.51.100.1:1'));
  hook.notify(block); // another kind: runs at once
  hook.notify(cut('198.51.100.2:2'));
  hook.notify(cut('198.51.100.3:3'));
  hook.notify(cut('198.51.100.4:4')); // the queue (2) is full: dropped
  assert.equal(children.length, 2);
  assert.deepEqual(hook.counts, { started: 2, failed: 0, dropped: 1 });
  assert.equal(logs.length, 1);
  children[0].child.emit('close', 0, null);
  assert.equal(children.length, 3);
  assert.equal(children[2].env.P2PWALL_PEER, '198.51.100.2:2');
  children[2].child.emit('close', 3, null);
  assert.equal(children[3].env.P2PWALL_PEER, '198.51.100.3:3');
  children[3].child.emit('error', new Error('spawn notify ENOENT'));
  children[1].child.emit('close', null, 'SIGKILL');
  assert.equal(children.length, 4);
  assert.deepEqual(hook.counts, { started: 4, failed: 3, dropped: 1 });
  assert.deepEqual(hook.byKind, {
    lock: { started: 0, ok: 0, failed: 0, dropped: 0 },
    block: { started: 1, ok: 0, failed: 1, dropped: 0 },
    cut: { started: 3, ok: 1, failed: 2, dropped: 1 },
  });
  assert.deepEqual(logs.slice(1), [
    '--exec: notify (cut event) exited with status 3',
    '--exec: notify (cut event) could not start: spawn notify ENOENT',
    '--exec: notify (block event) was ended by SIGKILL',
  ]);
});

test('exec: the event in P2PWALL_* variables and as one JSON line on stdin', async () => {
  const { spawn, children } = fakeSpawn();
  const hook = new ExecHook({ argv: ['x'], log: () => {}, spawn, env: { PATH: '/bin' } });
  hook.notify(block, 1_800_000_000);
  const c = children[0];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(c.env, {
    PATH: '/bin',
    P2PWALL_EVENT: 'block',
    P2PWALL_LABEL: 'dns-train',
    P2PWALL_CLIENT: '',
    P2PWALL_PEER: '203.0.113.7',
    P2PWALL_SECONDS: '300',
    P2PWALL_TIME: '2027-01-15T08:00:00.000Z',
  });
  assert.deepEqual(JSON.parse(c.stdin), {
    event: 'block',
    schema: 1,
    time: '2027-01-15T08:00:00.000Z',
    kind: 'block',
    label: 'dns-train',
    client: null,
    peer: '203.0.113.7',
    seconds: 300,
  });
  assert.ok(c.stdin.endsWith('}\n'));
});

test('exec: a real command without a shell gets its arguments as given', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rope-exec-'));
  try {
    const out = join(dir, 'out');
    const logs: string[] = [];
    const hook = new ExecHook({
      argv: [
        process.execPath,
        '-e',
        'const fs=require("fs");fs.writeFileSync(process.argv[1], JSON.stringify({arg: process.argv[2], env: process.env.P2PWALL_EVENT, stdin: fs.readFileSync(0, "utf8")}))',
        out,
        'a b; $c',
      ],
      log: (l) => logs.push(l),
    });
    hook.notify(cut('198.51.100.9:6881'));
    await hook.idle();
    assert.deepEqual(logs, []);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(got.arg, 'a b; $c');
    assert.equal(got.env, 'cut');
    assert.equal(JSON.parse(got.stdin).peer, '198.51.100.9:6881');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
