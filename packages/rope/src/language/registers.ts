// The registers of the language: user registers $a…$z and the internal registers of §7. What a
// register holds and whether scripts may write it; how it is read lives in runtime/registers.ts.

export interface RegisterInfo {
  name: string;
  /** What it holds: 'int', 'str', or 'any' for user registers. */
  type: 'int' | 'str' | 'any';
  writable: boolean;
  group: 'user' | 'packet' | 'ipv4' | 'tcp' | 'udp' | 'time' | 'flow' | 'limits';
  summary: string;
  /** Not in the historical rope. */
  addition?: boolean;
}

const r = (
  name: string,
  type: 'int' | 'str',
  group: RegisterInfo['group'],
  summary: string,
  extra: Partial<RegisterInfo> = {},
): RegisterInfo => ({ name, type, writable: false, group, summary, ...extra });

export const INTERNAL_REGISTERS: readonly RegisterInfo[] = [
  r(
    'packet',
    'str',
    'packet',
    'the whole IP packet, from the IP header to the end of the captured bytes',
  ),
  r('packet_len', 'int', 'packet', 'length of `$packet`'),
  r('data', 'str', 'packet', 'the transport payload (other protocols: the IP payload)'),
  r('data_start', 'int', 'packet', 'offset of `$data` in `$packet`'),
  r('data_len', 'int', 'packet', 'length of `$data`'),
  r(
    'offset',
    'int',
    'packet',
    'the read cursor: a byte position in `$packet` (§ The packet cursor)',
    { writable: true },
  ),
  r('ip_version', 'int', 'ipv4', '4 or 6'),
  r(
    'ip_ihl',
    'int',
    'ipv4',
    'IP header length in 32-bit words (IPv6: fixed header plus skipped extension headers)',
  ),
  r('ip_tos', 'int', 'ipv4', 'type of service (IPv6: traffic class)'),
  r('ip_tot_len', 'int', 'ipv4', 'total length from the IP header (IPv6: 40 + payload length)'),
  r('ip_id', 'int', 'ipv4', 'identification (IPv6: from the fragment header, else 0)'),
  r(
    'ip_frag_off',
    'int',
    'ipv4',
    'the 16-bit flags and fragment offset field as in `struct iphdr` (IPv6: 0)',
  ),
  r('ip_dont_frag', 'int', 'ipv4', '1 when DF is set (IPv6: 1, routers never fragment it)'),
  r('ip_ttl', 'int', 'ipv4', 'time to live (IPv6: hop limit)'),
  r('ip_protocol', 'int', 'ipv4', 'upper-layer protocol (IPv6: after the extension headers)'),
  r('ip_proto', 'int', 'ipv4', 'alias of `$ip_protocol`'),
  r('ip_check', 'int', 'ipv4', 'header checksum (IPv6: 0)'),
  r('ip_saddr', 'str', 'ipv4', 'source address: 4 bytes (IPv6: 16)'),
  r('ip_daddr', 'str', 'ipv4', 'destination address: 4 bytes (IPv6: 16)'),
  r('tcp_source', 'int', 'tcp', 'TCP source port (0 when not TCP)'),
  r('tcp_dest', 'int', 'tcp', 'TCP destination port'),
  r('tcp_seq', 'int', 'tcp', 'sequence number (as int32: above 2^31-1 it reads negative)'),
  r('tcp_ack_seq', 'int', 'tcp', 'acknowledgment number (as int32)'),
  r('tcp_doff', 'int', 'tcp', 'data offset in 32-bit words'),
  r('tcp_window', 'int', 'tcp', 'window'),
  r('tcp_check', 'int', 'tcp', 'checksum'),
  r('tcp_urg_ptr', 'int', 'tcp', 'urgent pointer'),
  r('tcp_fin', 'int', 'tcp', 'FIN flag (0/1)'),
  r('tcp_syn', 'int', 'tcp', 'SYN flag (0/1)'),
  r('tcp_rst', 'int', 'tcp', 'RST flag (0/1)'),
  r('tcp_psh', 'int', 'tcp', 'PSH flag (0/1)'),
  r('tcp_ack', 'int', 'tcp', 'ACK flag (0/1)'),
  r('tcp_urg', 'int', 'tcp', 'URG flag (0/1)'),
  r('udp_source', 'int', 'udp', 'UDP source port (0 when not UDP)'),
  r('udp_dest', 'int', 'udp', 'UDP destination port'),
  r('udp_len', 'int', 'udp', 'UDP length field'),
  r('udp_check', 'int', 'udp', 'UDP checksum'),
  r('kernel_time', 'int', 'time', 'now, in seconds since 1970'),
  r('packet_time', 'int', 'time', 'capture or arrival time of the packet, in seconds since 1970'),
  r('ct_proto', 'int', 'flow', 'protocol of the flow', { addition: true }),
  r('ct_state', 'int', 'flow', '0 new, 1 established, 2 related', { addition: true }),
  r('ct_dir', 'int', 'flow', '0 original direction, 1 reply', { addition: true }),
  r('ct_packets', 'int', 'flow', 'packets of the flow so far, this one included', {
    addition: true,
  }),
  r('ct_bytes', 'int', 'flow', 'bytes of the flow so far (IP lengths), this packet included', {
    addition: true,
  }),
  r('ct_mark', 'int', 'flow', 'the connection mark', { addition: true }),
  r(
    'past_window',
    'int',
    'flow',
    '1 when the flow has passed its window and the script runs because a table learned a key',
    { addition: true },
  ),
  r(
    'tables_grew',
    'int',
    'flow',
    '1 unless the scripts ran on this flow before and no table gained a key since',
    { addition: true },
  ),
  r('mark', 'int', 'flow', 'the packet mark the engine sets with the verdict', {
    writable: true,
    addition: true,
  }),
  r(
    'max_actions',
    'int',
    'limits',
    'verbs this run may execute (write: up to the engine maximum)',
    { writable: true },
  ),
  r(
    'max_while_loops',
    'int',
    'limits',
    'iterations each loop may run (write: up to the engine maximum)',
    { writable: true },
  ),
];

