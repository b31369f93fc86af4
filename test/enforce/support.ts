// Helpers of the enforcement lab tests: a server that holds TCP connections open on a few
// ports, echoes UDP on port 53 and answers an HTTP tracker announce; TCP probes from the clients;
// rope run enforcing on Gnutella in the router, `rope ctl` and `rope top` against it; the kernel's
// view of the sets.
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { toolArgv, type LabHost } from '../../tools/lab/host.js';
import { TmuxSession } from '../cutter-tui/tmux.js';
import { RopeRun } from '../rope-run/harness.js';

/** What a LimeWire client sends first: the match of the `gnutella` script. */
export const GNUTELLA_HANDSHAKE =
  'GNUTELLA CONNECT/0.6\r\nUser-Agent: LimeWire/4.12.6\r\nX-Ultrapeer: False\r\n\r\n';

/** TCP ports the server listens on. */
export const PORTS = { gnutella: 6346, web: 8080, peer: 6881, other: 6882, tracker: 6969 };

const SERVER_PY = `import socket, selectors, sys
tracker = bytes.fromhex(sys.argv[1])
sel = selectors.DefaultSelector()
for p in [int(x) for x in sys.argv[2:]]:
    l = socket.socket()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(('', p)); l.listen(64); l.setblocking(False)
    sel.register(l, selectors.EVENT_READ, ('listen', p))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('', 53))
sel.register(u, selectors.EVENT_READ, ('udp', 53))
while True:
    for key, _ in sel.select():
        kind, p = key.data
        s = key.fileobj
        if kind == 'listen':
            c, _ = s.accept(); c.setblocking(False)
            sel.register(c, selectors.EVENT_READ, ('conn', p))
        elif kind == 'udp':
            d, a = s.recvfrom(2048); s.sendto(d, a)
        else:
            try:
                d = s.recv(65536)
            except OSError:
                d = b''
            if d and p == ${PORTS.tracker}:
                s.setblocking(True); s.sendall(tracker); d = b''
            if not d:
                sel.unregister(s); s.close()
`;

/** An HTTP tracker response whose compact `peers` are `peers` (IPv4 address, port). */
export function trackerResponse(peers: [string, number][]): Buffer {
  const compact = Buffer.concat(
    peers.map(([a, p]) => {
      const b = Buffer.alloc(6);
      a.split('.').forEach((x, i) => (b[i] = Number(x)));
      b.writeUInt16BE(p, 4);
      return b;
    }),
  );
  return Buffer.concat([
    Buffer.from('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n'),
    Buffer.from(`d8:intervali900e5:peers${compact.length}:`, 'latin1'),
    compact,
    Buffer.from('e'),
  ]);
}

/** Starts the server; resolves once every port listens. */
export async function startServer(host: LabHost, tracker: Buffer): Promise<ChildProcess> {
  const ports = Object.values(PORTS);
  const child = host.spawn([
    'python3',
    '-c',
    SERVER_PY,
    tracker.toString('hex'),
    ...ports.map(String),
  ]);
  for (const p of ports) await host.waitListening('tcp', p, 20_000, 'enforcement test server');
  await host.waitListening('udp', 53, 20_000, 'enforcement test server');
  return child;
}

export interface GnutellaRunOptions {
  /** `--on-match`: `lock:S` or `block-peer:S`. */
  onMatch: string;
  /** `--queue-balance RANGE` (one worker a queue); `--queue 0` without it. */
  queueBalance?: string;
  /** `--inside CIDR`: the clients a lock may lock. */
  inside?: string;
  /** `--control SOCK`, for `rope ctl` and `rope top`. */
  control?: string;
  /** `--metrics 127.0.0.1:PORT`. */
  metrics?: number;
  /** `--exec COMMAND`, run for every lock and block. */
  exec?: string;
}

/** `rope run --script gnutella … --log` in `router`, enforcing as `o` says (see RopeRun.start). */
export function startGnutellaRun(router: LabHost, o: GnutellaRunOptions): Promise<RopeRun> {
  return RopeRun.start(router, [
    ...(o.queueBalance === undefined ? ['--queue', '0'] : ['--queue-balance', o.queueBalance]),
    ...['--script', 'gnutella', '--on-match', o.onMatch],
    ...(o.inside === undefined ? [] : ['--inside', o.inside]),
    ...(o.control === undefined ? [] : ['--control', o.control]),
    ...(o.metrics === undefined ? [] : ['--metrics', `127.0.0.1:${o.metrics}`]),
    ...(o.exec === undefined ? [] : ['--exec', o.exec]),
    '--log',
  ]);
}

const CONNECT_PY = `import socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=float(sys.argv[3]))
    s.close()
except OSError as e:
    print(e); sys.exit(1)
`;

/** Whether `host` can open a TCP connection to addr:port (a dropped SYN: no, after timeoutS). */
export async function connects(
  host: LabHost,
  addr: string,
  port: number,
  timeoutS = 2,
): Promise<boolean> {
  const r = await host.exec(['python3', '-c', CONNECT_PY, addr, String(port), String(timeoutS)], {
    allowFail: true,
  });
  return r.code === 0;
}

