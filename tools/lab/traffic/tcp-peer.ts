// One end of the lab's long-lived TCP connections, run inside a lab namespace:
//
//   tcp-peer.ts server --port P
//   tcp-peer.ts client --connect ADDR --port P --count N [--send none|client|server|both]
//
// One process holds all sockets of its side. The client opens N connections and starts each with
// an 8-byte hello ("P2PW" + id, uint32 big-endian) so both ends agree on connection ids even
// through NAT. Afterwards a connection is idle, or busy: the sending side(s) write as fast as the
// connection takes it. Every change is reported on stdout as one JSON object per line:
//   {"event":"ready","port":P}                                  server listening
//   {"event":"open","id":3,"at":…,"local":{…},"remote":{…}}    connection established / identified
//   {"event":"reset"|"closed"|"error","id":3,"at":…,"code":…,"by":"peer"|"local"}
//     reset = ECONNRESET/EPIPE (a RST arrived) or ECONNABORTED (the kernel destroyed the socket)
//   {"event":"failed","id":3,"at":…,"code":"ECONNREFUSED"}     client could not connect
//   {"event":"connected","opened":N,"failed":M}                 client: all attempts finished
//   {"event":"stats","at":…,"conns":[[id,rxBytes,txBytes,lastRxAt],…]}   answer to {"cmd":"stats"}
// `at` is wall-clock milliseconds (fractional), comparable between processes of one machine.
// Commands on stdin, one JSON object per line: {"cmd":"stats"}, {"cmd":"close","ids":[…]},
// {"cmd":"reset","ids":[…]} (an empty or missing ids list means every connection).
import { createServer, connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const HELLO_MAGIC = 0x50325057; // "P2PW"
const HELLO_LENGTH = 8;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
const MAX_PENDING_CONNECTS = 256;

type Send = 'none' | 'client' | 'server' | 'both';

interface Conn {
  id: number;
  socket: Socket;
  rx: number;
  tx: number;
  lastRxAt: number;
  ended: boolean;
  endingLocally: 'close' | 'reset' | null;
}

const now = () => performance.timeOrigin + performance.now();
const emit = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
const plain = (a: string | undefined) => (a?.startsWith('::ffff:') ? a.slice(7) : (a ?? ''));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    connect: { type: 'string' },
    count: { type: 'string', default: '1' },
    send: { type: 'string', default: 'none' },
    'connect-timeout': { type: 'string', default: '10000' },
  },
});
const role = positionals[0];
const send = values.send as Send;
if (
  (role !== 'server' && role !== 'client') ||
  !values.port ||
  !['none', 'client', 'server', 'both'].includes(send)
) {
  process.stderr.write(
    'usage: tcp-peer.ts server|client --port P [--connect ADDR --count N --send none|client|server|both]\n',
  );
  process.exit(2);
}
const port = Number(values.port);
const conns = new Map<number, Conn>();
const sending = send === 'both' || send === role;

function pump(c: Conn): void {
  while (!c.ended && !c.socket.destroyed) {
    c.tx += CHUNK.length;
    if (!c.socket.write(CHUNK)) {
      c.socket.once('drain', () => pump(c));
      return;
    }
  }
}

function track(c: Conn): void {
  const s = c.socket;
  s.on('error', (err: NodeJS.ErrnoException) => {
    if (c.ended) return;
    c.ended = true;
    const code = err.code ?? 'EUNKNOWN';
    // ECONNABORTED: the kernel destroyed the socket (SOCK_DESTROY, `ss -K`): an abrupt end too.
    const reset = code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED';
    emit({
      event: reset ? 'reset' : 'error',
      id: c.id,
      at: now(),
      code,
      by: code === 'ECONNABORTED' ? 'local' : 'peer',
    });
  });
  s.on('end', () => {
    if (c.ended) return;
    c.ended = true;
    emit({ event: 'closed', id: c.id, at: now(), by: c.endingLocally ? 'local' : 'peer' });
    s.end();
  });
  s.on('close', () => {
    if (c.ended) return;
    c.ended = true;
    const by = c.endingLocally ? 'local' : 'peer';
    emit({ event: c.endingLocally === 'reset' ? 'reset' : 'closed', id: c.id, at: now(), by });
  });
}

