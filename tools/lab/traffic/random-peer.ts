// Random-payload TCP and UDP flows, run inside lab hosts by random-payload.ts: hard negatives for
// the detection of encrypted BitTorrent (MSE/PE), whose handshake is two random-looking messages of
// 96–608 bytes. Every flow here opens with such messages in both directions and goes on, but not
// as MSE/PE goes on — which is what a detector has to tell apart.
//
//   random-peer.ts serve --address A --port P        TCP and UDP on P; replies as the client asks
//   random-peer.ts connect --address A --port P --rounds N
//
// Patterns (the client's first message names one in its first byte; the server follows it):
//   tcp push    i: 96–608, r: 96–608, r again before i says anything (MSE's responder waits)
//   tcp short   i: 96–608, r: 96–608, i: 8–40 (MSE's third message is at least 56 bytes)
//   tcp long    i: 609–1200 (longer than any MSE public key with padding), r: 96–608, …
//   udp         i: 96–608, r: 96–608, then request/response datagrams of 20–1200 bytes
// After the opening both sides take turns, random lengths, until `rounds` exchanges are done.
// Reports on stdout as JSON lines: {"event":"ready"}, {"event":"flow",…} per finished flow.
import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createConnection, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    address: { type: 'string' },
    port: { type: 'string' },
    rounds: { type: 'string', default: '12' },
  },
});
const emit = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
const port = Number(values.port);
const address = values.address ?? '0.0.0.0';
const rounds = Number(values.rounds);

type Pattern = 'push' | 'short' | 'long';
const PATTERNS: Pattern[] = ['push', 'short', 'long'];

/** Random bytes of a length in [min, max], its first byte carrying `tag` in its low 2 bits. */
function message(min: number, max: number, tag = -1): Buffer {
  const b = randomBytes(randomInt(min, max + 1));
  if (tag >= 0) b[0] = (b[0] & 0xfc) | tag;
  return b;
}

/**
 * Reads whatever arrives next on a TCP socket (one or more segments' worth); null at its end, an
 * empty buffer when nothing came within `waitMs` (two messages the stack delivered as one).
 */
function nextData(s: Socket, waitMs = 60_000): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const onData = (d: Buffer) => done(d);
    const onEnd = () => done(null);
    const timer = setTimeout(() => done(Buffer.alloc(0)), waitMs);
    const done = (d: Buffer | null) => {
      clearTimeout(timer);
      s.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onEnd);
      s.pause();
      resolve(d);
    };
    s.on('data', onData).once('end', onEnd).once('close', onEnd).once('error', onEnd);
    s.resume();
  });
}

const pause = () => sleep(randomInt(30, 120));

function serve(): void {
  const tcp = createServer({ noDelay: true, pauseOnConnect: true }, (s) => {
    s.on('error', () => {});
    void (async () => {
      const first = await nextData(s);
      if (!first) return;
      const pattern = PATTERNS[first[0] & 3] ?? 'push';
      await pause();
      s.write(message(96, 608));
      if (pattern === 'push') {
        await pause();
        s.write(message(20, 1200));
      }
      for (;;) {
        const d = await nextData(s);
        if (!d) break;
        await pause();
        s.write(message(20, 1200));
      }
      s.end();
    })();
  });
  const udp = createSocket('udp4');
  const seen = new Set<string>();
  udp.on('message', (_msg, from) => {
    const key = `${from.address}:${from.port}`;
    const first = !seen.has(key);
    seen.add(key);
    setTimeout(
      () => udp.send(first ? message(96, 608) : message(20, 1200), from.port, from.address),
      randomInt(30, 120),
    );
  });
  let ready = 0;
  const up = () => ++ready === 2 && emit({ event: 'ready', port });
  tcp.listen({ port, host: address }, up);
  udp.bind({ port, address }, up);
  process.on('SIGTERM', () => process.exit(0));
}

async function tcpFlow(pattern: Pattern): Promise<void> {
  const s = createConnection({ host: address, port, noDelay: true });
  s.on('error', () => {});
  await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
  s.pause();
  const tag = PATTERNS.indexOf(pattern);
  s.write(pattern === 'long' ? message(609, 1200, tag) : message(96, 608, tag));
  await nextData(s);
  if (pattern === 'push') await nextData(s, 3000);
  if (pattern === 'short') {
    await pause();
    s.write(message(8, 40));
    await nextData(s);
  }
  for (let i = 0; i < rounds; i++) {
    await pause();
    s.write(message(20, 1200));
    if (!(await nextData(s))) break;
  }
  emit({ event: 'flow', l4: 'tcp', pattern, localPort: s.localPort });
  s.end();
}

async function udpFlow(): Promise<void> {
  const u = createSocket('udp4');
  await new Promise<void>((r) => u.bind(0, r));
  const replies: Buffer[] = [];
  let wake: () => void = () => {};
  u.on('message', (m) => {
    replies.push(m);
    wake();
  });
  const exchange = async (m: Buffer) => {
    const before = replies.length;
    for (let tries = 0; replies.length === before && tries < 20; tries++) {
      if (tries === 0) u.send(m, port, address);
      await Promise.race([new Promise<void>((r) => (wake = r)), sleep(250)]);
    }
  };
  await exchange(message(96, 608));
  for (let i = 0; i < rounds; i++) {
    await pause();
    await exchange(message(20, 1200));
  }
  emit({ event: 'flow', l4: 'udp', pattern: 'udp', localPort: u.address().port });
  u.close();
}

async function connect(): Promise<void> {
  await Promise.all([
    ...PATTERNS.flatMap((p) => [tcpFlow(p), tcpFlow(p)]),
    udpFlow(),
    udpFlow(),
    udpFlow(),
  ]);
  emit({ event: 'done' });
}

if (positionals[0] === 'serve') serve();
else if (positionals[0] === 'connect') await connect();
else {
  process.stderr.write('usage: random-peer.ts serve|connect --address A --port P [--rounds N]\n');
  process.exit(2);
}
