// HTTP through the lab: a server (http-server.ts) on a server-side host with generated files of
// chosen sizes and known SHA-256, and `curl` on a client fetching them, whole or by range. The
// result is what curl saw: status, byte count, the SHA-256 of the body, the time it took.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { hostPort, type Family } from '../addresses.js';
import { nodeArgv, repoRoot, type LabHost } from '../host.js';
import { stopProcess } from '../netns.js';
import { onJsonLines, tail, waitFor } from '../processes.js';
import type { TrafficLab } from './traffic-lab.js';

const SERVER_SCRIPT = join(repoRoot, 'tools', 'lab', 'traffic', 'http-server.ts');

export interface HttpFileSpec {
  name: string;
  size: number;
}

export interface HttpFile extends HttpFileSpec {
  path: string;
  sha256: string;
}

export interface HttpOptions {
  /** Host that serves (default the first server). */
  server?: LabHost;
  port?: number;
  /** Files to generate (random bytes); default small.bin (64 KiB) and large.bin (8 MiB). */
  files?: HttpFileSpec[];
}

export interface FetchOptions {
  /** Host that runs curl (default the first client). */
  client?: LabHost;
  family?: Family;
  /** Byte range [first, last] inclusive (curl --range), or a raw range spec like '-500'. */
  range?: [number, number] | string;
  /** Address to connect to (default `lab.reach(server, family)`). */
  address?: string;
  /** curl --max-time, in ms (default 60 s). */
  timeoutMs?: number;
  /** curl --limit-rate, bytes per second. */
  limitRate?: number;
}

export interface FetchResult {
  url: string;
  /** HTTP status curl received (0 when none). */
  httpCode: number;
  /** curl's exit code (0 = success; 28 = timeout; 56 = receive failure, …). */
  curlExit: number;
  /** curl's error message when it failed. */
  error?: string;
  /** Body bytes received. */
  bytes: number;
  /** SHA-256 (hex) of the body received. */
  sha256: string;
  /** SHA-256 the body should have (the whole file, or the requested range of it). */
  expectedSha256: string;
  expectedBytes: number;
  /** Complete, correct body with status 200/206. */
  ok: boolean;
  /** curl's time_total in ms. */
  timeMs: number;
}

export interface ServerRequest {
  path: string;
  range: string | null;
  status: number;
  bytes: number;
  complete: boolean;
  at: number;
}

