// struct inet_diag_req_v2 (request) and struct inet_diag_msg (reply), side by side.
//
//  inet_diag_sockid (48 bytes): idiag_sport be16 (0), idiag_dport be16 (2), idiag_src be32[4] (4),
//    idiag_dst be32[4] (20), idiag_if u32 host (36), idiag_cookie u32[2] host (40)
//  inet_diag_req_v2 (56): sdiag_family u8, sdiag_protocol u8, idiag_ext u8, pad u8,
//    idiag_states u32 host, id (8..56)
//  inet_diag_msg (72): idiag_family u8, idiag_state u8, idiag_timer u8, idiag_retrans u8, id (4..52),
//    idiag_expires, idiag_rqueue, idiag_wqueue, idiag_uid, idiag_inode (u32 host each)
import { be16, putBe16 } from '../../bytes/endian.js';
import { formatIpv4, formatIpv6, parseIp } from '../../wire/address.js';
import { AttrTable } from '../attr.js';
import { AF_INET, AF_INET6 } from '../constants.js';
import { malformedAt, NetlinkDecodeError } from '../errors.js';
import { putU32h, u32h } from '../host-order.js';
import type { NlWriter } from '../writer.js';
import {
  INET_DIAG_MARK,
  INET_DIAG_MAX,
  INET_DIAG_MD5SIG,
  INET_DIAG_MSG_LEN,
  INET_DIAG_NOCOOKIE,
  INET_DIAG_REQ_V2_LEN,
  INET_DIAG_SHUTDOWN,
  INET_DIAG_ULP_INFO,
  INET_ULP_INFO_NAME,
} from './constants.js';

export interface SocketId {
  /** AF_INET or AF_INET6 (an IPv4 peer on a dual-stack socket is AF_INET6 with ::ffff:a.b.c.d). */
  family: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  /** Bound interface (0 = any). */
  ifindex: number;
  /** The kernel's socket cookie; INET_DIAG_NOCOOKIE matches any socket with the tuple. */
  cookie: bigint;
}

export interface TcpSocketInfo extends SocketId {
  /** TCP_* state (net/tcp_states.h). */
  state: number;
  uid: number;
  inode: number;
  rqueue: number;
  wqueue: number;
  /** SO_MARK (INET_DIAG_MARK; reported to CAP_NET_ADMIN only). */
  mark?: number;
  /** INET_DIAG_SHUTDOWN bits (1 = RCV, 2 = SEND). */
  shutdown?: number;
  /** TCP-MD5 keys are configured (INET_DIAG_MD5SIG present). */
  md5?: boolean;
  /** Upper-layer protocol (INET_DIAG_ULP_INFO name: "tls", "mptcp"). */
  ulp?: string;
}

function putAddr(b: Uint8Array, off: number, text: string): void {
  const a = parseIp(text);
  if (!a) throw new RangeError(`not an IP address: ${JSON.stringify(text)}`);
  b.fill(0, off, off + 16);
  b.set(a, off);
}

/** Writes struct inet_diag_sockid at `off`. */
export function putSocketId(b: Uint8Array, off: number, id: Partial<SocketId>): void {
  putBe16(b, off, id.srcPort ?? 0);
  putBe16(b, off + 2, id.dstPort ?? 0);
  if (id.src !== undefined) putAddr(b, off + 4, id.src);
  if (id.dst !== undefined) putAddr(b, off + 20, id.dst);
  putU32h(b, off + 36, id.ifindex ?? 0);
  const cookie = id.cookie ?? INET_DIAG_NOCOOKIE;
  // sock_diag_save_cookie: [0] = low 32 bits, [1] = high 32 bits, each in host order
  putU32h(b, off + 40, Number(cookie & 0xffffffffn));
  putU32h(b, off + 44, Number((cookie >> 32n) & 0xffffffffn));
}

export function readSocketId(b: Uint8Array, off: number, family: number): SocketId {
  const v6 = family === AF_INET6;
  return {
    family,
    srcPort: be16(b, off),
    dstPort: be16(b, off + 2),
    src: v6 ? formatIpv6(b, off + 4) : formatIpv4(b, off + 4),
    dst: v6 ? formatIpv6(b, off + 20) : formatIpv4(b, off + 20),
    ifindex: u32h(b, off + 36),
    cookie: (BigInt(u32h(b, off + 44)) << 32n) | BigInt(u32h(b, off + 40)),
  };
}

