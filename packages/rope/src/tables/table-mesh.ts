// Queue engines in worker threads (`rope run --queue-balance`) hand each other their tables'
// changes directly, over one MessageChannel per pair, instead of through the main thread's hub:
// when every core is busy serving queues, a relay through the main thread waits for a core to
// wake it, and that wait was most of the time a key took to reach the other queues (BENCHMARKS.md,
// "Tables across queues"). The hub still gets every batch (the replica --state saves, the kernel
// sets, --share) and relays to whatever is not on the mesh; it skips the pairs that are
// (TableHub.attach's `meshed`).
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { TableChange } from './shared-table.js';
import type { TableSync } from './table-sync.js';

/** Ports of a full mesh of `n` engines: `ports[i]` holds engine i's ends, one per other engine. */
export function meshPorts(n: number): MessagePort[][] {
  const ports: MessagePort[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const { port1, port2 } = new MessageChannel();
      ports[i].push(port1);
      ports[j].push(port2);
    }
  return ports;
}

/**
 * An engine joins the mesh: its batches go to every peer, the peers' batches to `receive`.
 * Returns what closes its ends (a worker whose ports stay open never exits).
 */
export function joinMesh(
  sync: TableSync,
  ports: readonly MessagePort[],
  receive: (batch: readonly TableChange[]) => void,
): () => void {
  for (const port of ports) {
    port.on('message', receive);
    sync.addPeer((batch) => port.postMessage(batch));
  }
  return () => {
    for (const port of ports) port.close();
  };
}
