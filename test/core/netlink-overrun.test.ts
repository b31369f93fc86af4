// A receive-buffer overrun must be a counter, not a crash: `netlink` 0.3.0 aborts the process on
// ENOBUFS (see packages/core/src/netlink/socket-options.ts), so sockets are opened with
// NETLINK_NO_ENOBUFS and overruns are read from the kernel's drop counter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { nodeArgv } from '../../tools/lab/host.js';
import { createNamespace, execIn, removeNamespace, runId } from '../../tools/lab/netns.js';
import { privilegedSkip, repoRoot } from '../support/environment.js';
import { activateConntrack } from './support.js';

test(
  'an overrun of a conntrack event socket is reported as overrun and the process survives',
  { skip: privilegedSkip(['ip', 'nft']) },
  () => {
    const ns = createNamespace(runId(), 'ovr');
    try {
      activateConntrack(ns);
      const r = execIn(ns, nodeArgv([join(repoRoot, 'test/core/netlink-overrun.child.ts')]), {
        timeoutMs: 30_000,
      });
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
        messages: number;
        overruns: number;
        drops: number;
      };
      assert.ok(
        out.drops > 0,
        `the kernel dropped no event (${r.stdout}); the test did not overrun the socket`,
      );
      assert.ok(out.overruns >= 1, `drops ${out.drops} but no 'overrun' event`);
      assert.ok(out.messages > 0);
    } finally {
      removeNamespace(ns);
    }
  },
);
