// NfQueue over the fake kernel: the config it sends, how it falls back when the kernel lacks
// conntrack glue, the errors it raises, and the verdicts of an event-loop turn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EBUSY, ENOENT, EOPNOTSUPP, EPERM } from '../errno.js';
import { NetlinkDecodeError } from '../errors.js';
import { NlMsgView } from '../message.js';
import { FakeKernel, type KernelRequest } from '../testing/fake-kernel.js';
import type { NetlinkSocket } from '../transport.js';
import { NFQ_CONFIG_TYPE, parseNfqConfig, type ParsedNfqConfig } from './config.js';
import {
  NF_ACCEPT,
  NF_DROP,
  NFQA_CFG_F_CONNTRACK,
  NFQA_CFG_F_FAIL_OPEN,
  NFQA_CFG_F_GSO,
  NFQNL_CFG_CMD_BIND,
  NFQNL_CFG_CMD_UNBIND,
} from './constants.js';
import { encodeNfqPacket, parseNfqPacket } from './packet-repr.js';
import { NfQueue, type NfQueueOptions } from './queue.js';
import {
  KEEP_MARK,
  NFQ_VERDICT_BATCH_TYPE,
  NFQ_VERDICT_TYPE,
  parseVerdicts,
  type ParsedVerdict,
} from './verdict.js';

/**
 * A kernel that answers each NFQNL_MSG_CONFIG with `answer`'s errno (0: ACK) and takes verdicts
 * silently. `configs` are the configs received, `verdicts()` the verdict datagrams, decoded.
 */
function queueKernel(answer: (c: ParsedNfqConfig) => number = () => 0) {
  const configs: ParsedNfqConfig[] = [];
  const kernel = new FakeKernel((req: KernelRequest, k) => {
    if (req.header.type !== NFQ_CONFIG_TYPE) return undefined;
    const c = parseNfqConfig(req.bytes);
    configs.push(c);
    const errno = answer(c);
    return errno ? k.error(req, errno) : k.ack(req);
  });
  const isVerdict = (d: Buffer) => {
    const type = new NlMsgView().reset(d, 0).type;
    return type === NFQ_VERDICT_TYPE || type === NFQ_VERDICT_BATCH_TYPE;
  };
  const verdicts = (): ParsedVerdict[][] =>
    kernel.datagrams.filter(isVerdict).map((d) => parseVerdicts(d));
  const socket: NetlinkSocket = kernel.socket();
  return { kernel, socket, configs, verdicts };
}

const fixtures = JSON.parse(
  readFileSync(new URL('./testdata/kernel-packets.json', import.meta.url), 'utf8'),
) as { fixtures: { name: string; hex: string }[] };
const icmp = parseNfqPacket(
  Buffer.from(fixtures.fixtures.find((f) => f.name === 'icmp-echo-forward')!.hex, 'hex'),
);
const packetMessage = (id: number, queue = 0) => encodeNfqPacket({ ...icmp, id, queue });
const turn = () => new Promise((r) => setImmediate(r));

function options(o: Partial<NfQueueOptions> = {}): NfQueueOptions {
  return { queue: 0, onPacket: () => {}, ...o };
}

test('nfqueue client: binds, copies whole packets, sets flags with their mask, unbinds on close', async () => {
  const { kernel, socket, configs } = queueKernel();
  const q = await NfQueue.attach(
    socket,
    options({ queue: 9, failOpen: true, gso: true, maxLen: 4096 }),
  );
  assert.equal(q.conntrack, false);
  assert.deepEqual(
    configs.map((c) => ({ ...c })),
    [
      { queue: 9, family: 0, command: NFQNL_CFG_CMD_BIND, pf: 0 },
      { queue: 9, family: 0, copyMode: 2, copyRange: 0xffff, maxLen: 4096 },
      { queue: 9, family: 0, flags: NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO, mask: 0b1111 },
    ],
  );
  await q.close();
  assert.equal(configs.at(-1)?.command, NFQNL_CFG_CMD_UNBIND);
  assert.equal(socket.isClosed, true);
  await turn();
  assert.equal(kernel.closed, true);
});

test('nfqueue client: conntrack "auto" carries on without when the kernel refuses the flag', async () => {
  const noGlue = (c: ParsedNfqConfig) => ((c.flags ?? 0) & NFQA_CFG_F_CONNTRACK ? EOPNOTSUPP : 0);
  const q = await NfQueue.attach(queueKernel(noGlue).socket, options({ conntrack: 'auto' }));
  assert.equal(q.conntrack, false);
  assert.match(q.conntrackUnavailable ?? '', /CONFIG_NETFILTER_NETLINK_GLUE_CT/);
  assert.equal(q.conntrackRefusal?.code, 'EOPNOTSUPP');
  assert.equal(q.conntrackRefusal?.operation, 'enabling conntrack info on NFQUEUE 0');
  const strict = queueKernel(noGlue);
  await assert.rejects(NfQueue.attach(strict.socket, options({ conntrack: true })), /GLUE_CT/);
  assert.equal(strict.socket.isClosed, true);
  const ok = await NfQueue.attach(queueKernel().socket, options({ conntrack: 'auto' }));
  assert.equal(ok.conntrack, true);
  assert.equal(ok.conntrackUnavailable, null);
});

test('nfqueue client: a refused bind names the missing capability (no other holder in /proc)', async () => {
  // which program holds a queue comes from /proc/net/netfilter/nfnetlink_queue: the privileged
  // tests check that case against the kernel
  const denied = queueKernel(() => EPERM);
  await assert.rejects(
    NfQueue.attach(denied.socket, options({ queue: 54321 })),
    /^NetlinkError: binding NFQUEUE 54321 failed: EPERM .*needs CAP_NET_ADMIN/,
  );
  assert.equal(denied.socket.isClosed, true);
  const later = queueKernel((c) => (c.copyMode !== undefined ? EBUSY : 0));
  await assert.rejects(
    NfQueue.attach(later.socket, options()),
    /configuring NFQUEUE 0 failed: EBUSY/,
  );
});

