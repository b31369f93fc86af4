// The lab an enforcement test file runs in: two clients (A and B), the router, the server of
// support.ts (startServer) and a scratch directory, made before the file's first test and torn
// down after its last, so that every test file sets it up and cleans it up the same way.
import { after, before } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import type { LabHost } from '../../tools/lab/host.js';
import { startServer } from './support.js';

/** Set once the file's `before` hook ran (never when the file's tests are skipped). */
export interface EnforcementLab {
  lab: Lab;
  a: LabHost;
  b: LabHost;
  /** The server's IPv4 address. */
  s: string;
  /** A scratch directory for control sockets and state files. */
  dir: string;
}

export interface EnforcementLabOptions {
  /** The file's skip reason: no lab is made when it is set. */
  skip: string | false;
  /** Prefix of the scratch directory's name. */
  prefix: string;
  /** What the server answers a tracker announce with, given its address. */
  tracker: (s: string) => Buffer;
  /** Runs in the lab before the server starts (rules the whole file relies on). */
  prepare?: (lab: Lab) => Promise<void>;
  /** Runs before the lab is destroyed (what a failed test may have left in the router). */
  cleanup?: (lab: Lab) => Promise<void>;
}

/** Registers the file's `before` and `after` hooks; the lab's parts are set when its tests run. */
export function enforcementLab(o: EnforcementLabOptions): EnforcementLab {
  const env = {} as EnforcementLab;
  let server: ChildProcess | null = null;
  before(async () => {
    if (o.skip) return;
    env.dir = mkdtempSync(join(tmpdir(), o.prefix));
    env.lab = await createLab({ clients: 2 });
    [env.a, env.b] = env.lab.clients;
    env.s = env.lab.server.ipv4;
    await o.prepare?.(env.lab);
    server = await startServer(env.lab.server, o.tracker(env.s));
  });
  after(async () => {
    server?.kill('SIGTERM');
    if (env.lab) {
      await o.cleanup?.(env.lab);
      await env.lab.destroy();
    }
    if (env.dir) rmSync(env.dir, { recursive: true, force: true });
  });
  return env;
}
