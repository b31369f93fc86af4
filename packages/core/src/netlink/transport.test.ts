// NetlinkSocket over the fake kernel: acknowledgements, refusals, dumps, unsolicited messages,
// overruns, and what happens when a handler, a datagram or the kernel misbehaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_REQUEST } from './constants.js';
import { EOPNOTSUPP, EPERM } from './errno.js';
import { NetlinkError } from './errors.js';
import { FakeKernel, type KernelRequest } from './testing/fake-kernel.js';
import { NetlinkSocket } from './transport.js';
import { NlWriter } from './writer.js';

function request(s: NetlinkSocket, flags: number): { msg: Buffer; seq: number } {
  const seq = s.nextSeq();
  return {
    msg: new NlWriter()
      .begin(0x101, NLM_F_REQUEST | flags, seq)
      .nfgenmsg(2, 0, 0)
      .finish(),
    seq,
  };
}

test('a request gets NLM_F_ACK added and resolves on the acknowledgement', async () => {
  const kernel = new FakeKernel();
  const s = kernel.socket(12);
  const { msg, seq } = request(s, 0);
  const p = s.request(msg, { operation: 'test' });
  assert.equal(kernel.requests[0].header.flags & NLM_F_ACK, NLM_F_ACK);
  assert.equal(kernel.requests[0].header.seq, seq);
  assert.deepEqual(await p, { interrupted: false, messages: 0 });
});

test('a refusal becomes a NetlinkError naming the errno and what to do', async () => {
  const refusals = [EPERM, EOPNOTSUPP];
  const kernel = new FakeKernel((req, k) => k.error(req, refusals.shift()!));
  const s = kernel.socket(12);
  const p = s.request(request(s, 0).msg, { operation: 'conntrack delete' });
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof NetlinkError);
    assert.equal(e.code, 'EPERM');
    assert.deepEqual(e.fault, {
      kind: 'errno',
      operation: 'conntrack delete',
      errno: EPERM,
      code: 'EPERM',
      hint: 'needs CAP_NET_ADMIN (run as root, or grant the capability)',
    });
    assert.match(
      e.message,
      /^conntrack delete failed: EPERM \(operation not permitted\) — needs CAP_NET_ADMIN/,
    );
    return true;
  });
  const q = s.request(request(s, 0).msg, {
    operation: 'sock destroy',
    hints: { EOPNOTSUPP: 'needs CONFIG_INET_DIAG_DESTROY' },
  });
  await assert.rejects(q, /EOPNOTSUPP .* needs CONFIG_INET_DIAG_DESTROY/);
});

test('a dump collects every multipart message until NLMSG_DONE, and notes NLM_F_DUMP_INTR', async () => {
  const kernel = new FakeKernel((req, k) => {
    const w = k.reply(req, 0x100).nfgenmsg(2, 0, 0);
    k.reply(req, 0x100, NLM_F_DUMP_INTR, w).nfgenmsg(10, 0, 0);
    return [w.finish(), k.done(req)];
  });
  const s = kernel.socket(12);
  const families: number[] = [];
  const p = s.request(request(s, NLM_F_DUMP).msg, {
    operation: 'dump',
    onMessage: (m) => families.push(m.nfgenFamily),
  });
  assert.deepEqual(await p, { interrupted: true, messages: 2 });
  assert.deepEqual(families, [2, 10]);
});

test('a dump that ends in an errno, and a send that fails, reject with that errno', async () => {
  const kernel = new FakeKernel((req, k) => k.done(req, EOPNOTSUPP));
  const s = kernel.socket(12);
  await assert.rejects(
    s.request(request(s, NLM_F_DUMP).msg, { operation: 'dump', hints: { EOPNOTSUPP: 'old' } }),
    /^NetlinkError: dump failed: EOPNOTSUPP \(.*\) — old$/,
  );
  kernel.failSends(EPERM);
  await assert.rejects(
    s.request(request(s, 0).msg, { operation: 'bind' }),
    (e: unknown) => e instanceof NetlinkError && e.code === 'EPERM' && e.operation === 'bind',
  );
  assert.equal(kernel.requests.length, 1, 'a failed send never reaches the kernel');
});

test('messages that answer no request go to onMessage (multicast events, log packets)', () => {
  const kernel = new FakeKernel();
  const s = kernel.socket(12, { groups: [] });
  s.addMembership(3);
  assert.deepEqual([...kernel.groups], [3]);
  const types: number[] = [];
  s.onMessage = (m) => types.push(m.type);
  kernel.deliver(new NlWriter().begin(0x102, 0, 0).nfgenmsg(2, 0, 0).finish());
  assert.deepEqual(types, [0x102]);
});

test('ENOBUFS from the receive path is an overrun event, not an error', () => {
  const kernel = new FakeKernel();
  const s = kernel.socket(12);
  let overruns = 0;
  let errors = 0;
  s.on('overrun', () => overruns++);
  s.on('error', () => errors++);
  kernel.overrun();
  assert.equal(overruns, 1);
  assert.equal(errors, 0);
});

test('an exception in a reply handler fails that request instead of escaping into native code', async () => {
  const kernel = new FakeKernel(() => undefined);
  const s = kernel.socket(12);
  const p = s.request(request(s, NLM_F_DUMP).msg, {
    operation: 'dump',
    onMessage: () => {
      throw new Error('decoder bug');
    },
  });
  const req: KernelRequest = kernel.requests[0];
  assert.doesNotThrow(() => kernel.deliver(kernel.reply(req, 0x100).nfgenmsg(2, 0, 0).finish()));
  await assert.rejects(p, /decoder bug/);
});

test('a malformed datagram fails the waiting requests', async () => {
  // nlmsg_len 400 in a 20-byte datagram: no codec writes a lie, so the bytes are made by hand
  const bad = Buffer.alloc(20);
  bad.writeUInt32LE(400, 0);
  const kernel = new FakeKernel(() => bad);
  const s = kernel.socket(12);
  const p = s.request(request(s, 0).msg, { operation: 'get' });
  await assert.rejects(p, /malformed netlink data at byte 0/);
});

test('no answer: ETIMEDOUT; closing rejects what still waits and closes the raw socket later', async () => {
  const kernel = new FakeKernel(() => undefined);
  const s = kernel.socket(12);
  await assert.rejects(
    s.request(request(s, 0).msg, { operation: 'slow', timeoutMs: 5 }),
    /ETIMEDOUT .* did not answer within 5 ms/,
  );
  const p = s.request(request(s, 0).msg, { operation: 'pending' });
  s.close();
  await assert.rejects(p, /closed before the answer/);
  assert.equal(
    kernel.closed,
    false,
    'never closed inside the caller (it may be a native callback)',
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(kernel.closed, true);
});