export const USER_REGISTER_NAMES = 'abcdefghijklmnopqrstuvwxyz'.split('');

const byName = new Map<string, RegisterInfo>();
for (const reg of INTERNAL_REGISTERS) byName.set(reg.name, reg);
for (const n of USER_REGISTER_NAMES) {
  byName.set(n, {
    name: n,
    type: 'any',
    writable: true,
    group: 'user',
    summary: `user register ${n}`,
  });
}

/** What a `greg` reference names: a global integer register. */
export const GREG_INFO: RegisterInfo = {
  name: 'greg',
  type: 'int',
  writable: true,
  group: 'user',
  summary: 'global integer register',
};

/** What a `freg` reference names: a flow register. */
export const FREG_INFO: RegisterInfo = {
  name: 'freg',
  type: 'any',
  writable: true,
  group: 'user',
  summary: 'flow register',
  addition: true,
};

export function registerInfo(name: string): RegisterInfo | undefined {
  return byName.get(name);
}

/** Named user registers (`$limit`) a script may use besides `$a`…`$z`. */
export const MAX_NAMED_REGISTERS = 64;

/** Prefixes of the internal register families: a name starting so is a typo, not a new register. */
const RESERVED_PREFIXES = [
  'ip_',
  'tcp_',
  'udp_',
  'ct_',
  'max_',
  'packet',
  'data',
  'kernel',
  'offset',
  'mark',
];

/**
 * Why `name` cannot be a named user register, or null when it can: a lower-case letter, then
 * lower-case letters, digits and underscores, and not in an internal register's family.
 */
export function namedRegisterProblem(name: string): string | null {
  if (!/^[a-z][a-z0-9_]*$/.test(name))
    return 'register names are a lower-case letter followed by lower-case letters, digits and underscores';
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p)))
    return `names starting with \`${RESERVED_PREFIXES.find((p) => name.startsWith(p))}\` belong to internal registers`;
  return null;
}

export function namedRegisterInfo(name: string): RegisterInfo {
  return {
    name,
    type: 'any',
    writable: true,
    group: 'user',
    summary: `named user register ${name}`,
    addition: true,
  };
}

export function registerNames(): string[] {
  return [...byName.keys()];
}
