// Traffic a BitTorrent detector must leave alone, run in the same lab as an encrypted swarm: a
// 20 MB HTTPS download (python's ssl server with a self-signed certificate made here, curl),
// random-payload TCP and UDP flows between high ports whose first messages are 96–608 bytes each
// way (random-peer.ts: the shape of an MSE/PE handshake, continued differently), and DNS queries
// to dnsmasq. Like LibtorrentSwarm it says which endpoints are its own (`endpoints`).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostPort } from '../addresses.js';
import { nodeArgv, repoRoot, type LabHost } from '../host.js';
import { onJsonLines, tail, waitFor } from '../processes.js';
import { writeRandomFile } from './http.js';
import { SYSTEM_PYTHON, type SwarmEndpoint } from './libtorrent.js';
import type { TrafficLab } from './traffic-lab.js';

const TLS_SERVER = join(repoRoot, 'tools', 'lab', 'traffic', 'tls-server.py');
const RANDOM_PEER = join(repoRoot, 'tools', 'lab', 'traffic', 'random-peer.ts');
const DNS_PORT = 53;

export interface HardNegativeOptions {
  /** Where the servers run (default the first server). */
  server?: LabHost;
  /** Where curl, the random-payload client and the DNS client run (default the first client). */
  client?: LabHost;
  /** Size of the HTTPS download (default 20 MB). */
  tlsBytes?: number;
  /** Exchanges per random-payload flow after its opening (default 12). */
  rounds?: number;
  timeoutMs?: number;
}

export interface HardNegatives {
  /** Server endpoints: any flow to one of them is a negative. */
  readonly endpoints: SwarmEndpoint[];
  /** Runs the HTTPS download, the random-payload flows and the DNS queries, all at once. */
  run(): Promise<void>;
}

/** Starts the servers; `run()` then sends the traffic. Everything stops with the lab. */
export async function startHardNegatives(
  lab: TrafficLab,
  o: HardNegativeOptions = {},
): Promise<HardNegatives> {
  const server = o.server ?? lab.server;
  const client = o.client ?? lab.client;
  const timeoutMs = o.timeoutMs ?? 60_000;
  const dir = join(lab.workDir, `negatives-${lab.nextPort()}`);
  const www = join(dir, 'www');
  mkdirSync(www, { recursive: true });
  const tlsBytes = o.tlsBytes ?? 20_000_000;
  writeRandomFile(join(www, 'big.bin'), tlsBytes);

  // a throwaway self-signed certificate, valid for a day
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await server.exec(
    ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'].concat(
      ['-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=lab.test'],
    ),
  );
  const tlsPort = lab.nextPort();
  const tls = server.spawnLogged(
    [
      SYSTEM_PYTHON,
      '-u',
      TLS_SERVER,
      ...['--address', server.ipv4, '--port', String(tlsPort)],
      ...['--dir', www, '--cert', cert, '--key', key],
    ],
    join(dir, 'tls-server.log'),
  );

  const randomPort = lab.nextPort();
  const randomServer = server.spawnLogged(
    nodeArgv([RANDOM_PEER, 'serve', '--address', server.ipv4, '--port', String(randomPort)]),
    join(dir, 'random-server.log'),
  );

  server.spawnLogged(
    [
      'dnsmasq',
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--pid-file',
      `--listen-address=${server.ipv4}`,
      '--bind-interfaces',
      `--port=${DNS_PORT}`,
      `--address=/lab.test/${server.ipv4}`,
      '--txt-record=txt.lab.test,"p2pwall lab"',
      '--log-facility=-',
    ],
    join(dir, 'dnsmasq.log'),
  );

  for (const [child, what] of [
    [tls, 'tls-server.py'],
    [randomServer, 'random-peer.ts serve'],
  ] as const) {
    await waitFor<void>(child, what, timeoutMs, tail(child.stderr), (resolve) => {
      onJsonLines(child.stdout!, (m) => m.event === 'ready' && resolve());
      return () => {};
    });
  }
  await server.waitListening('udp', DNS_PORT, timeoutMs, 'dnsmasq');

  const endpoints: SwarmEndpoint[] = [
    { l4: 'tcp', address: server.ipv4, port: tlsPort, role: 'https' },
    { l4: 'tcp', address: server.ipv4, port: randomPort, role: 'random tcp' },
    { l4: 'udp', address: server.ipv4, port: randomPort, role: 'random udp' },
    { l4: 'udp', address: server.ipv4, port: DNS_PORT, role: 'dns' },
    { l4: 'tcp', address: server.ipv4, port: DNS_PORT, role: 'dns' },
  ];

  const curl = async () => {
    const r = await client.exec(
      ['curl', '-sS', '-k', '--noproxy', '*', '--max-time', String(timeoutMs / 1000)].concat([
        '-o',
        '/dev/null',
        '-w',
        '%{http_code} %{size_download}',
        `https://${hostPort(server.ipv4, tlsPort)}/big.bin`,
      ]),
      { allowFail: true, timeoutMs: timeoutMs + 5000 },
    );
    if (r.stdout.trim() !== `200 ${tlsBytes}`)
      throw new Error(`hard negatives: curl over TLS got '${r.stdout}' ${r.stderr}`);
  };
  const random = async () => {
    const r = await client.exec(
      nodeArgv([
        RANDOM_PEER,
        'connect',
        '--address',
        server.ipv4,
        '--port',
        String(randomPort),
      ]).concat(['--rounds', String(o.rounds ?? 12)]),
      { allowFail: true, timeoutMs },
    );
    if (!r.stdout.includes('"done"'))
      throw new Error(`hard negatives: random-payload flows did not finish: ${r.stderr}`);
  };
  const lookups = async () => {
    const script =
      "import { Resolver } from 'node:dns/promises';" +
      'const r = new Resolver({ timeout: 2000, tries: 3 }); r.setServers([process.argv[1]]);' +
      "const names = ['a.lab.test', 'b.lab.test', 'tracker.lab.test', 'peer.lab.test'];" +
      'let ok = 0; for (const n of names) { try { await r.resolve4(n); ok++; } catch {} }' +
      "try { await r.resolveTxt('txt.lab.test'); ok++; } catch {}" +
      'console.log(ok);';
    const r = await client.exec(
      [process.execPath, '--input-type=module', '-e', script, server.ipv4],
      { allowFail: true, timeoutMs },
    );
    if (r.stdout.trim() !== '5')
      throw new Error(
        `hard negatives: DNS answered ${r.stdout.trim() || 0} of 5 queries: ${r.stderr}`,
      );
  };
  return {
    endpoints,
    async run() {
      await Promise.all([curl(), random(), lookups()]);
    },
  };
}
