// Child of netlink-overrun.test.ts, run inside a namespace: a conntrack event socket with a tiny
// receive buffer and a slow reader, while many new UDP flows create events. Prints one JSON line.
import { createSocket } from 'node:dgram';
import {
  NETLINK_NETFILTER,
  NetlinkSocket,
  NFNLGRP_CONNTRACK_DESTROY,
  NFNLGRP_CONNTRACK_NEW,
  NFNLGRP_CONNTRACK_UPDATE,
} from '@p2pwall/core/netlink';

const s = NetlinkSocket.open(NETLINK_NETFILTER, {
  recvBufferSize: 4096,
  groups: [NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_UPDATE, NFNLGRP_CONNTRACK_DESTROY],
});
let messages = 0;
let overruns = 0;
s.onMessage = () => {
  messages++;
  const until = Date.now() + 2;
  while (Date.now() < until) {
    /* a slow consumer */
  }
};
s.on('overrun', () => overruns++);
const udp = createSocket('udp4');
let port = 20000;
// on a loaded machine the burst may still be going when the report is due: it stops there
let closed = false;
const burst = () => {
  if (closed) return;
  for (let i = 0; i < 200 && port < 26000; i++) udp.send('x', port++, '127.0.0.1');
  if (port < 26000) setImmediate(burst);
};
burst();
setTimeout(() => {
  process.stdout.write(JSON.stringify({ messages, overruns, drops: s.drops() }) + '\n');
  closed = true;
  udp.close();
  s.close();
}, 2500);
