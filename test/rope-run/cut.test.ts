// rope run --on-match cut end to end, as root: a BitTorrent handshake sent on an established TCP
// connection through the router ends that connection at both endpoints (python sockets report
// ECONNRESET), while a bystander connection between the same hosts on another port lives on.
// Run once without NAT and once through masquerading (the RSTs then follow conntrack's tuples).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { onJsonLines, tail } from '../../tools/lab/processes.js';
import { createLab, type Lab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import { loadRules, RopeRun, type Json } from './harness.js';

const skip = privilegedSkip(['ip', 'iptables', 'python3', 'conntrack']);
const P2P_PORT = 6881;
const BYSTANDER_PORT = 7070;
const labs: Lab[] = [];

after(async () => {
  for (const lab of labs) await lab.destroy();
});

// The server: on each port accepts one connection. The P2P one only reads (it must never see
// the handshake, which the router drops, and must be reset); the bystander one echoes.
const SERVER = `import socket, sys, json, threading
def out(**o):
    print(json.dumps(o), flush=True)
def serve(port, echo):
    l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(('', port)); l.listen(1)
    out(event='listening', port=port)
    c, _ = l.accept()
    c.settimeout(60)
    try:
        while True:
            d = c.recv(4096)
            if not d:
                out(event='eof', port=port); return
            if echo: c.sendall(d)
            else: out(event='data', port=port, data=d.decode('latin-1'))
    except ConnectionResetError:
        out(event='reset', port=port)
    except socket.timeout:
        out(event='timeout', port=port)
    except OSError as e:
        out(event='error', port=port, error=type(e).__name__, errno=e.errno)
ts = [threading.Thread(target=serve, args=(int(sys.argv[1]), False)),
      threading.Thread(target=serve, args=(int(sys.argv[2]), True))]
for t in ts: t.start()
for t in ts: t.join()
`;

// The client: both connections up, a first exchange on each, then the handshake on the P2P one
// and a read that must end in ECONNRESET; then the bystander still echoes.
const CLIENT = `import socket, sys, json, time
host, p2p, other = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
res = {}
b = socket.create_connection((host, other), timeout=30)
b.sendall(b'before'); res['before'] = b.recv(100).decode()
a = socket.create_connection((host, p2p), timeout=30)
a.settimeout(30)
t0 = time.monotonic()
a.sendall(b'\\x13BitTorrent protocol' + bytes(8) + bytes(range(20)) + b'-XX0001-' + bytes(12))
try:
    d = a.recv(100)
    res['p2p'] = 'eof' if not d else 'data'
except ConnectionResetError:
    res['p2p'] = 'reset'
except socket.timeout:
    res['p2p'] = 'timeout'
ms = round((time.monotonic() - t0) * 1000, 1)
b.sendall(b'after'); res['after'] = b.recv(100).decode()
print(json.dumps(res), flush=True)
print(json.dumps({'ms': ms}), flush=True)
`;

interface Scenario {
  nat: 'none' | 'masquerade';
  /** Two queues served by worker threads: the RSTs go through the main thread's raw socket. */
  balance: boolean;
}

async function cutScenario({ nat, balance }: Scenario) {
  const lab = await createLab({ nat });
  labs.push(lab);
  const queues = balance ? ['--queue-balance', '0:1'] : ['--queue', '0'];
  await loadRules(lab.router, ['--family', 'ipv4', ...(balance ? queues : [])]);
  const run = await RopeRun.start(lab.router, [
    ...queues,
    '--script',
    'bittorrent',
    '--on-match',
    'cut',
    '--log',
  ]);
  const serverEvents: Json[] = [];
  try {
    const server = lab.server.spawn([
      'python3',
      '-c',
      SERVER,
      String(P2P_PORT),
      String(BYSTANDER_PORT),
    ]);
    const serverExit = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    const serverStderr = tail(server.stderr);
    onJsonLines(server.stdout!, (o) => serverEvents.push(o));
    await lab.server.waitListening('tcp', P2P_PORT, 20_000, 'python server');
    await lab.server.waitListening('tcp', BYSTANDER_PORT, 20_000, 'python server');
    const r = await lab.client.exec([
      'python3',
      '-c',
      CLIENT,
      lab.server.ipv4,
      String(P2P_PORT),
      String(BYSTANDER_PORT),
    ]);
    const lines = r.stdout.trim().split('\n');
    const client = JSON.parse(lines[lines.length - 2]) as Json;
    // the client's time from sending the handshake to its ECONNRESET: reported, not asserted
    const { ms } = JSON.parse(lines[lines.length - 1]) as { ms: number };
    const cut =
      run.events.find((e) => e.event === 'cut') ??
      (await run.next((e) => e.event === 'cut', 20_000));
    // The server reports the P2P connection's end, or exits: either settles this (the exit
    // listener is attached at spawn, so an early exit cannot be missed), and a deadline bounds it.
    const spoken = () => serverEvents.some((e) => e.port === P2P_PORT && e.event !== 'listening');
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(
        () => finish(new Error('the python server said nothing on the P2P connection within 20 s')),
        20_000,
      );
      const t = setInterval(() => spoken() && finish(), 50);
      const finish = (err?: Error) => {
        clearInterval(t);
        clearTimeout(deadline);
        if (err) reject(err);
        else resolve();
      };
      serverExit.then(() =>
        finish(
          spoken()
            ? undefined
            : new Error(
                `the python server exited without a word on the P2P connection: ${serverStderr() || 'no stderr'}; rope run: ${run.stderr()}`,
              ),
        ),
      );
    });
    return { lab, client, ms, cut, serverEvents, run };
  } finally {
    await run.stop();
  }
}

const scenarios: Scenario[] = [
  { nat: 'none', balance: false },
  { nat: 'masquerade', balance: false },
  { nat: 'none', balance: true },
];
for (const scenario of scenarios) {
  const where = `nat ${scenario.nat}${scenario.balance ? ', --queue-balance 0:1' : ''}`;
  test(
    `rope run --on-match cut (root, ${where}): both ends of the P2P connection are reset, the bystander lives on`,
    { skip },
    async (t) => {
      const { lab, client, ms, cut, serverEvents, run } = await cutScenario(scenario);
      t.diagnostic(`handshake sent → client reset: ${ms} ms`);
      assert.deepEqual(client, { before: 'before', p2p: 'reset', after: 'after' });
      const p2p = serverEvents.filter((e) => e.port === P2P_PORT && e.event !== 'listening');
      assert.deepEqual(
        p2p,
        [{ event: 'reset', port: P2P_PORT }],
        'the server never got the handshake',
      );
      assert.equal(cut.schema, 1);
      assert.equal(cut.label, 'bittorrent');
      assert.equal(cut.client, lab.client.ipv4);
      assert.equal(cut.peer, `${lab.server.ipv4}:${P2P_PORT}`);
      assert.equal(cut.seconds, null);
      assert.equal(run.events.filter((e) => e.event === 'cut').length, 1);
      // the entry is gone from the router's conntrack table
      const ct = await lab.router.exec(
        ['conntrack', '-L', '-p', 'tcp', '--dport', String(P2P_PORT)],
        {
          allowFail: true,
        },
      );
      assert.doesNotMatch(ct.stdout, /ESTABLISHED/);
    },
  );
}
