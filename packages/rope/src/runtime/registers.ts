// Reading and writing registers. Every register has one RegRef, made here once; `$x` in a script
// pushes that object, so references cost nothing at run time.
import { be16, be32, IPPROTO_TCP, IPPROTO_UDP } from '@p2pwall/core';
import {
  FREG_INFO,
  GREG_INFO,
  INTERNAL_REGISTERS,
  namedRegisterInfo,
  registerInfo,
  USER_REGISTER_NAMES,
  type RegisterInfo,
} from '../language/registers.js';
import { FLOW_REGISTERS, GLOBAL_REGISTERS, type Machine } from './machine.js';
import { RegRef, SPACE_FLOW, SPACE_GLOBAL, SPACE_INTERNAL, SPACE_USER } from './reg-ref.js';
import type { Value } from './values.js';

type Reader = (m: Machine) => Value;
type Writer = (m: Machine, v: Value) => void;

function tcpOff(m: Machine): number {
  const p = m.pkt;
  return p.protocol === IPPROTO_TCP && p.hasPorts ? p.l4Offset : -1;
}
function udpOff(m: Machine): number {
  const p = m.pkt;
  return p.protocol === IPPROTO_UDP && p.hasPorts ? p.l4Offset : -1;
}
const v4 = (m: Machine) => m.pkt.version === 4;

function tcp16(at: number): Reader {
  return (m) => {
    const o = tcpOff(m);
    return o < 0 ? 0 : be16(m.buf, o + at);
  };
}
function tcpFlag(bit: number): Reader {
  return (m) => (tcpOff(m) < 0 ? 0 : (m.pkt.tcpFlags & bit) !== 0 ? 1 : 0);
}
function udp16(at: number): Reader {
  return (m) => {
    const o = udpOff(m);
    return o < 0 ? 0 : be16(m.buf, o + at);
  };
}

function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

const readers: Record<string, Reader> = {
  packet: (m) => m.packetStr ?? (m.packetStr = m.latin1(m.ip, m.end)),
  packet_len: (m) => m.end - m.ip,
  data: (m) =>
    m.dataStr ??
    (m.dataStr = m.latin1(m.pkt.payloadOffset, m.pkt.payloadOffset + m.pkt.payloadLength)),
  data_start: (m) => m.pkt.payloadOffset - m.ip,
  data_len: (m) => m.pkt.payloadLength,
  offset: (m) => m.off - m.ip,
  ip_version: (m) => m.pkt.version,
  ip_ihl: (m) => (v4(m) ? m.buf[m.ip] & 0x0f : m.pkt.ipHeaderLength >> 2),
  ip_tos: (m) => (v4(m) ? m.buf[m.ip + 1] : ((m.buf[m.ip] & 0x0f) << 4) | (m.buf[m.ip + 1] >> 4)),
  ip_tot_len: (m) => (v4(m) ? be16(m.buf, m.ip + 2) : 40 + be16(m.buf, m.ip + 4)),
  ip_id: (m) =>
    v4(m) ? be16(m.buf, m.ip + 4) : m.pkt.ext.fragmented ? m.pkt.ext.fragmentId | 0 : 0,
  // IPv6: the fragment header's offset and M flag in the IPv4 field layout
  ip_frag_off: (m) =>
    v4(m)
      ? be16(m.buf, m.ip + 6)
      : m.pkt.ext.fragmented
        ? (m.pkt.ext.fragmentOffset >> 3) | (m.pkt.ext.moreFragments ? 0x2000 : 0)
        : 0,
  ip_dont_frag: (m) => (v4(m) ? ((m.buf[m.ip + 6] & 0x40) !== 0 ? 1 : 0) : 1),
  ip_ttl: (m) => (v4(m) ? m.buf[m.ip + 8] : m.buf[m.ip + 7]),
  ip_protocol: (m) => m.pkt.protocol,
  ip_proto: (m) => m.pkt.protocol,
  ip_check: (m) => (v4(m) ? be16(m.buf, m.ip + 10) : 0),
  ip_saddr: (m) => m.latin1(m.pkt.srcOffset, m.pkt.srcOffset + m.pkt.addrLength),
  ip_daddr: (m) => m.latin1(m.pkt.dstOffset, m.pkt.dstOffset + m.pkt.addrLength),
  tcp_source: tcp16(0),
  tcp_dest: tcp16(2),
  tcp_seq: (m) => {
    const o = tcpOff(m);
    return o < 0 ? 0 : be32(m.buf, o + 4) | 0;
  },
  tcp_ack_seq: (m) => {
    const o = tcpOff(m);
    return o < 0 ? 0 : be32(m.buf, o + 8) | 0;
  },
  tcp_doff: (m) => {
    const o = tcpOff(m);
    return o < 0 ? 0 : m.buf[o + 12] >> 4;
  },
  tcp_window: tcp16(14),
  tcp_check: tcp16(16),
  tcp_urg_ptr: tcp16(18),
  tcp_fin: tcpFlag(0x01),
  tcp_syn: tcpFlag(0x02),
  tcp_rst: tcpFlag(0x04),
  tcp_psh: tcpFlag(0x08),
  tcp_ack: tcpFlag(0x10),
  tcp_urg: tcpFlag(0x20),
  udp_source: udp16(0),
  udp_dest: udp16(2),
  udp_len: udp16(4),
  udp_check: udp16(6),
  kernel_time: (m) => {
    if (m.kernelTime < 0) m.kernelTime = Math.floor(Date.now() / 1000);
    return m.kernelTime | 0;
  },
  packet_time: (m) => m.packetTime | 0,
  ct_proto: (m) => m.ctProto,
  ct_state: (m) => m.ctState,
  ct_dir: (m) => m.ctDir,
  // counters saturate at 2^31-1 rather than wrap: `$ct_bytes 1000000 gt` stays right on big flows
  ct_packets: (m) => Math.min(m.ctPackets, 0x7fffffff),
  ct_bytes: (m) => Math.min(m.ctBytes, 0x7fffffff),
  ct_mark: (m) => m.ctMark | 0,
  past_window: (m) => m.pastWindow,
  tables_grew: (m) => m.tablesGrew,
  mark: (m) => m.mark | 0,
  max_actions: (m) => m.maxActions,
  max_while_loops: (m) => m.maxLoops,
};

