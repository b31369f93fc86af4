// The real cutter behind the view, as opposed to the tests' fakes: cut() with the command line's
// options (timeout, freeze, firewall backend …). Each confirmed batch is one cut() call, which
// installs its temporary firewall rules and removes them before it resolves — also when aborted
// by quitting.
import type { Connection } from '../find/connection.js';
import { cut } from '../cut/cut.js';
import type { CutOptions } from '../cut/options.js';
import type { CutResult } from '../cut/result.js';
import type { ConnectionCutter, CutHooks } from './ports.js';

export function kernelCutter(options: CutOptions, cutFn: typeof cut = cut): ConnectionCutter {
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
