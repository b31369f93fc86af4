// Worker-thread entry of `rope run --queue-balance`: one queue, its own Decider. Talks to the
// main thread with the messages of worker-messages.ts, and sends its tables' changes to the other
// queues' workers directly over `peers` (table-mesh.ts).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { QueueHost, type HostConfig } from './queue-host.js';
import type { ToMain, ToWorker } from './worker-messages.js';

const port = parentPort;
if (!port) throw new Error('queue-worker.ts runs only as a worker thread');
const post = (m: ToMain) => port.postMessage(m);
const { config, peers } = workerData as { config: HostConfig; peers: MessagePort[] };

let host: QueueHost;
try {
  host = await QueueHost.start(config, {
    onMatch: (e) => post({ type: 'match', event: { ...e, queue: config.queues[0] } }),
    onWarning: (message) => post({ type: 'warning', message }),
    blocker: {
      blockPeer: (addr, port, seconds, label) =>
        post({ type: 'block', addr, port, seconds, label }),
    },
    onEnforcement: (event) => post({ type: 'enforcement', event }),
    sendRst: (packet, dst, family) => post({ type: 'rst', packet, dst, family }),
    onEnforce: (request) => post({ type: 'enforce', request }),
    onTables: (batch) => post({ type: 'tables', batch }),
  });
} catch (e) {
  post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  port.close();
  process.exit(1);
}
host.joinTableMesh(peers);
post({ type: 'ready', info: host.info });
port.on('message', (m: ToWorker) => {
  if (m.type === 'stats') post({ type: 'stats', id: m.id, snapshot: host.snapshot(m.uptime) });
  else if (m.type === 'ban-dns') host.trainer?.banName(m.pattern);
  else if (m.type === 'detail') post({ type: 'detail', id: m.id, detail: host.detail() });
  else if (m.type === 'tables') host.receiveTables(m.batch);
  else if (m.type === 'pass-all') host.setPassAll(m.on);
  else if (m.type === 'stop') {
    const snapshot = host.snapshot(m.uptime);
    void host.stop().then(() => {
      post({ type: 'stopped', snapshot });
      port.close();
    });
  }
});
