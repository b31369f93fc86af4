// Helpers of the DNS training lab test: dnsmasq as the server side's name server (its records
// given on the command line, nothing read from the host's files), a TCP listener on every address
// of a host, and a resolver in a client that asks one server directly (Node's, no system files).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { LabHost } from '../../tools/lab/host.js';

/** A name dnsmasq answers: its addresses, or a CNAME to another name. */
export type DnsRecord =
  { name: string; ipv4?: string; ipv6?: string; ttl?: number } | { name: string; cname: string };

/** dnsmasq's own arguments for `records` (its local TTL, where a record has none, is 0). */
export function dnsmasqArgs(records: DnsRecord[]): string[] {
  return records.map((r) =>
    'cname' in r
      ? `--cname=${r.name},${r.cname}`
      : `--host-record=${[r.name, r.ipv4, r.ipv6, r.ttl].filter((x) => x !== undefined).join(',')}`,
  );
}

/** Starts dnsmasq on `server`'s IPv4 address, port 53; resolves once it listens. */
export async function startDnsmasq(
  server: LabHost,
  records: DnsRecord[],
  logDir: string,
): Promise<ChildProcess> {
  const child = server.spawnLogged(
    [
      'dnsmasq',
      '--keep-in-foreground',
      '--conf-file=/dev/null',
      '--no-resolv',
      '--no-hosts',
      '--pid-file',
      '--user=root',
      `--listen-address=${server.ipv4}`,
      '--bind-interfaces',
      '--port=53',
      '--log-queries',
      '--log-facility=-',
      ...dnsmasqArgs(records),
    ],
    join(logDir, 'dnsmasq.log'),
  );
  await server.waitListening('udp', 53, 20_000, 'dnsmasq');
  return child;
}

const LISTEN_PY = `import socket
l = socket.socket(socket.AF_INET6)
l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('::', int(__import__('sys').argv[1]))); l.listen(64)
while True:
    c, _ = l.accept(); c.close()
`;

/** Accepts (and closes) TCP connections to `port` on every address of `host`. */
export async function startListener(host: LabHost, port: number): Promise<ChildProcess> {
  const child = host.spawn(['python3', '-c', LISTEN_PY, String(port)]);
  await host.waitListening('tcp', port, 20_000, 'the TCP listener');
  return child;
}

const RESOLVE_JS = `const { Resolver } = require('node:dns').promises;
const [server, name, type] = process.argv.slice(1);
const r = new Resolver({ timeout: 2000, tries: 3 });
r.setServers([server]);
(type === 'AAAA' ? r.resolve6(name, { ttl: true }) : r.resolve4(name, { ttl: true })).then(
  (a) => console.log(JSON.stringify(a)),
  (e) => { console.error(e.code + ': ' + e.message); process.exit(1); },
);
`;

export interface Resolved {
  address: string;
  ttl: number;
}

/** Asks `server` (port 53, UDP) from `client` for the A or AAAA records of `name`. */
export async function resolve(
  client: LabHost,
  server: string,
  name: string,
  type: 'A' | 'AAAA' = 'A',
): Promise<Resolved[]> {
  const r = await client.exec([process.execPath, '-e', RESOLVE_JS, server, name, type], {
    allowFail: true,
  });
  if (r.code !== 0) throw new Error(`resolving ${name} ${type} at ${server}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as Resolved[];
}

const RESOLVE_TCP_PY = `import socket, struct, sys
server, name = sys.argv[1], sys.argv[2]
q = struct.pack('>HHHHHH', 0x5254, 0x0100, 1, 0, 0, 0)
q += b''.join(bytes([len(l)]) + l.encode() for l in name.split('.')) + b'\\0'
q += struct.pack('>HH', 1, 1)
s = socket.create_connection((server, 53), timeout=5)
s.sendall(struct.pack('>H', len(q)) + q)
got = b''
while len(got) < 2 or len(got) < 2 + struct.unpack('>H', got[:2])[0]:
    d = s.recv(4096)
    if not d: sys.exit('connection closed after %d bytes' % len(got))
    got += d
print(got[2:].hex())
`;

/**
 * Asks `server` over TCP (port 53) from `client` for the A records of `name`; returns the
 * answer's bytes (the caller looks for the address in them).
 */
export async function resolveOverTcp(
  client: LabHost,
  server: string,
  name: string,
): Promise<Buffer> {
  const r = await client.exec(['python3', '-c', RESOLVE_TCP_PY, server, name], { allowFail: true });
  if (r.code !== 0) throw new Error(`resolving ${name} over TCP at ${server}: ${r.stderr.trim()}`);
  return Buffer.from(r.stdout.trim(), 'hex');
}
