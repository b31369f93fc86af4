// koffi loads through its native module where it can, which spares the start-up of every command
// that uses it the https, tls and zlib modules its entry file pulls in (see koffi.ts). Checked in
// a fresh process, since a process loads koffi once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fastPath = process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch);

function inFreshProcess(code: string): string {
  const r = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', code],
    { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)) },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test(
  'koffi loads without its download tooling, and works',
  { skip: fastPath ? false : 'koffi is loaded through its entry on this platform' },
  () => {
    const out = inFreshProcess(`
      const { loadKoffi, loadLibc } = await import(${JSON.stringify(new URL('./koffi.ts', import.meta.url).href)});
      const k = loadKoffi();
      const getpid = loadLibc().func('int getpid()');
      const loaded = process.moduleLoadList.filter((m) => /NativeModule (https|zlib|tls)$/.test(m));
      console.log(JSON.stringify({ pid: getpid() === process.pid, sizeof: k.sizeof('void *'), loaded }));
    `);
    assert.deepEqual(JSON.parse(out), { pid: true, sizeof: 8, loaded: [] });
  },
);
