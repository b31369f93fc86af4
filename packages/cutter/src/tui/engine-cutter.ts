// The real cutter behind the view: the engine's cut() with the command line's options (timeout,
// freeze, firewall backend …). Each confirmed batch is one cut() call, which installs its
// temporary firewall rules and removes them before it resolves — also when aborted by quitting.
import type { Connection } from '../find/connection.js';
import { cut, type CutOptions } from '../cut/engine.js';
import type { CutResult } from '../cut/result.js';
import type { ConnectionCutter, CutHooks } from './ports.js';

export function engineCutter(options: CutOptions, cutFn: typeof cut = cut): ConnectionCutter {
  return {
    cut(connections: Connection[], hooks: CutHooks): Promise<CutResult[]> {
      return cutFn(connections, {
        ...options,
        onResult: (r) => {
          options.onResult?.(r);
          hooks.onResult(r);
        },
        signal: hooks.signal,
      });
    },
  };
}