export interface DiagRequest {
  family: number;
  protocol: number;
  /** Bitmask of 1 << INET_DIAG_* - 1 extensions wanted. */
  ext?: number;
  /** Bitmask of 1 << TCP_* states. */
  states: number;
  id?: Partial<SocketId>;
}

/** Writes struct inet_diag_req_v2 at `off` (INET_DIAG_REQ_V2_LEN bytes). */
export function putDiagRequest(b: Uint8Array, off: number, r: DiagRequest): void {
  b.fill(0, off, off + INET_DIAG_REQ_V2_LEN);
  b[off] = r.family;
  b[off + 1] = r.protocol;
  b[off + 2] = r.ext ?? 0;
  putU32h(b, off + 4, r.states >>> 0);
  putSocketId(b, off + 8, r.id ?? {});
}

/** Reads struct inet_diag_req_v2 at `off` (what the kernel's inet_diag_dump reads). */
export function readDiagRequest(b: Uint8Array, off: number): Required<DiagRequest> {
  const family = b[off];
  return {
    family,
    protocol: b[off + 1],
    ext: b[off + 2],
    states: u32h(b, off + 4),
    id: readSocketId(b, off + 8, family),
  };
}

const attrs = new AttrTable(INET_DIAG_MAX);
const ulpTable = new AttrTable(2);

/** Decodes an inet_diag_msg and its attributes from `b[off, end)`. */
export function decodeDiagMsg(b: Uint8Array, off: number, end: number): TcpSocketInfo {
  if (end - off < INET_DIAG_MSG_LEN)
    throw new NetlinkDecodeError(
      malformedAt(off, {
        kind: 'truncated',
        struct: 'inet_diag_msg',
        needed: INET_DIAG_MSG_LEN,
        available: end - off,
      }),
    );
  const family = b[off];
  if (family !== AF_INET && family !== AF_INET6)
    throw new NetlinkDecodeError(
      malformedAt(off, { kind: 'unknown-family', struct: 'inet_diag_msg', family }),
    );
  const s: TcpSocketInfo = {
    ...readSocketId(b, off + 4, family),
    state: b[off + 1],
    uid: u32h(b, off + 64),
    inode: u32h(b, off + 68),
    rqueue: u32h(b, off + 56),
    wqueue: u32h(b, off + 60),
  };
  const t = attrs.parseOrThrow(b, off + INET_DIAG_MSG_LEN, end);
  if (t.has(INET_DIAG_MARK)) s.mark = t.u32h(INET_DIAG_MARK);
  if (t.has(INET_DIAG_SHUTDOWN)) s.shutdown = t.u8(INET_DIAG_SHUTDOWN);
  if (t.has(INET_DIAG_MD5SIG)) s.md5 = true;
  if (t.nested(INET_DIAG_ULP_INFO, ulpTable)) {
    const name = ulpTable.string(INET_ULP_INFO_NAME);
    if (name) s.ulp = name;
  }
  return s;
}

/**
 * Writes an inet_diag_msg for `s` and the attributes it has, after begin(SOCK_DIAG_BY_FAMILY, …):
 * the inverse of decodeDiagMsg (timer, retransmits and expiry, which it does not read, are 0).
 */
export function encodeDiagMsg(w: NlWriter, s: TcpSocketInfo): void {
  w.struct(INET_DIAG_MSG_LEN, (b, off) => {
    b[off] = s.family;
    b[off + 1] = s.state;
    putSocketId(b, off + 4, s);
    putU32h(b, off + 56, s.rqueue);
    putU32h(b, off + 60, s.wqueue);
    putU32h(b, off + 64, s.uid);
    putU32h(b, off + 68, s.inode);
  });
  if (s.shutdown !== undefined) w.u8(INET_DIAG_SHUTDOWN, s.shutdown);
  if (s.mark !== undefined) w.u32h(INET_DIAG_MARK, s.mark);
  if (s.md5) w.flag(INET_DIAG_MD5SIG);
  if (s.ulp !== undefined) {
    const n = w.nestStart(INET_DIAG_ULP_INFO);
    w.string(INET_ULP_INFO_NAME, s.ulp);
    w.nestEnd(n);
  }
}
