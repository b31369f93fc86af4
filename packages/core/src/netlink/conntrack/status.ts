// CTA_STATUS (u32 big-endian, enum ip_conntrack_status bits) and the TCP state names.
import {
  IPS_ASSURED,
  IPS_CONFIRMED,
  IPS_DST_NAT,
  IPS_DST_NAT_DONE,
  IPS_DYING,
  IPS_EXPECTED,
  IPS_FIXED_TIMEOUT,
  IPS_HELPER,
  IPS_HW_OFFLOAD,
  IPS_OFFLOAD,
  IPS_SEEN_REPLY,
  IPS_SEQ_ADJUST,
  IPS_SRC_NAT,
  IPS_SRC_NAT_DONE,
  IPS_TEMPLATE,
  IPS_UNTRACKED,
} from './constants.js';

const statusNames: [number, string][] = [
  [IPS_EXPECTED, 'EXPECTED'],
  [IPS_SEEN_REPLY, 'SEEN_REPLY'],
  [IPS_ASSURED, 'ASSURED'],
  [IPS_CONFIRMED, 'CONFIRMED'],
  [IPS_SRC_NAT, 'SRC_NAT'],
  [IPS_DST_NAT, 'DST_NAT'],
  [IPS_SEQ_ADJUST, 'SEQ_ADJUST'],
  [IPS_SRC_NAT_DONE, 'SRC_NAT_DONE'],
  [IPS_DST_NAT_DONE, 'DST_NAT_DONE'],
  [IPS_DYING, 'DYING'],
  [IPS_FIXED_TIMEOUT, 'FIXED_TIMEOUT'],
  [IPS_TEMPLATE, 'TEMPLATE'],
  [IPS_UNTRACKED, 'UNTRACKED'],
  [IPS_HELPER, 'HELPER'],
  [IPS_OFFLOAD, 'OFFLOAD'],
  [IPS_HW_OFFLOAD, 'HW_OFFLOAD'],
];

/** The IPS_* names of the bits set in `status` (unknown bits as hex). */
export function statusFlags(status: number): string[] {
  const out: string[] = [];
  let rest = status >>> 0;
  for (const [bit, name] of statusNames) {
    if (status & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push(`0x${(rest >>> 0).toString(16)}`);
  return out;
}

/** enum tcp_conntrack, as `conntrack -L` prints it. */
export const TCP_STATE_NAMES: readonly string[] = [
  'NONE',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
  'SYN_SENT2',
];

export function tcpStateName(state: number): string {
  return TCP_STATE_NAMES[state] ?? `state ${state}`;
}

/** The tcp_conntrack number of a state name (case-insensitive), or -1. */
export function tcpStateNumber(name: string): number {
  return TCP_STATE_NAMES.indexOf(name.toUpperCase().replace(/-/g, '_'));
}
