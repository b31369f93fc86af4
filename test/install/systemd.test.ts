// The systemd unit template packages/rope/systemd/rope-run@.service: `systemd-analyze verify`
// passes on it, and it runs exactly the commands the package provides, with no more privilege
// than CAP_NET_ADMIN and CAP_NET_RAW.
//
// verify checks that each Exec*= program exists and that each Documentation= man page opens. The
// unit names `rope` without a path (systemd looks in /usr/local/bin and /usr/bin, where npm -g puts
// it); this machine has no installed rope, so the copy verified here names the repository's
// launcher instead — the only change — and MANPATH points at the pages built from docs/man.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, toolSkip } from '../support/environment.js';
import { runCli } from '../../packages/rope/src/cli/run-cli.js';

const UNIT = join(repoRoot, 'packages/rope/systemd/rope-run@.service');
const LAUNCHER = join(repoRoot, 'packages/rope/bin/rope.js');
const tmp = mkdtempSync(join(tmpdir(), 'p2pwall-systemd-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** key → values, from the [Service] (or another) section. */
function section(text: string, name: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const body = text.split(`[${name}]\n`)[1]?.split(/\n\[/)[0] ?? '';
  for (const line of body.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  }
  return out;
}

test('rope-run@.service: rules in before the start, out after the stop; the capabilities it needs, no more', async () => {
  const unit = readFileSync(UNIT, 'utf8');
  const service = section(unit, 'Service');
  const config = '/etc/p2pwall/%i.json';
  assert.deepEqual(service.get('ExecStartPre'), [`rope rules --config ${config} --install`]);
  assert.deepEqual(service.get('ExecStart'), [`rope run --config ${config}`]);
  assert.deepEqual(service.get('ExecStopPost'), [`rope rules --config ${config} --remove`]);
  assert.deepEqual(service.get('Restart'), ['on-failure']);
  assert.deepEqual(service.get('AmbientCapabilities'), ['CAP_NET_ADMIN CAP_NET_RAW']);
  assert.deepEqual(service.get('CapabilityBoundingSet'), ['CAP_NET_ADMIN CAP_NET_RAW']);
  for (const [key, value] of [
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
    ['PrivateDevices', 'yes'],
    ['ProtectKernelModules', 'yes'],
    ['RestrictSUIDSGID', 'yes'],
  ])
    assert.deepEqual(service.get(key), [value], key);
  assert.deepEqual(section(unit, 'Install').get('DefaultInstance'), ['rope-run']);
  // the options it passes are rope's (the rest comes from the file)
  for (const args of [
    ['rules', '--config', 'x.json', '--install', '--help'],
    ['run', '--config', 'x.json', '--help'],
  ]) {
    const status = await runCli(args, { out: () => {}, err: () => {} });
    assert.equal(status, 0, args.join(' '));
  }
});

test(
  'systemd-analyze verify passes on rope-run@.service',
  { skip: toolSkip(['systemd-analyze', 'man']) },
  () => {
    const unit = readFileSync(UNIT, 'utf8');
    const local = unit.replace(
      /^(ExecStartPre|ExecStart|ExecStopPost)=rope /gm,
      (_, key: string) => `${key}=${LAUNCHER} `,
    );
    assert.equal(local.split(LAUNCHER).length - 1, 3, 'three commands');
    const dir = join(tmp, 'units');
    mkdirSync(dir);
    writeFileSync(join(dir, 'rope-run@.service'), local);
    const man = join(tmp, 'man');
    execFileSync(
      process.execPath,
      [join(repoRoot, 'tools/man/build-man.mjs'), 'rope', '--out', man],
      {
        stdio: 'pipe',
      },
    );
    for (const [page, sec] of [
      ['rope.1', 'man1'],
      ['rope-run.8', 'man8'],
    ]) {
      mkdirSync(join(man, sec), { recursive: true });
      writeFileSync(join(man, sec, page), readFileSync(join(man, page)));
    }
    const r = spawnSync('systemd-analyze', ['verify', join(dir, 'rope-run@.service')], {
      encoding: 'utf8',
      env: { ...process.env, MANPATH: man, SYSTEMD_LOG_LEVEL: 'notice' },
    });
    assert.equal(r.stderr, '', 'no complaint');
    assert.equal(r.status, 0);
    // it does complain when something is wrong: a program that does not exist
    writeFileSync(join(dir, 'rope-run@.service'), local.replaceAll(LAUNCHER, '/nonexistent/rope'));
    const missing = spawnSync('systemd-analyze', ['verify', join(dir, 'rope-run@.service')], {
      encoding: 'utf8',
      env: { ...process.env, MANPATH: man },
    });
    assert.match(missing.stderr, /Command \/nonexistent\/rope is not executable/);
    assert.notEqual(missing.status, 0);
  },
);
