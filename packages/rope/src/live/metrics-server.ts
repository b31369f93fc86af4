// The HTTP endpoint of `rope run --metrics HOST:PORT`: GET /metrics answers with the Prometheus
// text of prometheus.ts, its counters read from every thread at that moment. Scrapes are served
// one after another (they update one registry). Anything else gets 404; the server never keeps
// the process alive by itself.
import { createServer, type Server } from 'node:http';
import { RopeMetrics, type Scrape } from './prometheus.js';

export interface MetricsAddress {
  /** undefined: every address. */
  host: string | undefined;
  port: number;
}

export interface MetricsServer {
  /** Where it listens, as a URL. */
  url: string;
  /** The port (the one the system chose when asked for port 0). */
  port: number;
  close(): Promise<void>;
}

/** A server that could not listen (port in use, address not local): a message for the user. */
export class MetricsServerError extends Error {
  override name = 'MetricsServerError';
}

export async function startMetricsServer(
  at: MetricsAddress,
  scrape: () => Promise<Scrape>,
): Promise<MetricsServer> {
  const metrics = new RopeMetrics();
  let queue: Promise<unknown> = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('rope run serves /metrics\n');
      return;
    }
    const answer = queue.then(async () => {
      metrics.update(await scrape());
      return metrics.text();
    });
    queue = answer.catch(() => {});
    answer.then(
      (body) =>
        res
          .writeHead(200, { 'content-type': metrics.contentType })
          .end(req.method === 'HEAD' ? '' : body),
      (e: unknown) =>
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`rope run: reading the counters failed: ${e instanceof Error ? e.message : e}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new MetricsServerError(
          `--metrics: cannot listen on ${at.host ?? '*'}:${at.port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EADDRNOTAVAIL' ? 'not an address of this host' : e.message}`,
        ),
      ),
    );
    server.listen(at.port, at.host, () => resolve());
  });
  server.unref();
  const host =
    at.host === undefined ? 'localhost' : at.host.includes(':') ? `[${at.host}]` : at.host;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : at.port;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
