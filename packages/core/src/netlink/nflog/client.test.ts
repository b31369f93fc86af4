// The NFLOG client against the fake kernel: the bind and config messages it sends (decoded with
// parseNflogConfig), the packets it hands on, overruns, and how refusals read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AF_INET, NF_INET_LOCAL_OUT } from '../constants.js';
import { EBUSY, EOPNOTSUPP, EPERM } from '../errno.js';
import { NetlinkError } from '../errors.js';
import { FakeKernel, type KernelHandler } from '../testing/fake-kernel.js';
import { NlWriter } from '../writer.js';
import { Nflog, type NflogOptions } from './client.js';
import { NFLOG_CONFIG_TYPE, parseNflogConfig, type ParsedNflogConfig } from './config.js';
import {
  NFULNL_CFG_CMD_BIND,
  NFULNL_CFG_CMD_UNBIND,
  NFULNL_CFG_F_SEQ,
  NFULNL_COPY_META,
  NFULNL_COPY_PACKET,
} from './constants.js';
import type { NflogPacket } from './packet.js';
import { encodeNflogPacket, type NflogPacketRepr } from './packet-repr.js';

/** A kernel that answers each config message with `answer`'s errno (0: ACK), and keeps them. */
function logKernel(answer: (c: ParsedNflogConfig) => number = () => 0) {
  const configs: ParsedNflogConfig[] = [];
  const handler: KernelHandler = (req, k) => {
    assert.equal(req.header.type, NFLOG_CONFIG_TYPE);
    const c = parseNflogConfig(req.bytes);
    configs.push(c);
    const errno = answer(c);
    return errno ? k.error(req, errno) : k.ack(req);
  };
  return { kernel: new FakeKernel(handler), configs };
}

const seen: Pick<NflogPacket, 'group' | 'hook' | 'mark' | 'prefix' | 'outdev'>[] = [];
function options(o: Partial<NflogOptions> = {}): NflogOptions {
  return {
    group: 7,
    onPacket: (p) =>
      seen.push({ group: p.group, hook: p.hook, mark: p.mark, prefix: p.prefix, outdev: p.outdev }),
    ...o,
  };
}

const ping: NflogPacketRepr = {
  group: 7,
  family: AF_INET,
  hwProtocol: 0x0800,
  hook: NF_INET_LOCAL_OUT,
  prefix: 'p2pw-test ',
  outdev: 1,
  mark: 0x2a,
  uid: 0,
  gid: 0,
  payload: Uint8Array.from([
    0x45, 0, 0, 20, 0, 0, 0x40, 0, 0x40, 1, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
  ]),
};

test('nflog bind: one config message with the command, copy mode and range, QTHRESH 1, TIMEOUT 0', async () => {
  const { kernel, configs } = logKernel();
  const log = await Nflog.attach(kernel.socket(), options());
  assert.deepEqual(configs, [
    {
      group: 7,
      family: 0,
      command: NFULNL_CFG_CMD_BIND,
      copyMode: NFULNL_COPY_PACKET,
      copyRange: 0xffff,
      qthreshold: 1,
      timeout: 0,
    },
  ]);
  await log.configure({ copyMode: NFULNL_COPY_META, copyRange: 0, flags: NFULNL_CFG_F_SEQ });
  assert.deepEqual(configs[1], {
    group: 7,
    family: 0,
    copyMode: NFULNL_COPY_META,
    copyRange: 0,
    flags: NFULNL_CFG_F_SEQ,
  });
  await log.close();
  assert.equal(configs[2].command, NFULNL_CFG_CMD_UNBIND);
  assert.equal(log.socket.isClosed, true);
});

test('nflog bind: settings given are sent as given', async () => {
  const { kernel, configs } = logKernel();
  const log = await Nflog.attach(
    kernel.socket(),
    options({ group: 65535, copyRange: 80, qthreshold: 20, timeout: 100, nlbufsiz: 1 << 16 }),
  );
  assert.deepEqual(configs[0], {
    group: 65535,
    family: 0,
    command: NFULNL_CFG_CMD_BIND,
    copyMode: NFULNL_COPY_PACKET,
    copyRange: 80,
    qthreshold: 20,
    timeout: 100,
    nlbufsiz: 1 << 16,
  });
  await log.close();
});

test('nflog packets: copies of this group reach onPacket; other groups and messages do not', async () => {
  seen.length = 0;
  const { kernel } = logKernel();
  const log = await Nflog.attach(kernel.socket(), options());
  kernel.deliver(
    Buffer.concat([
      encodeNflogPacket(ping),
      encodeNflogPacket({ ...ping, group: 8 }),
      encodeNflogPacket({ ...ping, mark: 0x2b, prefix: undefined }),
    ]),
  );
  // an event of another subsystem on the same socket (a ctnetlink message) is not a log copy
  kernel.deliver(new NlWriter().begin(0x0100, 0, 0).nfgenmsg(AF_INET, 0, 7).finish());
  assert.deepEqual(seen, [
    { group: 7, hook: NF_INET_LOCAL_OUT, mark: 0x2a, prefix: 'p2pw-test ', outdev: 1 },
    { group: 7, hook: NF_INET_LOCAL_OUT, mark: 0x2b, prefix: undefined, outdev: 1 },
  ]);
  await log.close();
});

test('nflog overruns: the transport reports ENOBUFS, the client counts it and tells the caller', async () => {
  const { kernel } = logKernel();
  let told = 0;
  const log = await Nflog.attach(kernel.socket(), options({ onOverrun: () => told++ }));
  kernel.overrun();
  kernel.overrun();
  assert.equal(log.overruns, 2);
  assert.equal(told, 2);
  await log.close();
});

test('nflog errors: a group in use, no nfnetlink_log, no privilege; the socket is closed', async () => {
  const busy = logKernel((c) => (c.command === NFULNL_CFG_CMD_BIND ? EBUSY : 0));
  const socket = busy.kernel.socket();
  await assert.rejects(Nflog.attach(socket, options({ group: 5 })), (e: unknown) => {
    assert.ok(e instanceof NetlinkError);
    assert.equal(
      e.message,
      'binding NFLOG group 5 failed: EBUSY (resource busy or locked) — NFLOG group 5 is bound by another program (ulogd? another cutter?); pick another group',
    );
    return true;
  });
  assert.equal(socket.isClosed, true);
  await assert.rejects(
    Nflog.attach(logKernel(() => EOPNOTSUPP).kernel.socket(), options()),
    /EOPNOTSUPP .* — the kernel lacks nfnetlink_log \(CONFIG_NETFILTER_NETLINK_LOG\)$/,
  );
  await assert.rejects(
    Nflog.attach(logKernel(() => EPERM).kernel.socket(), options()),
    /^NetlinkError: binding NFLOG group 7 failed: EPERM \(operation not permitted\) — needs CAP_NET_ADMIN/,
  );
  // a refused UNBIND does not keep close() from closing
  const { kernel } = logKernel((c) => (c.command === NFULNL_CFG_CMD_UNBIND ? EPERM : 0));
  const log = await Nflog.attach(kernel.socket(), options());
  await log.close();
  assert.equal(log.socket.isClosed, true);
});
