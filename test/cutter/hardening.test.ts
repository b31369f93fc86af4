// cutter's hardening, end to end in the lab: a SIGKILLed cutter's rules are removed by the next
// cutter (never a live one's), the iptables backend leaves no empty raw base chains, connections
// already closing are counted and not failures, and --yes never defaults to everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from '../../tools/lab/topology.js';
import { withLab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import { cutter, leftovers } from './support.js';

const skip = privilegedSkip(['ip', 'nft', 'conntrack', 'iptables']);

/** Both ends drop the router's packets on these ports: a cut of them waits for its timeout. */
async function deafen(lab: Lab, ports: number[]): Promise<void> {
  const rules = ports.flatMap((p) => [`    tcp sport ${p} drop`, `    tcp dport ${p} drop`]);
  for (const h of [lab.client, lab.server])
    await h.nft(
      `table inet deaf {\n  chain in {\n    type filter hook input priority -400;\n${rules.join('\n')}\n  }\n}\n`,
    );
}

/** The cutter tables in the router now. */
async function cutterTables(lab: Lab): Promise<string[]> {
  const tables = (await lab.router.nft(['list', 'tables'])).stdout;
  return tables.match(/p2pwall_cutter_\d+/g) ?? [];
}

/** Starts a cutter that keeps cutting (deaf ends) and resolves once its rules are in place. */
async function waitingCutter(lab: Lab, port: number): Promise<ChildProcess> {
  const before = (await cutterTables(lab)).length;
  const child = lab.router.spawnTool(
    'cutter',
    ['--yes', '--json', '--timeout', '30000', '--port', String(port)],
    { source: true },
  );
  const t0 = Date.now();
  while ((await cutterTables(lab)).length === before && Date.now() - t0 < 15_000)
    await new Promise((r) => setTimeout(r, 50));
  assert.equal((await cutterTables(lab)).length, before + 1, 'the cutter installed its table');
  return child;
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((r) =>
    child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code)),
  );

test(
  'a SIGKILLed cutter leaves its table; the next cutter removes it, says so, spares a live one',
  { skip },
  () =>
    withLab({}, async (lab) => {
      const killedConns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 2 });
      const liveConns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 2 });
      await deafen(lab, [killedConns.port, liveConns.port]);

      // both run at once (neither is a leftover when the other starts); then one is killed
      const killed = await waitingCutter(lab, killedConns.port);
      const [killedTable] = await cutterTables(lab);
      const live = await waitingCutter(lab, liveConns.port);
      const liveTable = (await cutterTables(lab)).find((t) => t !== killedTable)!;
      process.kill(-killed.pid!, 'SIGKILL');
      await exitOf(killed);
      assert.deepEqual(
        (await cutterTables(lab)).sort(),
        [killedTable, liveTable].sort(),
        'SIGKILL leaves the table',
      );

      // the next cutter (here one that finds nothing to cut) cleans up first, and says so
      const next = await cutter(lab.router, ['--yes', '--json', '203.0.113.99']);
      assert.equal(next.code, 2, next.stderr);
      const events = next.events.filter((e) => e.event === 'leftovers-removed');
      assert.equal(events.length, 1, next.stdout);
      assert.deepEqual(events[0].removed, [
        { backend: 'nft', name: killedTable, pid: Number(killedTable.split('_').pop()) },
      ]);
      assert.deepEqual(await cutterTables(lab), [liveTable], "the live cutter's table stays");

      // in text mode: nothing left to remove, so nothing said
      const quiet = await cutter(lab.router, ['--yes', '203.0.113.99']);
      assert.match(quiet.stderr, /^cutter: no connection matches 203\.0\.113\.99, IPv4\n$/);

      process.kill(-live.pid!, 'SIGINT');
      assert.equal(await exitOf(live), 130);
      for (const h of [lab.client, lab.server]) await h.nft(['delete', 'table', 'inet', 'deaf']);
      const ruleset = (await lab.router.nft(['list', 'ruleset'])).stdout;
      assert.doesNotMatch(ruleset, /p2pwall|P2PWALL/);
      assert.equal(await leftovers(lab), '');
    }),
);

test('text mode: the leftovers line names what was removed, on stderr', { skip }, () =>
  withLab({}, async (lab) => {
    const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 1 });
    await deafen(lab, [conns.port]);
    const killed = await waitingCutter(lab, conns.port);
    const [table] = await cutterTables(lab);
    process.kill(-killed.pid!, 'SIGKILL');
    await exitOf(killed);
    const next = await cutter(lab.router, ['--yes', '203.0.113.99']);
    assert.equal(next.code, 2);
    assert.equal(
      next.stderr.split('\n')[0],
      `cutter: removed the temporary rules of a cutter that was killed: nft table ${table} (pid ${table.split('_').pop()})`,
    );
    assert.equal(next.stdout, '');
    assert.equal(await leftovers(lab), '');
    for (const h of [lab.client, lab.server]) await h.nft(['delete', 'table', 'inet', 'deaf']);
  }),
);

