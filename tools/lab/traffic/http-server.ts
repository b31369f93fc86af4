// The lab's HTTP server, run inside a lab namespace: `http-server.ts --port P --dir D`.
// Serves the files of D (GET and HEAD, single byte ranges per RFC 9110 §14), dual-stack. Reports on
// stdout, one JSON object per line: {"event":"ready","port":P}, and per request
// {"event":"request","path":…,"range":…,"status":206,"bytes":N,"complete":true|false,"at":…}
// where `complete` is false when the client or the network cut the response short.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseRange } from './http-range.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, dir: { type: 'string' } } });
if (!values.port || !values.dir) {
  process.stderr.write('usage: http-server.ts --port P --dir D\n');
  process.exit(2);
}
const dir = values.dir;
const emit = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
const now = () => performance.timeOrigin + performance.now();

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://lab');
  const name = basename(decodeURIComponent(url.pathname));
  const report = (status: number, bytes: number, complete: boolean, range?: string) =>
    emit({
      event: 'request',
      path: url.pathname,
      range: range ?? null,
      status,
      bytes,
      complete,
      at: now(),
    });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    report(405, 0, true);
    return;
  }
  let size: number;
  try {
    const st = statSync(join(dir, name));
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    report(404, 0, true);
    return;
  }
  const rangeHeader = req.headers.range;
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
    report(416, 0, true, rangeHeader);
    return;
  }
  const [start, end] = range ?? [0, size - 1];
  const length = size === 0 ? 0 : end - start + 1;
  const status = range ? 206 : 200;
  const headers: Record<string, string | number> = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': length,
    'Accept-Ranges': 'bytes',
  };
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    report(status, 0, true, rangeHeader);
    return;
  }
  let sent = 0;
  const stream = createReadStream(join(dir, name), { start, end, highWaterMark: 256 * 1024 });
  stream.on('data', (chunk) => (sent += chunk.length));
  stream.pipe(res);
  res.on('close', () => {
    stream.destroy();
    report(status, sent, res.writableFinished, rangeHeader);
  });
});
server.keepAliveTimeout = 1000;
server.on('error', (e) => {
  process.stderr.write(`http-server: ${e.message}\n`);
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
server.listen({ port: Number(values.port), host: '::', ipv6Only: false }, () =>
  emit({ event: 'ready', port: Number(values.port) }),
);
