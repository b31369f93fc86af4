// Firewall errors as records, and the one-line messages they render, from real tool runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTool, runToolSync } from './command.js';
import { FirewallError, firewallFaultMessage } from './errors.js';

function thrown(f: () => unknown): FirewallError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof FirewallError);
    return e;
  }
  assert.fail('expected FirewallError');
}

test('a refused command: the tool, its exit status, its words and the capability it needs', () => {
  const argv = ['sh', '-c', 'echo "nft: Operation not permitted" >&2; echo more >&2; exit 1'];
  const e = thrown(() => runToolSync(argv, 'adding rules'));
  assert.deepEqual(e.fault, {
    kind: 'exited',
    operation: 'adding rules',
    argv,
    status: 1,
    stderr: 'nft: Operation not permitted\nmore\n',
  });
  assert.equal(e.reason, 'privilege');
  assert.equal(
    e.message,
    `adding rules failed (\`${argv.join(' ')}\` exited with 1): nft: Operation not permitted | more — needs CAP_NET_ADMIN (run as root, or grant the capability)`,
  );
  const unsupported = thrown(() =>
    runToolSync(['sh', '-c', 'echo "Protocol not supported" >&2; exit 2'], 'adding rules'),
  );
  assert.equal(unsupported.reason, 'unsupported');
  const silent = thrown(() => runToolSync(['sh', '-c', 'exit 3'], 'listing'));
  assert.equal(silent.reason, 'failed');
  assert.match(silent.message, /exited with 3\): no message$/);
});

test('a missing tool, and no backend at all, are missing-tool', async () => {
  await assert.rejects(runTool(['/nonexistent/nft', 'list', 'tables'], 'listing'), (e) => {
    assert.ok(e instanceof FirewallError);
    assert.deepEqual(e.fault, {
      kind: 'not-installed',
      operation: 'listing',
      argv: ['/nonexistent/nft', 'list', 'tables'],
    });
    assert.equal(e.reason, 'missing-tool');
    assert.equal(e.message, 'listing: /nonexistent/nft is not installed');
    assert.equal(e.stderr, '');
    return true;
  });
  const none = new FirewallError({ kind: 'no-backend' });
  assert.equal(none.reason, 'missing-tool');
  assert.deepEqual(none.argv, []);
  assert.equal(
    none.message,
    'neither nft nor iptables is installed: cannot add the temporary firewall rules the cut needs',
  );
  assert.equal(
    firewallFaultMessage({
      kind: 'spawn-failed',
      operation: 'x',
      argv: ['nft'],
      cause: 'spawnSync nft ETIMEDOUT',
    }),
    'x: spawnSync nft ETIMEDOUT',
  );
});
