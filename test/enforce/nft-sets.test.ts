// rope run's kernel sets when they are nftables sets, as root, in a lab: the rules of
// `rope rules --nft` loaded into the router (with the queue statement left out, for kernels
// without CONFIG_NFT_QUEUE: rope run binds its queue all the same), so rope run finds rope's nft
// table and writes its sets over netlink (core's nftables codec) — elements added with their own
// timeout, deleted, flushed — and the table's drop rules act on them: `rope ctl block` refuses new
// connections to the peer, `rope ctl lock` a client's, until unblock / unlock / pass-all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import { RopeRun } from '../rope-run/harness.js';
import { connects, ctl, listed, PORTS, startServer, trackerResponse, until } from './support.js';

const skip = privilegedSkip(['ip', 'nft', 'python3']);
let lab: Lab;
let dir: string;
let server: ChildProcess | null = null;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'p2pw-nftsets-'));
  lab = await createLab({ clients: 2 });
  server = await startServer(lab.server, trackerResponse([]));
});

after(async () => {
  server?.kill('SIGTERM');
  if (lab) await lab.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `nft list set ip rope NAME` in the router. */
async function nftSet(name: string): Promise<string> {
  return (await lab.router.exec(['nft', 'list', 'set', 'ip', 'rope', name])).stdout;
}

test(
  'enforcement (root) with nft sets: rope ctl block / lock fill them over netlink with timeouts, the kernel drops, unblock / unlock / pass-all empty them',
  { skip },
  async () => {
    const r = lab.router;
    const [a, b] = lab.clients;
    const s = lab.server.ipv4;
    const printed = await r.rope(['rules', '--nft', '--family', 'ipv4'], { source: true });
    const script = printed.stdout
      .split('\n')
      .filter((l) => !/^\s*queue num /.test(l))
      .join('\n');
    await r.nft(script);
    const sock = join(dir, 'rope.sock');
    const run = await RopeRun.start(r, ['--queue', '0', '--script', 'gnutella', '--control', sock]);
    try {
      assert.match(run.stderr(), /kernel sets nft ip rope/);
      assert.ok(await connects(a, s, PORTS.web), 'before any block, A reaches the server');

      // a blocked peer (address and port): new connections to it are dropped, others pass
      assert.equal((await ctl(r, sock, ['block', `${s}:${PORTS.web}`, '--for', '120'])).code, 0);
      await until('the element in blockedp4', async () =>
        (await nftSet('blockedp4')).includes(`${s} . ${PORTS.web}`),
      );
      assert.match(await nftSet('blockedp4'), /timeout 2m.*expires/);
      assert.equal(await connects(a, s, PORTS.web), false, 'the blocked peer is refused');
      assert.ok(await connects(a, s, PORTS.other), 'another port of the same host is not');
      assert.ok((await listed(r, sock)).some((e) => e.kind === 'block' && e.port === PORTS.web));
      assert.equal((await ctl(r, sock, ['unblock', `${s}:${PORTS.web}`])).code, 0);
      await until(
        'the element gone from blockedp4',
        async () => !(await nftSet('blockedp4')).includes(`${s} . ${PORTS.web}`),
      );
      assert.ok(await connects(a, s, PORTS.web), 'unblocked, the peer is reached again');

      // a locked client: its new connections are dropped, B's are not
      assert.equal((await ctl(r, sock, ['lock', a.ipv4, '--for', '60'])).code, 0);
      await until('A in locked4', async () => (await nftSet('locked4')).includes(a.ipv4));
      assert.equal(await connects(a, s, PORTS.web), false, 'the locked client is refused');
      assert.ok(await connects(b, s, PORTS.web), 'the other client is not');
      assert.equal((await ctl(r, sock, ['unlock', a.ipv4])).code, 0);
      await until('A gone from locked4', async () => !(await nftSet('locked4')).includes(a.ipv4));
      assert.ok(await connects(a, s, PORTS.web), 'unlocked, A connects again');

      // pass-all empties every set at once
      await ctl(r, sock, ['block', s, '--for', '300']);
      await ctl(r, sock, ['lock', b.ipv4, '--for', '300']);
      await until(
        'both sets filled',
        async () =>
          (await nftSet('blocked4')).includes(s) && (await nftSet('locked4')).includes(b.ipv4),
      );
      assert.equal((await ctl(r, sock, ['pass-all', 'on'])).code, 0);
      await until(
        'every set empty',
        async () =>
          !(await nftSet('blocked4')).includes(s) && !(await nftSet('locked4')).includes(b.ipv4),
      );
      assert.ok(await connects(b, s, PORTS.web), 'with pass-all, B connects');
    } finally {
      await run.stop();
      await r.exec(['nft', 'delete', 'table', 'ip', 'rope'], { allowFail: true });
    }
  },
);