/** Writers of the writable internal registers; values are integers (checked by the caller). */
const writers: Record<string, Writer> = {
  offset: (m, v) => {
    m.off = m.ip + clampInt(v as number, 0, m.end - m.ip);
  },
  mark: (m, v) => {
    m.mark = v as number;
  },
  max_actions: (m, v) => {
    m.maxActions = clampInt(v as number, 0, m.caps.maxActions);
  },
  max_while_loops: (m, v) => {
    m.maxLoops = clampInt(v as number, 0, m.caps.maxWhileLoops);
  },
};

const internal = new Map<string, RegRef>();
for (const info of INTERNAL_REGISTERS) {
  const read = readers[info.name];
  if (!read) throw new Error(`register $${info.name} has no reader`);
  const write = info.writable ? writers[info.name] : null;
  if (info.writable && !write) throw new Error(`register $${info.name} has no writer`);
  internal.set(info.name, new RegRef(SPACE_INTERNAL, 0, info.name, info, read, write ?? null));
}

function userRef(i: number, name: string, info: RegisterInfo): RegRef {
  return new RegRef(
    SPACE_USER,
    i,
    name,
    info,
    (m) => m.user[i],
    (m, v) => {
      m.user[i] = v;
      m.userDirty = true;
    },
  );
}

export const USER_REFS: readonly RegRef[] = USER_REGISTER_NAMES.map((name, i) =>
  userRef(i, name, registerInfo(name)!),
);

/** The reference of a named user register (`$limit`) at slot `index` (26 and up). */
export function namedRef(index: number, name: string): RegRef {
  return userRef(index, name, namedRegisterInfo(name));
}

export const GLOBAL_REFS: readonly RegRef[] = Array.from(
  { length: GLOBAL_REGISTERS },
  (_, i) =>
    new RegRef(
      SPACE_GLOBAL,
      i,
      `greg[${i}]`,
      GREG_INFO,
      (m) => m.greg[i],
      (m, v) => {
        m.greg[i] = v as number;
      },
    ),
);

export const FLOW_REFS: readonly RegRef[] = Array.from(
  { length: FLOW_REGISTERS },
  (_, i) =>
    new RegRef(
      SPACE_FLOW,
      i,
      `freg[${i}]`,
      FREG_INFO,
      (m) => m.flow[i],
      (m, v) => {
        m.flow[i] = v;
      },
    ),
);

/** The reference `$name` pushes, or undefined for an unknown name. */
export function registerRef(name: string): RegRef | undefined {
  const i = USER_REGISTER_NAMES.indexOf(name);
  if (i >= 0) return USER_REFS[i];
  return internal.get(name);
}