test('nfqueue client: one datagram per turn, the handler decides, a throwing handler gets the default', async () => {
  const { kernel, socket, verdicts } = queueKernel();
  const errors: Error[] = [];
  const q = await NfQueue.attach(
    socket,
    options({
      defaultVerdict: NF_ACCEPT,
      onPacket(p, d) {
        if (p.id === 5) throw new Error('boom');
        if (p.id === 6) {
          d.verdict = NF_DROP;
          d.mark = 7;
          d.connmark = 7;
        }
      },
      onError: (e) => errors.push(e),
    }),
  );
  kernel.deliver(Buffer.concat([packetMessage(1), packetMessage(2), packetMessage(3)]));
  kernel.deliver(packetMessage(4));
  assert.equal(verdicts().length, 0, 'verdicts wait for the end of the turn');
  await turn();
  assert.deepEqual(verdicts(), [
    [{ batch: true, queue: 0, id: 4, verdict: NF_ACCEPT, mark: KEEP_MARK, connmark: KEEP_MARK }],
  ]);
  kernel.deliver(Buffer.concat([packetMessage(5), packetMessage(6), packetMessage(7, 1)]));
  await turn();
  // connmark is dropped: this queue has no conntrack glue
  assert.deepEqual(
    verdicts()[1].map((v) => [v.id, v.verdict, v.mark, v.connmark]),
    [
      [5, NF_ACCEPT, KEEP_MARK, KEEP_MARK],
      [6, NF_DROP, 7, KEEP_MARK],
    ],
  );
  assert.equal(errors.length, 2);
  assert.match(errors[0].message, /boom/);
  assert.match(errors[1].message, /ignored a packet message: for queue 1/);
  assert.ok(errors[1] instanceof NetlinkDecodeError);
  assert.deepEqual(errors[1].fault, {
    kind: 'ignored',
    subsystem: 'NFQUEUE',
    id: 0,
    offset: packetMessage(5).length + packetMessage(6).length,
    problem: { kind: 'other-queue', queue: 1 },
  });
  assert.equal(errors[1].message, 'NFQUEUE 0: ignored a packet message: for queue 1');
  const st = q.stats();
  assert.equal(st.packets, 6);
  assert.equal(st.verdicts, 6);
  assert.equal(st.handlerErrors, 1);
  assert.equal(st.decodeErrors, 1);
  assert.equal(st.datagrams, 2);
  assert.equal(st.batchMessages, 1);
});

test('nfqueue client: connmark verdicts with conntrack on; refused verdicts are counted', async () => {
  const { kernel, socket, verdicts } = queueKernel();
  const errors: string[] = [];
  const q = await NfQueue.attach(
    socket,
    options({
      conntrack: true,
      onPacket(_p, d) {
        d.connmark = 0x70;
      },
      onError: (e) => errors.push(e.message),
    }),
  );
  kernel.deliver(packetMessage(1));
  await turn();
  assert.equal(verdicts()[0][0].connmark, 0x70);
  // the kernel no longer holds the packet: NLMSG_ERROR -ENOENT for that verdict
  const verdict = kernel.requests.find(
    (r) => r.header.type === NFQ_VERDICT_TYPE || r.header.type === NFQ_VERDICT_BATCH_TYPE,
  )!;
  kernel.deliver(kernel.error(verdict, ENOENT));
  assert.equal(q.stats().verdictErrors, 1);
  assert.match(errors[0], /ENOENT .*no longer holds that packet/);
});

test('nfqueue client: over a socket that reads in runs, each run is answered at once with one send', async () => {
  const { kernel, socket, verdicts } = queueKernel();
  const direct: Buffer[] = [];
  let refuse = false;
  // what NetlinkSocket does with direct I/O on: reads in runs, ends each with onBatchEnd
  Object.defineProperty(socket, 'receivesInRuns', { value: true });
  socket.sendNow = (buf, len) => {
    if (refuse) return false;
    direct.push(Buffer.from(buf.subarray(0, len)));
    return true;
  };
  const q = await NfQueue.attach(
    socket,
    options({
      onPacket(p, d) {
        if (p.id === 3) d.verdict = NF_DROP;
      },
    }),
  );
  assert.equal(socket.onBatchEnd !== null, true, 'the queue listens for the end of each run');
  kernel.deliver(Buffer.concat([packetMessage(1), packetMessage(2), packetMessage(3)]));
  assert.equal(direct.length, 0, 'nothing goes before the run ends');
  socket.onBatchEnd!();
  assert.deepEqual(
    direct.map((d) => parseVerdicts(d).map((v) => [v.batch, v.id, v.verdict])),
    [
      [
        [true, 2, NF_ACCEPT],
        [false, 3, NF_DROP],
      ],
    ],
  );
  // an idle queue: one packet, answered as soon as its run (of one) ends
  kernel.deliver(packetMessage(4));
  socket.onBatchEnd!();
  assert.deepEqual(
    parseVerdicts(direct[1]).map((v) => [v.batch, v.id]),
    [[false, 4]],
  );
  // a refused direct send falls back to the package's send, which keeps a copy
  refuse = true;
  kernel.deliver(packetMessage(5));
  socket.onBatchEnd!();
  await turn();
  assert.deepEqual(
    verdicts().map((d) => d.map((v) => v.id)),
    [[5]],
  );
  assert.equal(q.stats().datagrams, 3);
  await q.close();
});
