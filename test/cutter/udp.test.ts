// Non-TCP flows cannot be reset: cutter reports them as skipped, and with --drop-udp deletes their
// conntrack entries and blocks their tuples for --block seconds; the endpoints see the flow stop and
// come back afterwards, and no rule is left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLab } from '../../tools/lab/topology.js';
import { privilegedSkip } from '../support/environment.js';
import { cutter, leftovers } from './support.js';

const skip = privilegedSkip(['ip', 'nft', 'conntrack', 'python3']);

// a datagram every 20 ms from the client; the server prints the arrival time of each as the kernel
// stamped it (SO_TIMESTAMP, 29 on Linux; Python does not name it): on a loaded machine the
// receiver may read a datagram that arrived before the block only after the block began
const SENDER = (dst: string, port: number) =>
  `import socket,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('',41000))\nwhile True:\n  s.sendto(b'x',('${dst}',${port}))\n  time.sleep(0.02)\n`;
const RECEIVER = (port: number) =>
  `import socket,struct\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.setsockopt(socket.SOL_SOCKET,29,1)\ns.bind(('',${port}))\nwhile True:\n  _,anc,_,_=s.recvmsg(100,64)\n  sec,usec=struct.unpack('qq',anc[0][2][:16])\n  print(sec+usec/1e6,flush=True)\n`;

test(
  'UDP: skipped without --drop-udp; with it, entry deleted and tuple blocked for --block seconds',
  { skip },
  () =>
    withLab({}, async (lab) => {
      const port = lab.nextPort();
      const arrivals: number[] = [];
      const rx = lab.server.spawn(['python3', '-c', RECEIVER(port)]);
      rx.stdout!.on('data', (d: Buffer) =>
        arrivals.push(...d.toString().trim().split('\n').map(Number)),
      );
      lab.client.spawn(['python3', '-c', SENDER(lab.server.ipv4, port)]);
      while (arrivals.length < 5) await new Promise((r) => setTimeout(r, 20));

      const skipped = await cutter(lab.router, [
        '--yes',
        '--json',
        '--proto',
        'udp',
        lab.client.ipv4,
      ]);
      assert.equal(skipped.code, 1);
      assert.equal(skipped.results[0].result, 'skipped');
      assert.match(skipped.results[0].reason, /udp cannot be reset \(use --drop-udp/);

      const dropped = await cutter(lab.router, [
        '--yes',
        '--json',
        '--proto',
        'udp',
        '--drop-udp',
        '--block',
        '2',
        lab.client.ipv4,
      ]);
      assert.equal(dropped.code, 0, dropped.stderr);
      const r = dropped.results[0];
      assert.equal(r.result, 'cut');
      assert.equal(r.method, 'conntrack-delete');
      assert.equal(r.conntrackDeleted, true);
      assert.equal(await leftovers(lab), '');
      // nothing arrived while the block was in force (as cutter reports it), datagrams did before
      const until = Date.parse(r.blockedUntil) / 1000;
      const from = until - 2;
      assert.ok(
        arrivals.some((t) => t < from),
        'the flow was running before the block',
      );
      assert.deepEqual(
        arrivals.filter((t) => t > from + 0.05 && t < until - 0.05),
        [],
        'nothing arrived while blocked',
      );
      const seen = arrivals.length;
      const t = Date.now();
      while (arrivals.length < seen + 5 && Date.now() - t < 3000)
        await new Promise((r) => setTimeout(r, 20));
      assert.ok(arrivals.length >= seen + 5, 'the flow comes back once the block ends');
    }),
);
