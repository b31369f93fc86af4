// Chevrotain, loaded from the single-file bundle the package ships. Its package entry imports
// lodash-es as some 600 separate ES modules, which costs about half a second at every start of
// `rope` (measured: 481 ms against 26 ms for the bundle); the bundle is the same code, but the
// package's exports map does not expose it, so it is found next to the entry file. Its minified
// twin, the same build, loads in 26–28 ms against 35–42 ms (V8 scans the whole file of an ES
// module before it runs), so it is preferred.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('chevrotain')), '..');
  for (const file of ['chevrotain.min.mjs', 'chevrotain.mjs']) {
    const bundle = join(lib, file);
    if (existsSync(bundle)) return (await import(pathToFileURL(bundle).href)) as typeof Chevrotain;
  }
  return import('chevrotain');
}

const chevrotain = await load();

export const { EmbeddedActionsParser, Lexer, createToken, createTokenInstance } = chevrotain;
