#!/usr/bin/env node
// Writes the built-in scripts' parsed form into packages/rope/dist/builtin-ast/ with the parser
// just compiled into dist/ (see packages/rope/src/builtins/parsed-cache.ts): commands that compile
// only built-in scripts then skip the parser. Run by `npm run build` and rope's prepack, after
// `tsc -b`.
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../packages/rope/dist/', import.meta.url));
const { writeParsedForms } = await import(`${dist}builtins/parsed-cache.js`);
const { parse } = await import(`${dist}parser/parse.js`);
const { SourceFile } = await import(`${dist}source.js`);

const written = writeParsedForms((file, source) => {
  const r = parse(new SourceFile(file, source));
  return { program: r.program, problems: r.diagnostics.length };
});
process.stderr.write(`build-builtin-ast: ${written.length} parsed scripts written\n`);
