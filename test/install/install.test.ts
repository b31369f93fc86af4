// The user's install path, end to end: `npm pack` each package (its prepack builds the code and
// the man pages), install the four tarballs with `npm install -g` into an empty prefix — the
// third-party dependencies from the npm cache (--prefer-offline), no git checkout, no compiler —
// then run the installed `rope` and `cutter` from there, `rope top` in tmux. Everything lives in
// one temporary directory, removed at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TmuxSession } from '../cutter-tui/tmux.js';
import { runAsync } from '../../tools/lab/netns.js';
import { repoRoot, toolSkip } from '../support/environment.js';

const run = promisify(execFile);
const skip = toolSkip(['npm']);
const PACKAGES = ['core', 'tui', 'rope', 'cutter'];

let tmp: string;
let prefix: string;
const tarballs: string[] = [];

// npm's own chatter off; nothing outside the temporary directory is written but the npm cache
const env = {
  ...process.env,
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  npm_config_loglevel: 'error',
};

before(async () => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), 'p2pwall-install-'));
  prefix = join(tmp, 'prefix');
  for (const p of PACKAGES) {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tmp], {
      cwd: join(repoRoot, 'packages', p),
      env,
      maxBuffer: 64 << 20,
    });
    // the JSON report follows whatever the prepack script printed
    const report = stdout.slice(stdout.search(/^\[/m));
    tarballs.push(join(tmp, (JSON.parse(report) as { filename: string }[])[0].filename));
  }
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The files of a tarball, as `tar -t` lists them (under package/). */
async function contents(tarball: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 64 << 20 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
}

test(
  'npm pack: code, types, launchers, built-ins, samples, man pages and the unit; no tests, no maps',
  { skip },
  async () => {
    const [core, tui, rope, cutter] = await Promise.all(tarballs.map(contents));
    for (const files of [core, tui, rope, cutter]) {
      assert.ok(files.includes('package.json'));
      assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'));
      const stray = files.filter(
        (f) =>
          /\.test\.|\.map$|tsbuildinfo|^src\//.test(f) ||
          f.startsWith('test/') ||
          f.includes('/test/'),
      );
      assert.deepEqual(stray, [], 'compiled tests, source maps, sources');
    }
    assert.ok(core.includes('dist/completion/index.js'));
    assert.ok(core.includes('launcher/fresh-entry.js'), 'the launchers’ choice');
    for (const f of [
      'bin/rope.js',
      'dist/cli/main.js',
      'builtins/bittorrent.rope',
      'builtins/gnutella.rope',
      'builtins/http-large.rope',
      'samples/http-downloads.pcap',
      'man/rope.1',
      'man/rope-run.8',
      'systemd/rope-run@.service',
      'systemd/rope-run.json',
    ])
      assert.ok(rope.includes(f), `rope: ${f}`);
    for (const f of ['bin/cutter.js', 'dist/cli/main.js', 'man/cutter.8'])
      assert.ok(cutter.includes(f), `cutter: ${f}`);
  },
);

