// NfQueue over a fake netlink socket: the config it sends, how it falls back when the kernel lacks
// conntrack glue, the errors it raises, and the verdicts of an event-loop turn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { EBUSY, EOPNOTSUPP, EPERM } from '../errno.js';
import { NetlinkError } from '../errors.js';
import { putU16h, putU32h } from '../host-order.js';
import { forEachMessage, NlMsgView } from '../message.js';
import type { RequestOptions, RequestResult } from '../transport.js';
import { parseNfqConfig, type ParsedNfqConfig } from './config.js';
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
import { NfQueue, type NfQueueOptions, type QueueSocket } from './queue.js';
import { KEEP_MARK, parseVerdicts, type ParsedVerdict } from './verdict.js';

class FakeSocket extends EventEmitter implements QueueSocket {
  onMessage: ((m: NlMsgView) => void) | null = null;
  readonly configs: ParsedNfqConfig[] = [];
  readonly datagrams: ParsedVerdict[][] = [];
  isClosed = false;
  readonly portId = 4242;
  private seq = 100;
  constructor(private readonly answer: (c: ParsedNfqConfig) => number = () => 0) {
    super();
  }
  nextSeq(): number {
    return ++this.seq;
  }
  async request(msg: Buffer, options: RequestOptions): Promise<RequestResult> {
    const c = parseNfqConfig(msg);
    this.configs.push(c);
    const errno = this.answer(c);
    if (errno)
      throw new NetlinkError(
        errno,
        options.operation,
        options.hints?.[errno === EPERM ? 'EPERM' : 'other'],
      );
    return { interrupted: false, messages: 0 };
  }
  send(msg: Uint8Array | Uint8Array[], onSent?: (failed: boolean) => void): void {
    this.datagrams.push(parseVerdicts(msg as Uint8Array));
    setImmediate(() => onSent?.(false));
  }
  close(): void {
    this.isClosed = true;
  }
  /** Delivers kernel messages as the transport does: one reused view. */
  deliver(b: Buffer): void {
    forEachMessage(b, b.length, new NlMsgView(), (m) => this.onMessage?.(m));
  }
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
  const s = new FakeSocket();
  const q = await NfQueue.attach(s, options({ queue: 9, failOpen: true, gso: true, maxLen: 4096 }));
  assert.equal(q.conntrack, false);
  assert.deepEqual(
    s.configs.map((c) => ({ ...c })),
    [
      { queue: 9, family: 0, command: NFQNL_CFG_CMD_BIND, pf: 0 },
      { queue: 9, family: 0, copyMode: 2, copyRange: 0xffff, maxLen: 4096 },
      { queue: 9, family: 0, flags: NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO, mask: 0b1111 },
    ],
  );
  await q.close();
  assert.equal(s.configs.at(-1)?.command, NFQNL_CFG_CMD_UNBIND);
  assert.equal(s.isClosed, true);
});

test('nfqueue client: conntrack "auto" carries on without when the kernel refuses the flag', async () => {
  const s = new FakeSocket((c) => ((c.flags ?? 0) & NFQA_CFG_F_CONNTRACK ? EOPNOTSUPP : 0));
  const q = await NfQueue.attach(s, options({ conntrack: 'auto' }));
  assert.equal(q.conntrack, false);
  assert.match(q.conntrackUnavailable ?? '', /CONFIG_NETFILTER_NETLINK_GLUE_CT/);
  const strict = new FakeSocket((c) => ((c.flags ?? 0) & NFQA_CFG_F_CONNTRACK ? EOPNOTSUPP : 0));
  await assert.rejects(NfQueue.attach(strict, options({ conntrack: true })), /GLUE_CT/);
  assert.equal(strict.isClosed, true);
  const ok = await NfQueue.attach(new FakeSocket(), options({ conntrack: 'auto' }));
  assert.equal(ok.conntrack, true);
});

test('nfqueue client: a refused bind names the missing capability (no other holder in /proc)', async () => {
  // which program holds a queue comes from /proc/net/netfilter/nfnetlink_queue: the privileged
  // tests check that case against the kernel
  const denied = new FakeSocket(() => EPERM);
  await assert.rejects(
    NfQueue.attach(denied, options({ queue: 54321 })),
    /^NetlinkError: binding NFQUEUE 54321 failed: EPERM .*needs CAP_NET_ADMIN/,
  );
  assert.equal(denied.isClosed, true);
  const later = new FakeSocket((c) => (c.copyMode !== undefined ? EBUSY : 0));
  await assert.rejects(NfQueue.attach(later, options()), /configuring NFQUEUE 0 failed: EBUSY/);
});

test('nfqueue client: one datagram per turn, the handler decides, a throwing handler gets the default', async () => {
  const s = new FakeSocket();
  const errors: string[] = [];
  const q = await NfQueue.attach(
    s,
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
      onError: (e) => errors.push(e.message),
    }),
  );
  s.deliver(Buffer.concat([packetMessage(1), packetMessage(2), packetMessage(3)]));
  s.deliver(packetMessage(4));
  assert.equal(s.datagrams.length, 0, 'verdicts wait for the end of the turn');
  await turn();
  assert.deepEqual(s.datagrams, [
    [{ batch: true, queue: 0, id: 4, verdict: NF_ACCEPT, mark: KEEP_MARK, connmark: KEEP_MARK }],
  ]);
  s.deliver(Buffer.concat([packetMessage(5), packetMessage(6), packetMessage(7, 1)]));
  await turn();
  // connmark is dropped: this queue has no conntrack glue
  assert.deepEqual(
    s.datagrams[1].map((v) => [v.id, v.verdict, v.mark, v.connmark]),
    [
      [5, NF_ACCEPT, KEEP_MARK, KEEP_MARK],
      [6, NF_DROP, 7, KEEP_MARK],
    ],
  );
  assert.equal(errors.length, 2);
  assert.match(errors[0], /boom/);
  assert.match(errors[1], /ignored a packet message: for queue 1/);
  const st = q.stats();
  assert.equal(st.packets, 6);
  assert.equal(st.verdicts, 6);
  assert.equal(st.handlerErrors, 1);
  assert.equal(st.decodeErrors, 1);
  assert.equal(st.datagrams, 2);
  assert.equal(st.batchMessages, 1);
});

test('nfqueue client: connmark verdicts with conntrack on; refused verdicts are counted', async () => {
  const s = new FakeSocket();
  const errors: string[] = [];
  const q = await NfQueue.attach(
    s,
    options({
      conntrack: true,
      onPacket(_p, d) {
        d.connmark = 0x70;
      },
      onError: (e) => errors.push(e.message),
    }),
  );
  s.deliver(packetMessage(1));
  await turn();
  assert.equal(s.datagrams[0][0].connmark, 0x70);
  // NLMSG_ERROR -ENOENT for a verdict: nlmsgerr { s32 error; nlmsghdr request }
  const err = Buffer.alloc(36);
  putU32h(err, 0, 36);
  putU16h(err, 4, 2);
  putU32h(err, 16, -2 >>> 0);
  s.deliver(err);
  assert.equal(q.stats().verdictErrors, 1);
  assert.match(errors[0], /ENOENT .*no longer holds that packet/);
});
