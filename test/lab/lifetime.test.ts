// A lab's lifetime, as root in namespaces it creates: two labs at once never meet, and nothing
// survives teardown — after destroy(), a thrown error, SIGINT/SIGTERM of the process that made
// the lab, and `lab down` (which spares the labs of processes still running).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeArgv } from '../../tools/lab/host.js';
import { namespaceOwner } from '../../tools/lab/netns.js';
import { createLab, withLab } from '../../tools/lab/topology.js';
import { privilegedSkip, repoRoot } from '../support/environment.js';
import { leftoversAfter } from './leftovers.js';

/** A TypeScript program of the repository in a child process (stdout and stderr piped). */
function spawnScript(...args: string[]) {
  const [node, ...rest] = nodeArgv(args);
  return spawn(node, rest, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
}

const skip = privilegedSkip(['ip', 'nft', 'iptables', 'conntrack', 'ping', 'tcpdump', 'curl']);

test('two labs at once use the same addresses without meeting', { skip }, async () => {
  const [a, b] = await Promise.all([createLab({}), createLab({})]);
  try {
    assert.notEqual(a.id, b.id);
    const [ca, cb] = await Promise.all([
      a.tcpConnections({ from: a.client, to: a.server, count: 2 }),
      b.tcpConnections({ from: b.client, to: b.server, count: 3 }),
    ]);
    assert.equal(ca.counts().server.open, 2);
    assert.equal(cb.counts().server.open, 3);
    assert.equal((await a.router.conntrackEntries(4)).filter((e) => e.proto === 'tcp').length, 2);
    assert.equal((await b.router.conntrackEntries(4)).filter((e) => e.proto === 'tcp').length, 3);
  } finally {
    await Promise.all([a.destroy(), b.destroy()]);
  }
  assert.deepEqual([...(await leftoversAfter(a.id)), ...(await leftoversAfter(b.id))], []);
});

test(
  'destroy() and await using leave nothing: namespaces, processes, files',
  { skip },
  async () => {
    let id = '';
    let pids: number[] = [];
    {
      await using lab = await createLab({ clients: 2, servers: 2 });
      id = lab.id;
      await lab.tcpConnections({ from: lab.client, to: lab.server, count: 5, busy: true });
      await lab.http({ files: [{ name: 'x', size: 10 }] });
      await lab.capture(lab.router, 'lan0', join(lab.workDir, 'x.pcap'));
      pids = lab.processes.pids();
      assert.ok(pids.length >= 4);
      assert.equal(namespaceOwner(lab.router.ns), process.pid);
    }
    assert.deepEqual(await leftoversAfter(id, pids), []);
  },
);

test('a thrown error inside withLab still removes the lab', { skip }, async () => {
  let id = '';
  let pids: number[] = [];
  await assert.rejects(
    withLab({}, async (lab) => {
      id = lab.id;
      await lab.tcpConnections({ from: lab.client, to: lab.server, count: 2 });
      pids = lab.processes.pids();
      throw new Error('test failed midway');
    }),
    /test failed midway/,
  );
  assert.deepEqual(await leftoversAfter(id, pids), []);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(
    `${signal} to a process holding a lab with traffic running removes everything`,
    { skip },
    async () => {
      const child = spawnScript(join(repoRoot, 'test/lab/fixtures/hold-lab.ts'));
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const info = await new Promise<{ id: string; pids: number[]; ok: boolean }>(
        (resolve, reject) => {
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            if (out.includes('\n'))
              resolve(
                JSON.parse(out.split('\n')[0]) as { id: string; pids: number[]; ok: boolean },
              );
          });
          child.once('exit', (code) => reject(new Error(`fixture exited (${code}) early: ${err}`)));
        },
      );
      assert.ok(info.ok, 'traffic was running');
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      child.kill(signal);
      assert.equal(await exited, signal === 'SIGINT' ? 130 : 143);
      assert.deepEqual(await leftoversAfter(info.id, info.pids), []);
    },
  );
}

test(
  '`lab up` keeps a lab across commands; `status` lists it; `down ID` removes it',
  { skip },
  async () => {
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawnScript(join(repoRoot, 'tools/lab/cli.ts'), ...args);
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (out += d.toString()));
        c.once('exit', (code) => resolve({ code, out }));
      });
    const up = await cli(['up', '--clients', '1', '--nat', 'dnat']);
    assert.equal(up.code, 0, up.out);
    const id = /^lab ([0-9a-f]{6})/m.exec(up.out)?.[1];
    assert.ok(id, up.out);
    try {
      assert.match(up.out, /ip netns exec p2pw-[0-9a-f]{6}-r bash/);
      assert.match(up.out, /DNAT: 203\.0\.113\.1/);
      const status = await cli(['status']);
      assert.match(status.out, new RegExp(`lab ${id}: up, made by lab up`));
      assert.match(status.out, new RegExp(`p2pw-${id}-c1`));
      const usage = await cli(['up', '--nat', 'sideways']);
      assert.equal(usage.code, 2);
      assert.match(usage.out, /lab option nat: 'sideways'/);
    } finally {
      const down = await cli(['down', id]);
      assert.equal(down.code, 0, down.out);
      assert.match(down.out, /removed 3 namespace\(s\)/);
    }
    assert.deepEqual(await leftoversAfter(id), []);
  },
);

test(
  '`lab down` spares the namespaces of a process still running (a test in progress)',
  { skip },
  async () => {
    await withLab({}, async (lab) => {
      const c = spawnScript(join(repoRoot, 'tools/lab/cli.ts'), 'down', lab.id);
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => c.once('exit', r));
      assert.match(
        out,
        new RegExp(`left 3 namespace\\(s\\) of running process\\(es\\) ${process.pid}`),
      );
      assert.ok(await lab.client.ping(lab.server.ipv4), 'the lab still works');
    });
  },
);
