// `rope top` from the command line: it refuses to draw without a terminal, and Ink and React are
// loaded only when the view opens (not for `rope --help`, `rope ctl`, or a refusal).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { repoRoot } from '../../../../test/support/environment.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rope-top-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// a module hook that reports every import of ink or react on stderr
const hook = join(tmp, 'hook.mjs');
writeFileSync(
  hook,
  'export async function resolve(s, c, next) { if (/^(ink|react)$/.test(s)) process.stderr.write(`LOADED ${s}\\n`); return next(s, c); }\n',
);
const register = join(tmp, 'register.mjs');
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
);

function rope(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--import', register, MAIN, ...args],
      { cwd: repoRoot, encoding: 'utf8' },
      (err, stdout, stderr) =>
        resolve({ status: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
    );
    child.stdin?.end(); // a pipe, not a terminal
  });
}

test('rope top without a terminal: exit 2 and where to look instead; Ink not loaded', async () => {
  const r = await rope(['top', '--control', join(tmp, 'none.sock')]);
  assert.deepEqual(r, {
    status: 2,
    stdout: '',
    stderr:
      "rope top: the live view needs a terminal; for scripts, use 'rope ctl stats --json' and 'rope ctl list --json'\n",
  });
});

test('the hook sees an import of ink (so its silence below means something)', async () => {
  const seen = await new Promise<string>((resolve) =>
    execFile(
      process.execPath,
      ['--import', register, '--input-type=module', '-e', "await import('ink')"],
      { cwd: repoRoot, encoding: 'utf8' },
      (_err, _stdout, stderr) => resolve(stderr),
    ),
  );
  assert.match(seen, /^LOADED ink$/m);
});

test('rope --help and rope top --help load neither Ink nor React', async () => {
  const help = await rope(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /\n {2}top +a live view of a running rope run/);
  assert.equal(help.stderr, '');
  const top = await rope(['top', '--help']);
  assert.match(top.stdout, /^usage: rope top \[--control PATH\]/);
  assert.equal(top.stderr, '');
});

test('rope top: usage errors', async () => {
  const r = await rope(['top', 'extra']);
  assert.equal(r.status, 2);
  assert.equal(
    r.stderr,
    "rope top: unexpected argument 'extra'\nTry 'rope top --help' for usage.\n",
  );
});