function opened(c: Conn): void {
  conns.set(c.id, c);
  const s = c.socket;
  emit({
    event: 'open',
    id: c.id,
    at: now(),
    local: { address: plain(s.localAddress), port: s.localPort },
    remote: { address: plain(s.remoteAddress), port: s.remotePort },
  });
  if (sending) pump(c);
}

function onCommand(line: string): void {
  let cmd: { cmd?: string; ids?: number[] };
  try {
    cmd = JSON.parse(line) as typeof cmd;
  } catch {
    return;
  }
  const targets =
    cmd.ids && cmd.ids.length > 0
      ? cmd.ids.map((id) => conns.get(id)).filter((c): c is Conn => !!c)
      : [...conns.values()];
  if (cmd.cmd === 'stats') {
    emit({
      event: 'stats',
      at: now(),
      conns: [...conns.values()].map((c) => [c.id, c.rx, c.tx, c.lastRxAt]),
    });
  } else if (cmd.cmd === 'close') {
    for (const c of targets) {
      c.endingLocally = 'close';
      c.socket.end();
      c.socket.destroySoon();
    }
  } else if (cmd.cmd === 'reset') {
    for (const c of targets) {
      c.endingLocally = 'reset';
      c.socket.resetAndDestroy();
    }
  }
}

let pendingIn = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  pendingIn += d;
  let nl: number;
  while ((nl = pendingIn.indexOf('\n')) >= 0) {
    onCommand(pendingIn.slice(0, nl));
    pendingIn = pendingIn.slice(nl + 1);
  }
});
// The controller going away ends this process (and with it every socket).
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

if (role === 'server') {
  const server = createServer({ noDelay: true }, (socket) => {
    let head = Buffer.alloc(0);
    let conn: Conn | null = null;
    socket.on('data', (d: Buffer) => {
      if (conn) {
        conn.rx += d.length;
        conn.lastRxAt = now();
        return;
      }
      head = Buffer.concat([head, d]);
      if (head.length < HELLO_LENGTH) return;
      if (head.readUInt32BE(0) !== HELLO_MAGIC) {
        socket.destroy();
        return;
      }
      conn = {
        id: head.readUInt32BE(4),
        socket,
        rx: head.length - HELLO_LENGTH,
        tx: 0,
        lastRxAt: now(),
        ended: false,
        endingLocally: null,
      };
      track(conn);
      opened(conn);
    });
    // Errors before the hello arrived belong to no connection id.
    socket.on('error', () => {});
  });
  server.on('error', (e) => {
    process.stderr.write(`tcp-peer server: ${e.message}\n`);
    process.exit(1);
  });
  server.listen({ port, host: '::', ipv6Only: false, backlog: 4096 }, () =>
    emit({ event: 'ready', port }),
  );
} else {
  const address = values.connect;
  if (!address) {
    process.stderr.write('tcp-peer client: --connect ADDR is required\n');
    process.exit(2);
  }
  const count = Number(values.count);
  const connectTimeout = Number(values['connect-timeout']);
  let next = 0;
  let pending = 0;
  let ok = 0;
  let failed = 0;
  const startOne = (): void => {
    const id = next++;
    pending++;
    const socket = connect({ host: address, port, noDelay: true });
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
      connectTimeout,
    );
    const settle = () => {
      clearTimeout(timer);
      pending--;
      if (next < count) startOne();
      else if (pending === 0) emit({ event: 'connected', opened: ok, failed });
    };
    const onConnectError = (err: NodeJS.ErrnoException) => {
      failed++;
      emit({ event: 'failed', id, at: now(), code: err.code ?? 'EUNKNOWN' });
      settle();
    };
    socket.once('error', onConnectError);
    socket.once('connect', () => {
      socket.off('error', onConnectError);
      ok++;
      const hello = Buffer.alloc(HELLO_LENGTH);
      hello.writeUInt32BE(HELLO_MAGIC, 0);
      hello.writeUInt32BE(id, 4);
      socket.write(hello);
      const c: Conn = { id, socket, rx: 0, tx: 0, lastRxAt: 0, ended: false, endingLocally: null };
      socket.on('data', (d: Buffer) => {
        c.rx += d.length;
        c.lastRxAt = now();
      });
      track(c);
      opened(c);
      settle();
    });
  };
  if (count === 0) emit({ event: 'connected', opened: 0, failed: 0 });
  for (let i = 0; i < Math.min(count, MAX_PENDING_CONNECTS); i++) startOne();
}