test(
  'npm install -g from the tarballs into an empty prefix: rope and cutter work from there',
  { skip, timeout: 600_000 },
  async () => {
    await run(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-save', ...tarballs],
      { env, cwd: tmp, maxBuffer: 64 << 20 },
    );
    const bin = join(prefix, 'bin');
    const lib = join(prefix, 'lib', 'node_modules', '@p2pwall');
    assert.deepEqual(readdirSync(lib).sort(), ['core', 'cutter', 'rope', 'tui']);
    // the workspace dependencies resolved to the core and tui installed from their tarballs, not
    // other copies
    for (const p of ['rope', 'cutter'])
      for (const d of ['core', 'tui'])
        assert.ok(!existsSync(join(lib, p, 'node_modules', '@p2pwall', d)), `${p}: ${d}`);
    await run('npm', ['ls', '--global', '--prefix', prefix], { env });

    // a bundled sample, labelled by the installed rope with the built-in scripts
    const sample = join(lib, 'rope', 'samples', 'http-downloads.pcap');
    const classify = await run(join(bin, 'rope'), ['classify', '--json', sample], { cwd: tmp });
    const flows = classify.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { labels: string[] });
    assert.ok(flows.length > 0);
    assert.ok(
      flows.some((f) => f.labels.includes('http-large')),
      classify.stdout,
    );

    // a script of the user's: parsed by the parser the build made into its own file
    writeFileSync(join(tmp, 'get.rope'), '$data "GET " find 0 eq { yes } if no\n');
    const own = await run(
      join(bin, 'rope'),
      ['classify', '--json', '--script', 'get.rope', sample],
      {
        cwd: tmp,
      },
    );
    assert.match(own.stdout, /"labels":\["get"\]/);
    writeFileSync(join(tmp, 'open.rope'), '$data "GET " find 0 eq {\n');
    const bad = await run(join(bin, 'rope'), ['classify', '--script', 'open.rope', sample], {
      cwd: tmp,
    }).catch((e: { code: number; stderr: string }) => e);
    assert.equal((bad as { code?: number }).code, 1, JSON.stringify(bad));
    assert.match(
      bad.stderr,
      /^open\.rope:1:24: error: block `\{` opened at 1:24 is never closed$/m,
    );

    const version = await run(join(bin, 'rope'), ['--version']);
    assert.equal(version.stdout, 'rope 0.1.0\n');
    const check = await run(join(bin, 'rope'), [
      'run',
      '--config',
      join(lib, 'rope', 'systemd', 'rope-run.json'),
      '--check',
    ]);
    assert.equal(check.stdout, 'ok\n');
    const completion = await run(join(bin, 'rope'), ['completion', 'bash']);
    assert.match(completion.stdout, /^complete -o filenames -F _rope rope$/m);

    const help = await run(join(bin, 'cutter'), ['--help']);
    assert.match(help.stdout, /^usage: cutter \[options\] \[IP \[PORT \[IP2 \[PORT2\]\]\]\]$/m);
    assert.equal((await run(join(bin, 'cutter'), ['--version'])).stdout, 'cutter 0.1.0\n');
    // the scripted path (dist/bundle/cutter-scripted.cjs) finds core's native add-ons where npm put
    // them: as root it reads conntrack and finds nothing (exit 2), else it names the capability (4)
    const list = await run(join(bin, 'cutter'), ['--list', '--json', '203.0.113.99']).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    const listed = list as { code?: number; stderr: string };
    if (listed.code === 4) assert.match(listed.stderr, /CAP_NET_ADMIN/);
    else assert.equal(listed.code, 2, JSON.stringify(list));

    // npm links the "man" pages into the prefix's manual
    for (const page of ['man1/rope.1', 'man8/rope-run.8', 'man8/cutter.8'])
      assert.ok(existsSync(join(prefix, 'share', 'man', page)), page);
  },
);

test(
  'the installed rope top draws from its bundle: the view and the tui pieces on one React, q quits',
  { skip: skip || toolSkip(['tmux']), timeout: 120_000 },
  async () => {
    const rope = join(prefix, 'bin', 'rope');
    assert.ok(existsSync(rope), 'rope is installed (see the test above)');
    const here = { exec: (argv: string[], opts = {}) => runAsync(argv, { cwd: tmp, ...opts }) };
    const tmux = new TmuxSession(here, {
      columns: 100,
      rows: 20,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, LANG: 'C.UTF-8' },
    });
    try {
      // no rope run at that socket: the view draws and says so (a second React would fail its hooks)
      await tmux.start([rope, 'top', '--control', join(tmp, 'no-rope-run.sock')]);
      const screen = await tmux.waitFor((s) => s.includes('no rope run reachable'), 'the view');
      assert.match(screen, /^rope top · no rope run reachable/m);
      assert.match(screen, /q quit/);
      await tmux.send('q');
      await tmux.waitFor((s) => s.includes('exited with status 0'), 'the exit');
    } finally {
      await tmux.kill();
    }
  },
);
