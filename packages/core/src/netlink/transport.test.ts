import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import {
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
} from './constants.js';
import { NetlinkError } from './errors.js';
import { NetlinkSocket, type RawSocketLike } from './transport.js';
import { NlWriter } from './writer.js';

/** A fake kernel end: records what is sent, lets the test answer. */
class FakeRaw extends EventEmitter implements RawSocketLike {
  sent: Buffer[] = [];
  closed = false;
  override on(event: string, listener: (...a: any[]) => void): this {
    return super.on(event, listener);
  }
  override removeAllListeners(event: string): this {
    return super.removeAllListeners(event);
  }
  send(msg: Uint8Array | Uint8Array[], _o: object, cb: (e?: Error) => void): void {
    this.sent.push(Buffer.from(msg as Uint8Array));
    cb();
  }
  close(): void {
    this.closed = true;
  }
  address() {
    return { port: 4242 };
  }
  addMembership(): void {}
  dropMembership(): void {}
  getRecvBufferSize(): number {
    return 1 << 20;
  }
  ref(): void {}
  unref(): void {}
  deliver(b: Buffer): void {
    this.emit('message', b);
  }
}

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

function error(seq: number, errno: number): Buffer {
  return new NlWriter()
    .begin(NLMSG_ERROR, 0, seq, 4242)
    .struct(20, (b, o) => b.writeInt32LE(errno, o))
    .finish();
}

test('a request gets NLM_F_ACK added and resolves on the acknowledgement', async () => {
  const raw = new FakeRaw();
  const s = NetlinkSocket.over(raw, 12);
  const { msg, seq } = request(s, 0);
  const p = s.request(msg, { operation: 'test' });
  assert.equal(raw.sent[0].readUInt16LE(6) & NLM_F_ACK, NLM_F_ACK);
  raw.deliver(error(seq, 0));
  assert.deepEqual(await p, { interrupted: false, messages: 0 });
});

test('a refusal becomes a NetlinkError naming the errno and what to do', async () => {
  const raw = new FakeRaw();
  const s = NetlinkSocket.over(raw, 12);
  const { msg, seq } = request(s, 0);
  const p = s.request(msg, { operation: 'conntrack delete' });
  raw.deliver(error(seq, -1));
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof NetlinkError);
    assert.equal(e.code, 'EPERM');
    assert.match(
      e.message,
      /^conntrack delete failed: EPERM \(operation not permitted\) — needs CAP_NET_ADMIN/,
    );
    return true;
  });
  const second = request(s, 0);
  const q = s.request(second.msg, {
    operation: 'sock destroy',
    hints: { EOPNOTSUPP: 'needs CONFIG_INET_DIAG_DESTROY' },
  });
  raw.deliver(error(second.seq, -95));
  await assert.rejects(q, /EOPNOTSUPP .* needs CONFIG_INET_DIAG_DESTROY/);
});

test('a dump collects every multipart message until NLMSG_DONE, and notes NLM_F_DUMP_INTR', async () => {
  const raw = new FakeRaw();
  const s = NetlinkSocket.over(raw, 12);
  const { msg, seq } = request(s, NLM_F_DUMP);
  const families: number[] = [];
  const p = s.request(msg, { operation: 'dump', onMessage: (m) => families.push(m.nfgenFamily) });
  const w = new NlWriter();
  w.begin(0x100, NLM_F_MULTI, seq, 4242).nfgenmsg(2, 0, 0);
  w.begin(0x100, NLM_F_MULTI | NLM_F_DUMP_INTR, seq, 4242).nfgenmsg(10, 0, 0);
  raw.deliver(w.finish());
  raw.deliver(
    new NlWriter()
      .begin(NLMSG_DONE, NLM_F_MULTI, seq, 4242)
      .struct(4, () => {})
      .finish(),
  );
  assert.deepEqual(await p, { interrupted: true, messages: 2 });
  assert.deepEqual(families, [2, 10]);
});

test('messages that answer no request go to onMessage (multicast events, log packets)', () => {
  const raw = new FakeRaw();
  const s = NetlinkSocket.over(raw, 12);
  const types: number[] = [];
  s.onMessage = (m) => types.push(m.type);
  raw.deliver(new NlWriter().begin(0x102, 0, 0).nfgenmsg(2, 0, 0).finish());
  assert.deepEqual(types, [0x102]);
});

test('ENOBUFS from the receive path is an overrun event, not an error', () => {
  const raw = new FakeRaw();
  const s = NetlinkSocket.over(raw, 12);
  let overruns = 0;
  s.on('overrun', () => overruns++);
  raw.emit('error', { errno: 105, code: 'ENOBUFS' });
  assert.equal(overruns, 1);
});

test('an exception in a reply handler fails that request instead of escaping into native code', async () => {
  const raw = new FakeRaw();
  const s = NetlinkSocket.over(raw, 12);
  const { msg, seq } = request(s, NLM_F_DUMP);
  const p = s.request(msg, {
    operation: 'dump',
    onMessage: () => {
      throw new Error('decoder bug');
    },
  });
  assert.doesNotThrow(() =>
    raw.deliver(new NlWriter().begin(0x100, NLM_F_MULTI, seq).nfgenmsg(2, 0, 0).finish()),
  );
  await assert.rejects(p, /decoder bug/);
});

test('a malformed datagram fails the waiting requests', async () => {
  const raw = new FakeRaw();
  const s = NetlinkSocket.over(raw, 12);
  const { msg } = request(s, 0);
  const p = s.request(msg, { operation: 'get' });
  const bad = Buffer.alloc(20);
  bad.writeUInt32LE(400, 0);
  raw.deliver(bad);
  await assert.rejects(p, /malformed netlink data at byte 0/);
});

test('no answer: ETIMEDOUT; closing rejects what still waits and closes the raw socket later', async () => {
  const raw = new FakeRaw();
  const s = NetlinkSocket.over(raw, 12);
  await assert.rejects(
    s.request(request(s, 0).msg, { operation: 'slow', timeoutMs: 5 }),
    /ETIMEDOUT .* did not answer within 5 ms/,
  );
  const p = s.request(request(s, 0).msg, { operation: 'pending' });
  s.close();
  await assert.rejects(p, /closed before the answer/);
  assert.equal(raw.closed, false, 'never closed inside the caller (it may be a native callback)');
  await new Promise((r) => setImmediate(r));
  assert.equal(raw.closed, true);
});
