// Captures of the hidden-BitTorrent lab tests: the router's LAN bridge recorded while a swarm
// transfers (lan0; tcpdump makes it promiscuous, so it also holds what the LAN leechers send each
// other), and a copy of such a capture without the tracker's flows, whose answers would teach the
// peers' endpoints (issue #13 §2: handshakes recognised without memory).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Lab } from '../../tools/lab/topology.js';
import { TRACKER_PORT } from '../../tools/lab/traffic/bittorrent-tracker.js';

/**
 * Records lan0 on the router while `work` runs into `NAME.pcap` in the lab's directory; stops
 * tcpdump before the swarms end. A packet the kernel dropped before tcpdump read it fails the test.
 */
export async function recordSwarm(
  lab: Lab,
  name: string,
  work: () => Promise<void>,
): Promise<string> {
  const file = join(lab.workDir, `${name}.pcap`);
  // a large kernel buffer: uTP bursts on a loaded machine outrun tcpdump's default
  const cap = await lab.capture(lab.router, 'lan0', file, 'tcp or udp', { bufferKiB: 131072 });
  try {
    await work();
  } finally {
    const r = await cap.stop();
    assert.equal(r.droppedByKernel, 0, `tcpdump lost ${r.droppedByKernel} packets`);
  }
  return file;
}

/** `file` without the tracker's packets, as `NAME-no-tracker.pcap` in the lab's directory. */
export async function withoutTracker(lab: Lab, name: string, file: string): Promise<string> {
  const bare = join(lab.workDir, `${name}-no-tracker.pcap`);
  await lab.router.exec([
    'tcpdump',
    '-Z',
    'root',
    '-r',
    file,
    '-w',
    bare,
    `not port ${TRACKER_PORT}`,
  ]);
  return bare;
}
