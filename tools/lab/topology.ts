// The lab's API for tests, benchmarks and `npm run lab`: make a lab (`createLab`, `withLab`), find
// one made by another process (`attachLab`), and take one away (`removeLab`). A lab is LAN clients
// — router — servers in network namespaces (network.ts builds it; lab.ts is what a program holds).
// `destroy()` (or `await using`, or `withLab`) stops the lab's processes and removes its
// namespaces and files; an exit, SIGINT or SIGTERM of the process that made it does the same.
import { mkdirSync } from 'node:fs';
import { Lab } from './lab.js';
import { resolveLabOptions, type LabOptions, type LabState } from './lab-options.js';
import { runId, trackTempPath } from './netns.js';
import { buildNetwork, labWorkDir, removeLab } from './network.js';

export { Lab } from './lab.js';
export type { LabOptions, LabState } from './lab-options.js';
export { labWorkDir, removeLab } from './network.js';

/** Builds a lab. Throws (after removing what it made) when a step fails. */
export async function createLab(options: LabOptions = {}): Promise<Lab> {
  const opts = resolveLabOptions(options);
  const id = options.id ?? runId();
  if (!/^[0-9a-f]{6}$/.test(id)) throw new RangeError(`lab id '${id}' is not 6 hex digits`);
  const workDir = labWorkDir(id);
  if (!opts.keep) trackTempPath(workDir);
  mkdirSync(workDir, { recursive: true, mode: 0o755 });
  // A kept lab is not owned by this process: destroy() then stops only its processes.
  const lab = new Lab(
    { id, options: opts, workDir, createdAt: new Date().toISOString() },
    !opts.keep,
  );
  try {
    buildNetwork(lab, opts);
  } catch (e) {
    await lab.destroy();
    removeLab(id);
    throw e;
  }
  return lab;
}

/** A lab that already exists (made by `npm run lab -- up`): destroy() stops only what this process started. */
export function attachLab(state: Omit<LabState, 'pid'> & { pid?: number }): Lab {
  return new Lab(state, false);
}

/**
 * Runs `fn` with a fresh lab and always destroys it afterwards, also when `fn` throws.
 * `await withLab({ nat: 'masquerade' }, async (lab) => { … })`.
 */
export async function withLab<T>(options: LabOptions, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await createLab(options);
  try {
    return await fn(lab);
  } finally {
    await lab.destroy();
  }
}
