// rope top end to end: the real command in tmux, watching a ControlServer this test serves from a
// MemoryControlTarget on a socket in a temp directory. It sees a lock's countdown move, unlocks
// it with u as a person would, and quits with q. Needs tmux only (no root, no namespaces).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryControlTarget } from '../../packages/rope/src/control/memory-target.js';
import { ControlServer } from '../../packages/rope/src/control/server.js';
import { repoRoot, toolArgv } from '../../tools/lab/host.js';
import { runAsync } from '../../tools/lab/netns.js';
import { TmuxSession } from '../cutter-tui/tmux.js';
import { inCI, onPath } from '../support/environment.js';

/** This machine, as TmuxSession runs commands on a host. */
const here = { exec: (argv: string[], opts = {}) => runAsync(argv, { cwd: repoRoot, ...opts }) };

/** A person's terminal: not CI (Ink would draw only the last frame), colours on, UTF-8. */
const ENV = {
  PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: process.env.HOME ?? '/root',
  LANG: 'C.UTF-8',
};

const skip = onPath('tmux')
  ? false
  : inCI
    ? assert.fail('tmux is not installed: in CI this test must run')
    : 'needs tmux';

/** The LEFT of the lock's row, in seconds ("4m58s" → 298). */
function lockLeft(screen: string): number | null {
  const row = screen.split('\n').find((l) => /locked +192\.0\.2\.10 /.test(l));
  const m = row && /(\d+)m(\d\d)s\s*$/.exec(row);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

test('rope top in tmux: a lock counts down, u unlocks it, q quits', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rope-top-'));
  const target = new MemoryControlTarget();
  const server = await ControlServer.listen({ path: join(dir, 'rope.sock'), target });
  const tmux = new TmuxSession(here, { columns: 100, rows: 20, env: ENV });
  try {
    target.lock({
      target: { address: '192.0.2.10', family: 4, port: null },
      seconds: 300,
      label: 'bittorrent',
    });
    target.block({
      target: { address: '198.51.100.7', family: 4, port: 6881 },
      seconds: null,
      label: 'manual',
    });
    await tmux.start([...toolArgv('rope', true), 'top', '--control', server.path]);
    let screen = await tmux.waitFor((s) => lockLeft(s) !== null, 'the lock', 60_000);
    assert.match(screen, /^rope top · up \d+s · /m);
    assert.match(screen, /> locked +192\.0\.2\.10 +bittorrent +4m\d\ds/);
    assert.match(screen, /blocked +198\.51\.100\.7:6881 +manual +until removed/);
    const first = lockLeft(screen)!;
    screen = await tmux.waitFor((s) => (lockLeft(s) ?? first) < first, 'the countdown moving');
    // colours are on (no NO_COLOR): the title is drawn with an SGR sequence
    assert.match(await tmux.screen(true), /\x1b\[[0-9;]*m.*rope top/);

    await tmux.send('u');
    screen = await tmux.waitFor((s) => s.includes('unlocked 192.0.2.10'), 'the unlock');
    assert.equal(target.isLocked('192.0.2.10'), false);
    screen = await tmux.waitFor((s) => lockLeft(s) === null, 'the lock gone from the table');
    assert.match(screen, /> blocked +198\.51\.100\.7:6881/, 'the cursor moved to the block');
    assert.match(screen, /0 locked 1 blocked/);

    await tmux.send('q');
    await tmux.waitFor((s) => s.includes('exited with status 0'), 'the exit');
    assert.ok(target.isBlocked('198.51.100.7', 6881), 'quitting changes nothing');
  } finally {
    await tmux.kill();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
