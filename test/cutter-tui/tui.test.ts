// cutter's interactive view end to end, as root, in the lab: the real binary runs in tmux in the
// router, and the test uses it as a person would — reads the screen, moves, selects, cuts,
// confirms, quits — then checks what the endpoints themselves saw and that no rule is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolArgv } from '../../tools/lab/host.js';
import { withLab } from '../../tools/lab/topology.js';
import { leftovers } from '../cutter/support.js';
import { privilegedSkip } from '../support/environment.js';
import { TmuxSession } from './tmux.js';

const skip = privilegedSkip(['ip', 'tmux', 'nft', 'conntrack']);

/**
 * The program's whole environment. Not the test's: under CI=true (or CONTINUOUS_INTEGRATION)
 * Ink assumes no terminal and draws only the final frame, so the screen would stay empty while
 * cutter runs. A person's terminal has neither; NO_COLOR is left out too, so colours are on.
 */
const ENV = {
  PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: process.env.HOME ?? '/root',
  LANG: 'C.UTF-8',
};

/** With P2PWALL_TUI_SCREENS=DIR the screens of each step are kept there (for the docs' capture). */
function keep(step: string, screen: string): void {
  const dir = process.env.P2PWALL_TUI_SCREENS;
  if (dir) writeFileSync(join(dir, `${step}.txt`), screen);
}

/** The screen line showing the connection from `endpoint` (address:port), or undefined. */
const lineOf = (screen: string, endpoint: string) =>
  screen.split('\n').find((l) => l.includes(`${endpoint} `));

test(
  "cutter IP in tmux: lists the host's connections live, cuts the selected one after y, the others survive, no rule left",
  { skip },
  () =>
    withLab({ clients: 2, nat: 'masquerade', conntrackAccounting: true }, async (lab) => {
      const [c1, c2] = lab.clients;
      const mine = await lab.tcpConnections({ from: c1, to: lab.server, count: 3 });
      const closing = await lab.tcpConnections({ from: c1, to: lab.server, count: 1 });
      const others = await lab.tcpConnections({ from: c2, to: lab.server, count: 2 });
      const endpoint = (c: { clientPort: number | undefined }, host = c1) =>
        `${host.ipv4}:${c.clientPort}`;

      const tmux = new TmuxSession(lab.router, { columns: 120, rows: 24, env: ENV });
      try {
        await tmux.start([...toolArgv('cutter'), c1.ipv4]);
        let screen = await tmux.waitFor(
          (s) => [...mine, ...closing].every((c) => lineOf(s, endpoint(c))),
          "c1's four connections",
        );
        keep('1-listed', screen);
        for (const c of others.connections)
          assert.equal(lineOf(screen, endpoint(c, c2)), undefined, "c2's connections are not c1's");
        assert.match(screen, /4 shown \/ 4 total/);
        for (const c of mine.connections)
          assert.match(lineOf(screen, endpoint(c))!, /ESTABLISHED .* SNAT 198\.51\.100\.1:\d+/);

        // live: a connection opened now appears, one closed by its client changes state
        const late = await lab.tcpConnections({ from: c1, to: lab.server, count: 1 });
        await tmux.waitFor(
          (s) => /ESTABLISHED/.test(lineOf(s, endpoint(late.get(0))) ?? ''),
          'the new connection',
        );
        closing.close('client');
        await tmux.waitFor(
          (s) =>
            /TIME_WAIT|FIN_WAIT|CLOSE|LAST_ACK/.test(lineOf(s, endpoint(closing.get(0))) ?? ''),
          'the closed connection changing state',
        );

        // move to the middle one of the first three, select it, cut it, confirm
        const target = [...mine.connections].sort((a, b) => a.clientPort! - b.clientPort!)[1];
        await tmux.send('g');
        screen = await tmux.waitFor(
          (s) => s.split('\n').some((l) => l.startsWith('>  tcp')),
          'the cursor on the first row',
        );
        const lines = screen.split('\n');
        const down =
          lines.findIndex((l) => l.includes(`${endpoint(target)} `)) -
          lines.findIndex((l) => l.startsWith('>'));
        assert.ok(
          down > 0,
          'rows are ordered by the initiator port here, so the target is below the first',
        );
        for (let i = 0; i < down; i++) await tmux.send('j');
        await tmux.waitFor(
          (s) => lineOf(s, endpoint(target))!.startsWith('>'),
          'the cursor on the target row',
        );
        await tmux.send('Space');
        await tmux.waitFor(
          (s) => lineOf(s, endpoint(target))!.startsWith('>*') && /1 selected/.test(s),
          'the target row selected',
        );
        await tmux.send('c');
        screen = await tmux.waitFor((s) => s.includes('[y/N]'), 'the confirmation question');
        keep('2-confirm', screen);
        assert.match(
          screen,
          new RegExp(`Cut tcp ESTABLISHED ${endpoint(target).replace(/\./g, '\\.')} -> `),
        );
        await tmux.send('y');
        // the run ends once the cut verified, deleted the entry and removed its rules
        screen = await tmux.waitFor(
          (s) => /^1 cut, 0 failed, 0 skipped in \d+ ms/m.test(s),
          'the end of the cut',
        );
        keep('3-cut', screen);
        assert.match(lineOf(screen, endpoint(target))!, /gone .* cut in [\d.]+ ms/);
        assert.match(screen, /1 cut · 0 failed/);

        // what the endpoints saw: the target reset on both ends, every other connection still open
        await mine.waitForState('reset', { which: [target], timeoutMs: 5000 });
        assert.equal(target.status().client.code, 'ECONNRESET');
        assert.equal(target.status().server.code, 'ECONNRESET');
        const bystanders = [
          ...mine.connections.filter((x) => x !== target),
          ...late.connections,
          ...others.connections,
        ];
        for (const c of bystanders)
          assert.deepEqual([c.status().client.state, c.status().server.state], ['open', 'open']);

        await tmux.send('q');
        screen = await tmux.waitFor((s) => s.includes('exited with status'), 'cutter to exit');
        keep('4-exit', screen);
        assert.match(screen, /exited with status 0/);
        // the session's record stays in the terminal after the screen is gone
        assert.match(
          screen,
          new RegExp(
            `^cut +tcp ESTABLISHED ${endpoint(target).replace(/\./g, '\\.')} -> .* in [\\d.]+ ms`,
            'm',
          ),
        );
        assert.match(screen, /^1 cut, 0 failed, 0 skipped$/m);
        assert.equal(await leftovers(lab), '', 'no temporary firewall rule of cutter is left');
        for (const c of bystanders)
          assert.deepEqual([c.status().client.state, c.status().server.state], ['open', 'open']);
      } finally {
        await tmux.kill();
      }
    }),
);

