// The sock_diag client against the fake kernel: the dump and destroy requests it sends (decoded
// with readDiagRequest), the sockets it keeps, and how refusals read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AF_INET, AF_INET6, NETLINK_SOCK_DIAG, NLM_F_ACK, NLM_F_DUMP } from '../constants.js';
import { ENOENT, EOPNOTSUPP, EPERM } from '../errno.js';
import { NetlinkError } from '../errors.js';
import { FakeKernel } from '../testing/fake-kernel.js';
import { SockDiag } from './client.js';
import {
  INET_DIAG_MARK,
  INET_DIAG_MD5SIG,
  INET_DIAG_NOCOOKIE,
  INET_DIAG_SHUTDOWN,
  INET_DIAG_ULP_INFO,
  SOCK_DESTROY,
  SOCK_DIAG_BY_FAMILY,
  TCP_ESTABLISHED,
  TCPF_CONNECTED,
} from './constants.js';
import { encodeDiagMsg, readDiagRequest, type TcpSocketInfo } from './inet-diag.js';

const base = { ifindex: 0, state: TCP_ESTABLISHED, uid: 0, rqueue: 0, wqueue: 0 };
const http: TcpSocketInfo = {
  ...base,
  family: AF_INET,
  src: '192.0.2.10',
  srcPort: 40000,
  dst: '198.51.100.20',
  dstPort: 80,
  cookie: 0x11n,
  inode: 5001,
  mark: 0,
  shutdown: 0,
};
const ssh: TcpSocketInfo = {
  ...base,
  family: AF_INET,
  src: '192.0.2.10',
  srcPort: 22,
  dst: '203.0.113.7',
  dstPort: 51000,
  cookie: 0x12n,
  inode: 5002,
  uid: 1000,
};
const tls6: TcpSocketInfo = {
  ...base,
  family: AF_INET6,
  src: '2001:db8::10',
  srcPort: 40001,
  dst: '2001:db8::20',
  dstPort: 443,
  cookie: 0x13n,
  inode: 5003,
  ulp: 'tls',
  md5: true,
};

/** A kernel whose dumps list `sockets` of the requested family; destroy answers with `destroy`. */
function diagKernel(sockets: TcpSocketInfo[], destroy: (s: TcpSocketInfo | undefined) => number) {
  const kernel = new FakeKernel((req, k) => {
    const r = readDiagRequest(req.bytes, req.view.payloadOffset);
    if (req.header.type === SOCK_DIAG_BY_FAMILY)
      return k.dump(
        req,
        SOCK_DIAG_BY_FAMILY,
        sockets.filter((s) => s.family === r.family),
        encodeDiagMsg,
      );
    const target = sockets.find(
      (s) =>
        s.src === r.id.src &&
        s.srcPort === r.id.srcPort &&
        s.dst === r.id.dst &&
        s.dstPort === r.id.dstPort &&
        (r.id.cookie === INET_DIAG_NOCOOKIE || r.id.cookie === s.cookie),
    );
    const errno = destroy(target);
    return errno ? k.error(req, errno) : k.ack(req);
  });
  return { kernel, diag: new SockDiag(kernel.socket(NETLINK_SOCK_DIAG)) };
}

test('sock_diag listTcp: a dump per family, connected states, extensions asked for', async () => {
  const { kernel, diag } = diagKernel([http, ssh, tls6], () => 0);
  assert.deepEqual(await diag.listTcp(), [http, ssh, tls6]);
  const requests = kernel.requests.map((r) => ({
    type: r.header.type,
    dump: r.header.flags & NLM_F_DUMP,
    ...readDiagRequest(r.bytes, r.view.payloadOffset),
  }));
  assert.deepEqual(
    requests.map((r) => [r.type, r.dump, r.family, r.protocol, r.states]),
    [
      [SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, AF_INET, 6, TCPF_CONNECTED],
      [SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, AF_INET6, 6, TCPF_CONNECTED],
    ],
  );
  const wanted = [INET_DIAG_SHUTDOWN, INET_DIAG_MD5SIG, INET_DIAG_ULP_INFO, INET_DIAG_MARK];
  assert.equal(requests[0].ext, wanted.reduce((m, x) => m | (1 << (x - 1)), 0) & 0xff);
  diag.close();
});

test('sock_diag listTcp: kernel-side states, user-side ports and addresses', async () => {
  const { kernel, diag } = diagKernel([http, ssh, tls6], () => 0);
  assert.deepEqual(await diag.listTcp({ family: 4, port: 22 }), [ssh]);
  assert.deepEqual(await diag.listTcp({ family: 6, remoteAddress: '2001:db8::20' }), [tls6]);
  assert.deepEqual(await diag.listTcp({ localPort: 80 }), []);
  assert.deepEqual(await diag.listTcp({ address: '198.51.100.20', states: 1 << 10 }), [http]);
  assert.equal(readDiagRequest(kernel.requests.at(-1)!.bytes, 16).states, 1 << 10);
  assert.equal(kernel.requests.length, 1 + 1 + 2 + 2);
});

test('sock_diag destroy: names the socket exactly, cookie included; false when it is gone', async () => {
  const { kernel, diag } = diagKernel([http], (s) => (s ? 0 : ENOENT));
  assert.equal(await diag.destroy(http), true);
  const req = kernel.requests[0];
  assert.equal(req.header.type, SOCK_DESTROY);
  assert.equal(req.header.flags & NLM_F_ACK, NLM_F_ACK);
  const sent = readDiagRequest(req.bytes, req.view.payloadOffset);
  assert.deepEqual(sent.id, {
    family: AF_INET,
    src: http.src,
    srcPort: http.srcPort,
    dst: http.dst,
    dstPort: http.dstPort,
    ifindex: 0,
    cookie: http.cookie,
  });
  assert.equal(sent.states, 0xffffffff);
  assert.equal(await diag.destroy({ ...http, cookie: 0x99n }), false, 'another socket now');
});

test('sock_diag errors: a kernel without SOCK_DESTROY, a caller without CAP_NET_ADMIN', async () => {
  const noDestroy = diagKernel([http], () => EOPNOTSUPP);
  await assert.rejects(noDestroy.diag.destroy(http), (e: unknown) => {
    assert.ok(e instanceof NetlinkError);
    assert.equal(e.code, 'EOPNOTSUPP');
    assert.equal(
      e.message,
      'destroying a TCP socket (SOCK_DESTROY) failed: EOPNOTSUPP (operation not supported on socket) — this kernel cannot destroy sockets: it was built without CONFIG_INET_DIAG_DESTROY',
    );
    return true;
  });
  const denied = diagKernel([http], () => EPERM);
  await assert.rejects(
    denied.diag.destroy(http),
    /^NetlinkError: destroying a TCP socket \(SOCK_DESTROY\) failed: EPERM \(operation not permitted\) — needs CAP_NET_ADMIN \(run as root, or grant the capability\)$/,
  );
  const dumpDenied = new FakeKernel((req, k) => k.error(req, EPERM));
  await assert.rejects(
    new SockDiag(dumpDenied.socket(NETLINK_SOCK_DIAG)).listTcp({ family: 4 }),
    /^NetlinkError: listing TCP sockets \(sock_diag\) failed: EPERM/,
  );
});