test('the iptables backend leaves no empty raw base chains behind', { skip }, () =>
  withLab({}, async (lab) => {
    const tablesBefore = (await lab.router.nft(['list', 'tables'])).stdout;
    await lab.tcpConnections({ from: lab.client, to: lab.server, count: 1 });
    const run = await cutter(lab.router, [
      '--yes',
      '--json',
      '--firewall',
      'iptables',
      lab.client.ipv4,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await leftovers(lab), '');
    assert.equal((await lab.router.nft(['list', 'tables'])).stdout, tablesBefore);

    // base chains that were there before, or hold rules of others, stay
    await lab.router.iptables([
      '-t',
      'raw',
      '-A',
      'OUTPUT',
      '-p',
      'udp',
      '--dport',
      '9',
      '-j',
      'ACCEPT',
    ]);
    await lab.tcpConnections({ from: lab.client, to: lab.server, count: 1 });
    const again = await cutter(lab.router, [
      '--yes',
      '--json',
      '--firewall',
      'iptables',
      lab.client.ipv4,
    ]);
    assert.equal(again.code, 0, again.stderr);
    const raw = (await lab.router.exec(['iptables-save', '-t', 'raw'])).stdout;
    assert.match(raw, /-A OUTPUT -p udp -m udp --dport 9 -j ACCEPT/);
    assert.match((await lab.router.nft(['list', 'tables'])).stdout, /table ip raw/);
    assert.equal(await leftovers(lab), '');
  }),
);

test(
  'entries already closing: not failures, counted in the summary, listed only when asked',
  { skip },
  () =>
    withLab({}, async (lab) => {
      const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 3 });
      const [c, s] = [lab.client.ipv4, lab.server.ipv4];
      // 40 TIME_WAIT and 10 CLOSE entries between the same hosts, to the same port
      for (let i = 0; i < 50; i++) {
        const sport = String(61000 + i);
        await lab.router.exec([
          'conntrack',
          '-I',
          '-p',
          'tcp',
          '-s',
          c,
          '-d',
          s,
          '--sport',
          sport,
          '--dport',
          String(conns.port),
          '-r',
          s,
          '-q',
          c,
          '--reply-port-src',
          String(conns.port),
          '--reply-port-dst',
          sport,
          '--state',
          i < 40 ? 'TIME_WAIT' : 'CLOSE',
          '--timeout',
          '300',
          '-u',
          'SEEN_REPLY,ASSURED',
        ]);
      }
      const args = [c, '0', s, String(conns.port)];
      const run = await cutter(lab.router, ['--yes', '--json', ...args]);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.results;
      assert.equal(lines.length, 3, 'only the live connections are listed');
      assert.deepEqual([...new Set(lines.map((r) => r.result))], ['cut']);
      const summary = run.events.filter((e) => e.event === 'summary');
      assert.equal(summary.length, 1);
      const last = run.stdout.trim().split('\n').pop()!;
      assert.equal(JSON.parse(last).event, 'summary', 'the summary is the last line');
      assert.deepEqual(
        { cut: summary[0].cut, failed: summary[0].failed, skipped: summary[0].skipped },
        { cut: 3, failed: 0, skipped: 0 },
      );
      assert.equal(summary[0].closing, 50);
      assert.equal(run.stderr, '');
      await conns.waitForState(['reset', 'closed'], { timeoutMs: 5000 });

      // the closing entries are still there (left alone): text mode counts them too
      const text = await cutter(lab.router, ['--yes', ...args]);
      assert.equal(text.code, 0, text.stderr);
      assert.equal(text.stdout, '');
      assert.equal(text.stderr, '0 cut, 0 failed, 0 skipped, 50 already closing, left alone\n');
      // asked for: one line each
      const shown = await cutter(lab.router, ['--yes', '--json', '--show-closing', ...args]);
      assert.equal(shown.code, 0, shown.stderr);
      const closing = shown.results.filter((r) => r.result === 'closing');
      assert.equal(closing.length, 50);
      assert.match(closing[0].reason, /^already closing \((TIME_WAIT|CLOSE)\)$/);
      assert.equal(await leftovers(lab), '');
    }),
);

test('--yes without an address, a filter or --all: usage error, nothing cut', { skip }, () =>
  withLab({}, async (lab) => {
    const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 2 });
    for (const args of [['--yes'], ['--yes', '--json'], ['--yes', '--json', '--proto', 'tcp']]) {
      const run = await cutter(lab.router, args);
      assert.equal(run.code, 3, args.join(' '));
      assert.equal(run.stdout, '');
      assert.match(
        run.stderr,
        /^cutter: --yes needs an address, a prefix or a filter \(--port, --state, --mark, --zone\), or --all to cut every connection \(see cutter --help\)\n$/,
      );
    }
    assert.equal(conns.counts().client.open, 2);
    assert.equal(conns.counts().server.open, 2);
    assert.equal(await leftovers(lab), '');
    // --all says it: every connection goes
    const all = await cutter(lab.router, ['--yes', '--json', '--all', '--proto', 'tcp']);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.results.filter((r) => r.result === 'cut').length, 2);
    await conns.waitForState(['reset', 'closed'], { timeoutMs: 5000 });
    assert.equal(await leftovers(lab), '');
  }),
);