test(
  'Ctrl-C while a cut runs: the cut is interrupted, its firewall rules removed, cutter exits 1',
  { skip },
  () =>
    withLab({}, async (lab) => {
      const conns = await lab.tcpConnections({ from: lab.client, to: lab.server, count: 1 });
      const conn = conns.get(0);
      // the server goes silent, so the cut waits for its answer until interrupted
      await lab.server.nft(
        `table inet p2pw_silent {\n chain input {\n  type filter hook input priority 0;\n  tcp dport ${conns.port} drop\n }\n}\n`,
      );
      const tmux = new TmuxSession(lab.router, { columns: 100, rows: 16, env: ENV });
      try {
        // the historical form: IP PORT IP2 PORT2 (port 0 = any)
        await tmux.start([
          ...toolArgv('cutter'),
          '--timeout',
          '30000',
          lab.client.ipv4,
          '0',
          lab.server.ipv4,
          String(conns.port),
        ]);
        await tmux.waitFor(
          (s) => (lineOf(s, `${lab.client.ipv4}:${conn.clientPort}`) ?? '').startsWith('>'),
          'the connection under the cursor',
        );
        await tmux.send('c');
        await tmux.waitFor((s) => s.includes('[y/N]'), 'the confirmation question');
        await tmux.send('y');
        await tmux.waitFor((s) => /cutting 0\/1/.test(s), 'the cut running');
        // the rules go in just after the screen says "cutting": wait until they are there
        for (let i = 0; (await leftovers(lab)) === ''; i++) {
          assert.ok(i < 100, 'the cut never installed its temporary rules');
          await new Promise((r) => setTimeout(r, 50));
        }
        await tmux.send('C-c');
        const screen = await tmux.waitFor(
          (s) => s.includes('exited with status'),
          'cutter to exit',
        );
        keep('5-interrupted', screen);
        assert.match(screen, /exited with status 1/);
        assert.match(screen, /^failed +tcp ESTABLISHED .*: interrupted$/m);
        assert.equal(await leftovers(lab), '', 'no temporary firewall rule of cutter is left');
      } finally {
        await tmux.kill();
      }
    }),
);

test(
  'cutter without arguments shows every connection; / narrows it; a tiny terminal is told so; NO_COLOR has no colour',
  { skip },
  () =>
    withLab({ clients: 2 }, async (lab) => {
      const [c1, c2] = lab.clients;
      const one = await lab.tcpConnections({ from: c1, to: lab.server, count: 2 });
      const two = await lab.tcpConnections({ from: c2, to: lab.server, count: 2 });
      const rowOf = (host: typeof c1, c: { clientPort: number | undefined }) =>
        `${host.ipv4}:${c.clientPort}`;
      // LANG=C: the ASCII glyphs
      const tmux = new TmuxSession(lab.router, {
        columns: 100,
        rows: 16,
        env: { ...ENV, LANG: 'C', NO_COLOR: '1' },
      });
      try {
        await tmux.start(toolArgv('cutter'));
        let screen = await tmux.waitFor(
          (s) =>
            [...one].every((c) => lineOf(s, rowOf(c1, c))) &&
            [...two].every((c) => lineOf(s, rowOf(c2, c))),
          'every connection',
        );
        assert.match(screen, /^cutter \| all connections$/m);
        assert.match(screen, /^j\/k move {2}space select/m);
        assert.doesNotMatch(
          await tmux.screen(true),
          /\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;)/,
          'no colour under NO_COLOR',
        );

        await tmux.send('/');
        await tmux.waitFor((s) => /^\/_/m.test(s), 'the filter prompt');
        for (const ch of c2.ipv4) await tmux.send(ch);
        await tmux.send('Enter');
        screen = await tmux.waitFor(
          (s) => s.includes(`filter: ${c2.ipv4}`) && !lineOf(s, rowOf(c1, one.get(0))),
          "only c2's connections",
        );
        assert.match(screen, /2 shown \/ \d+ total/);
        for (const c of two) assert.ok(lineOf(screen, rowOf(c2, c)));

        await tmux.resize(50, 8);
        await tmux.waitFor(
          (s) => s.startsWith('terminal too small: need 60x10, have 50x8'),
          'the too-small message',
        );
        await tmux.resize(100, 16);
        await tmux.waitFor((s) => s.includes(`filter: ${c2.ipv4}`), 'the table again');

        await tmux.send('q');
        screen = await tmux.waitFor((s) => s.includes('exited with status'), 'cutter to exit');
        assert.match(screen, /exited with status 0/);
        assert.doesNotMatch(screen, /^cut /m, 'nothing was cut, nothing reported');
        for (const g of [one, two])
          assert.deepEqual([g.counts().client.open, g.counts().server.open], [2, 2]);
      } finally {
        await tmux.kill();
      }
    }),
);
