// The UDP end of the rope run tests that receives, run in a lab host (harness.ts sends with python3):
//   udp-peer.ts sink PORT    prints {"event":"recv","payload":…,"from":…} per datagram
import { createSocket } from 'node:dgram';

const [mode, ...args] = process.argv.slice(2);
const out = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

if (mode === 'sink') {
  const s = createSocket({ type: 'udp6', ipv6Only: false });
  s.on('message', (m, r) =>
    out({ event: 'recv', payload: m.toString('latin1'), from: `${r.address}:${r.port}` }),
  );
  s.bind(Number(args[0]), () => out({ event: 'ready' }));
  // on SIGTERM the socket closes and the process ends once stdout has drained: exiting at once
  // would lose the lines still queued for a slow reader
  process.on('SIGTERM', () => s.close());
} else {
  process.stderr.write('usage: udp-peer.ts sink PORT\n');
  process.exit(2);
}