/** Writes `size` random bytes to `path` and returns their SHA-256. */
export function writeRandomFile(path: string, size: number): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  try {
    for (let left = size; left > 0;) {
      const chunk = randomBytes(Math.min(left, 1 << 20));
      writeSync(fd, chunk);
      hash.update(chunk);
      left -= chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** SHA-256 of `path[start, end]` (inclusive; `end` Infinity: to the end of the file). */
export function sha256OfRange(path: string, start: number, end: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    if (end < start) {
      resolve(hash.digest('hex'));
      return;
    }
    createReadStream(path, { start, end })
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** [first, last] of a range spec against a file size, as a server honouring it would send. */
function resolveRange(range: [number, number] | string, size: number): [number, number] {
  if (Array.isArray(range)) return [range[0], Math.min(range[1], size - 1)];
  const m = /^(\d*)-(\d*)$/.exec(range);
  if (!m) throw new RangeError(`http fetch: range '${range}' is not first-last, first- or -suffix`);
  if (m[1] === '') return [Math.max(0, size - Number(m[2])), size - 1];
  return [Number(m[1]), m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)];
}

export class HttpService {
  readonly files = new Map<string, HttpFile>();
  /** Requests the server reported, in order. */
  readonly requests: ServerRequest[] = [];

  /** @internal */
  constructor(
    private readonly lab: TrafficLab,
    readonly server: LabHost,
    readonly port: number,
    private readonly process: import('node:child_process').ChildProcess,
    files: HttpFile[],
  ) {
    for (const f of files) this.files.set(f.name, f);
  }

  file(name: string): HttpFile {
    const f = this.files.get(name);
    if (!f) throw new Error(`http: no file '${name}' (have ${[...this.files.keys()].join(', ')})`);
    return f;
  }

  url(name: string, opts: { family?: Family; address?: string } = {}): string {
    const address = opts.address ?? this.lab.reach(this.server, opts.family ?? 4);
    return `http://${hostPort(address, this.port)}/${encodeURIComponent(name)}`;
  }

  /** Fetches a file with curl from a client and reports what curl got. */
  async fetch(name: string, opts: FetchOptions = {}): Promise<FetchResult> {
    const file = this.file(name);
    const client = opts.client ?? this.lab.client;
    const url = this.url(name, opts);
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const argv = [
      'curl',
      '-sS',
      '-g',
      '--noproxy',
      '*',
      '-o',
      '-',
      '-w',
      '%{stderr}%{json}\\n',
      '--max-time',
      String(timeoutMs / 1000),
    ];
    let expected: Promise<string> = Promise.resolve(file.sha256);
    let expectedBytes = file.size;
    if (opts.range !== undefined) {
      const spec = Array.isArray(opts.range) ? `${opts.range[0]}-${opts.range[1]}` : opts.range;
      argv.push('--range', spec);
      const [first, last] = resolveRange(opts.range, file.size);
      expected = sha256OfRange(file.path, first, last);
      expectedBytes = Math.max(0, last - first + 1);
    }
    if (opts.limitRate) argv.push('--limit-rate', String(opts.limitRate));
    argv.push(url);
    const child = client.spawn(argv);
    const hash = createHash('sha256');
    let bytes = 0;
    child.stdout!.on('data', (d: Buffer) => {
      hash.update(d);
      bytes += d.length;
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exit = await new Promise<number>((resolve) =>
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
    );
    const lines = stderr.trim().split('\n');
    const jsonLine = [...lines].reverse().find((l) => l.startsWith('{'));
    const info = jsonLine
      ? (JSON.parse(jsonLine) as {
          http_code?: number;
          time_total?: number;
          errormsg?: string | null;
        })
      : {};
    const errorText =
      lines
        .filter((l) => !l.startsWith('{'))
        .join(' ')
        .trim() ||
      info.errormsg ||
      undefined;
    const sha256 = hash.digest('hex');
    const expectedSha256 = await expected;
    const httpCode = info.http_code ?? 0;
    return {
      url,
      httpCode,
      curlExit: exit,
      error: exit !== 0 ? (errorText ?? `curl exited with ${exit}`) : undefined,
      bytes,
      sha256,
      expectedSha256,
      expectedBytes,
      ok:
        exit === 0 &&
        (httpCode === 200 || httpCode === 206) &&
        bytes === expectedBytes &&
        sha256 === expectedSha256,
      timeMs: (info.time_total ?? 0) * 1000,
    };
  }

  async stop(): Promise<void> {
    await stopProcess(this.process, 1000);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export async function startHttp(lab: TrafficLab, opts: HttpOptions): Promise<HttpService> {
  const server = opts.server ?? lab.server;
  const port = opts.port ?? lab.nextPort();
  const dir = join(lab.workDir, `http-${port}`);
  mkdirSync(dir, { recursive: true });
  const specs = opts.files ?? [
    { name: 'small.bin', size: 64 * 1024 },
    { name: 'large.bin', size: 8 * 1024 * 1024 },
  ];
  const files: HttpFile[] = specs.map((s) => {
    if (!/^[\w.-]+$/.test(s.name))
      throw new RangeError(`http: file name '${s.name}' must be letters, digits, '.', '_' or '-'`);
    if (!Number.isInteger(s.size) || s.size < 0)
      throw new RangeError(`http: size of '${s.name}' must be a whole number ≥ 0`);
    const path = join(dir, s.name);
    return { ...s, path, sha256: writeRandomFile(path, s.size) };
  });
  const child = server.spawn(nodeArgv([SERVER_SCRIPT, '--port', String(port), '--dir', dir]));
  const stderr = tail(child.stderr);
  let service: HttpService | null = null;
  let ready: (() => void) | null = null;
  onJsonLines(child.stdout!, (ev) => {
    if (ev.event === 'ready') ready?.();
    else if (ev.event === 'request') service?.requests.push(ev as unknown as ServerRequest);
  });
  service = new HttpService(lab, server, port, child, files);
  try {
    await waitFor<void>(
      child,
      `http server on ${server.name}:${port}`,
      30_000,
      stderr,
      (resolve) => {
        ready = resolve;
        return () => (ready = null);
      },
    );
  } catch (e) {
    await stopProcess(child, 0);
    throw e;
  }
  return service;
}
