// The fleet tests' traffic, in python3 (it starts in a fraction of the time a Node peer takes):
// a Gnutella-ish TCP server and handshake, and a UDP sink that reports every datagram.
import type { LabHost } from '../../tools/lab/host.js';
import { onLines } from '../../tools/lab/processes.js';

const TCP_SERVER_PY = `import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('', int(__import__('sys').argv[1]))); s.listen(16)
while True:
    c, _ = s.accept(); c.settimeout(5)
    try:
        c.recv(4096); c.sendall(b'GNUTELLA/0.6 200 OK\\r\\n\\r\\n')
    except OSError:
        pass
    c.close()
`;

const HANDSHAKE_PY = `import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
c.sendall(b'GNUTELLA CONNECT/0.6\\r\\nUser-Agent: p2pwall-lab\\r\\n\\r\\n')
try:
    print(c.recv(4096).decode('latin-1').split('\\r\\n')[0])
except OSError:
    print('(no answer)')
`;

const UDP_SINK_PY = `import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('', int(sys.argv[1])))
print('ready', flush=True)
while True:
    d, _ = s.recvfrom(65535); print(d.decode('latin-1'), flush=True)
`;

/** A TCP server on `port` that answers a Gnutella handshake; resolves once it listens. */
export async function gnutellaServer(host: LabHost, port: number): Promise<void> {
  host.spawn(['python3', '-c', TCP_SERVER_PY, String(port)]);
  await host.waitListening('tcp', port, 30_000, 'gnutella test server');
}

/**
 * Connects to `dst`:`port`, sends a Gnutella 0.6 handshake; the answer's first line, or
 * `(no answer)` when none came within 10 s (a gateway that locks on the handshake drops it).
 */
export async function gnutellaHandshake(host: LabHost, dst: string, port: number): Promise<string> {
  const r = await host.exec(['python3', '-c', HANDSHAKE_PY, dst, String(port)], {
    timeoutMs: 30_000,
  });
  return r.stdout.trim();
}

export interface UdpSink {
  /** Payloads received so far. */
  readonly got: string[];
}

/** A UDP sink on `port`; resolves once it listens. */
export async function udpSink(host: LabHost, port: number): Promise<UdpSink> {
  const child = host.spawn(['python3', '-u', '-c', UDP_SINK_PY, String(port)]);
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    onLines(child.stdout!, (line) => (line === 'ready' ? resolve() : got.push(line)));
    child.once('exit', (code) => reject(new Error(`udp sink exited (${code})`)));
  });
  return { got };
}