const DNS_PY = `import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
for _ in range(3):
    s.sendto(b'rope-dns-probe', (sys.argv[1], 53))
    try:
        if s.recvfrom(2048)[0] == b'rope-dns-probe': sys.exit(0)
    except OSError:
        pass
sys.exit(1)
`;

/** Whether a UDP datagram to addr:53 comes back (the server echoes it). */
export async function udp53Works(host: LabHost, addr: string): Promise<boolean> {
  return (await host.exec(['python3', '-c', DNS_PY, addr], { allowFail: true })).code === 0;
}

const FETCH_PY = `import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(b'GET /announce?info_hash=x HTTP/1.0\\r\\n\\r\\n')
got = b''
while True:
    d = s.recv(65536)
    if not d: break
    got += d
sys.exit(0 if b'5:peers' in got else 1)
`;

/** Fetches the tracker response from addr. */
export async function announce(host: LabHost, addr: string): Promise<void> {
  await host.exec(['python3', '-c', FETCH_PY, addr, String(PORTS.tracker)]);
}

const HOLD_PY = `import socket, struct, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(sys.argv[3].encode('latin-1'))
print('sent', flush=True)
sys.stdin.readline()
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
s.close()
`;

/**
 * Opens a TCP connection, sends `payload` and holds the connection (its retransmissions keep
 * coming) until the returned function resets it.
 */
export async function holdConnection(
  host: LabHost,
  addr: string,
  port: number,
  payload: string,
): Promise<() => Promise<void>> {
  const child = host.spawn(['python3', '-c', HOLD_PY, addr, String(port), payload]);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('sent') && resolve());
    child.once('exit', (c) => reject(new Error(`the P2P client exited (${c}) before sending`)));
  });
  return async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.stdin!.end('\n');
    await exited;
  };
}

/** Polls `check` until it is true; throws naming `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(200);
  }
}

/** `ipset test SET ELEMENT` in the router: whether the element is there. */
export async function inSet(router: LabHost, set: string, element: string): Promise<boolean> {
  return (await router.exec(['ipset', 'test', set, element], { allowFail: true })).code === 0;
}

export interface CtlEntry {
  kind: 'lock' | 'block';
  address: string;
  port: number | null;
  label: string;
  secondsLeft: number | null;
}

/** `rope ctl --control SOCK ARGS…` in the router. */
export function ctl(router: LabHost, sock: string, args: string[]) {
  return router.rope(['ctl', '--control', sock, ...args], { source: true, allowFail: true });
}

/** The entries `rope ctl list --json` shows. */
export async function listed(router: LabHost, sock: string): Promise<CtlEntry[]> {
  const r = await ctl(router, sock, ['--json', 'list']);
  if (r.code !== 0) throw new Error(`rope ctl list failed: ${r.stderr}`);
  const doc = JSON.parse(r.stdout) as { entries?: CtlEntry[] };
  return doc.entries ?? [];
}

/** A person's terminal for rope top (as test/rope-top has it). */
const TMUX_ENV = {
  PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: process.env.HOME ?? '/root',
  LANG: 'C.UTF-8',
};

/**
 * Runs `rope top` in tmux in the router (as an administrator would), waits until its screen
 * matches `shown` (`what` names it in the failure), quits with q; returns that screen.
 */
export async function topShows(
  router: LabHost,
  sock: string,
  shown: RegExp,
  what: string,
): Promise<string> {
  const tmux = new TmuxSession(router, { columns: 110, rows: 24, env: TMUX_ENV });
  try {
    await tmux.start([...toolArgv('rope', true), 'top', '--control', sock]);
    const screen = await tmux.waitFor((x) => shown.test(x), what, 60_000);
    await tmux.send('q');
    await tmux.waitFor((x) => x.includes('exited with status 0'), 'the exit');
    return screen;
  } finally {
    await tmux.kill();
  }
}

/** `address` as a regular expression that matches it literally. */
export const literal = (address: string) => address.replace(/[.]/g, '\\.');

/**
 * What `rope rules --remove` may have left in the router: iptables and ip6tables rules or chains
 * naming rope, ipsets, nft tables, chains or sets naming rope. Empty when nothing is left.
 */
export async function ruleLeftovers(router: LabHost): Promise<string[]> {
  const left: string[] = [];
  for (const argv of [['iptables-save'], ['ip6tables-save'], ['nft', 'list', 'ruleset']]) {
    const lines = (await router.exec(argv)).stdout.split('\n').filter((l) => /rope/.test(l));
    left.push(...lines.map((l) => `${argv[0]}: ${l.trim()}`));
  }
  const sets = (await router.exec(['ipset', 'list', '-n'])).stdout.split('\n');
  left.push(...sets.filter((n) => n.trim() !== '').map((n) => `ipset ${n}`));
  return left;
}
