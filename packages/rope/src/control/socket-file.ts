// The control socket's place in the file system. The server makes the directory (mode 0700) if
// it is missing, and takes the path over from a dead rope run — a socket file nobody accepts on —
// but never from a live one, nor replaces a file that is not a socket.
import { lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { ControlStartError } from './errors.js';

export const DEFAULT_CONTROL_PATH = '/run/p2pwall/rope.sock';

/** What is at a socket path: a server accepting, a socket file nobody serves, or nothing. */
export type SocketProbe = 'live' | 'stale' | 'absent' | 'forbidden';

export function probeSocket(path: string, timeoutMs = 1000): Promise<SocketProbe> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (p: SocketProbe) => {
      clearTimeout(timer);
      s.destroy();
      resolve(p);
    };
    // a server too busy to accept still holds the path: take no answer as alive
    const timer = setTimeout(() => done('live'), timeoutMs);
    s.on('connect', () => done('live'));
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') done('stale');
      else if (e.code === 'ENOENT') done('absent');
      else if (e.code === 'EACCES' || e.code === 'EPERM') done('forbidden');
      else done('live');
    });
  });
}

/**
 * Makes `path` free for a new server: creates its directory (0700) when missing, removes a stale
 * socket, and throws ControlStartError when another server holds it or the file is no socket.
 */
export async function claimSocketPath(path: string): Promise<void> {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ControlStartError(
      err.code === 'EACCES' || err.code === 'EPERM' ? 'permission' : 'io',
      `cannot create the control socket's directory ${dirname(path)}: ${err.code ?? err.message}`,
    );
  }
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ControlStartError(
      'io',
      `cannot look at ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (!isSocket)
    throw new ControlStartError(
      'not-a-socket',
      `${path} exists and is not a socket: remove it, or give another --control path`,
    );
  const probe = await probeSocket(path);
  if (probe === 'live')
    throw new ControlStartError(
      'in-use',
      `another rope run already listens on ${path}: stop it, or give this one another --control path`,
    );
  if (probe === 'forbidden')
    throw new ControlStartError('permission', `cannot open ${path} to see whether it is in use`);
  if (probe === 'stale') {
    try {
      unlinkSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new ControlStartError(
          'io',
          `cannot remove the stale socket ${path}: ${(e as NodeJS.ErrnoException).code}`,
        );
    }
  }
}
