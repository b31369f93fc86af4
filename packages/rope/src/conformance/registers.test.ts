// Conformance: every internal register of §7 on IPv4 TCP, UDP, ICMP and IPv6 packets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { be16, buildIpPacket, buildTcpPacket, buildUdpPacket } from '@p2pwall/core';
import { INTERNAL_REGISTERS } from '../index.js';
import { cases, DST4, DST6, icmp, run, SRC4, SRC6, tcp, udp } from './harness.test.js';

const PAYLOAD = 'GNUTELLA CONNECT/0.6\r\n';
const v4 = buildTcpPacket({
  src: SRC4,
  dst: DST4,
  srcPort: 40000,
  dstPort: 6346,
  flags: 0x3f,
  seq: 0x80000001,
  ack: 2000,
  window: 4321,
  urgentPointer: 7,
  tos: 0x10,
  id: 0x1234,
  ttl: 61,
  payload: PAYLOAD,
});
const v4udp = udp('hello', { srcPort: 6881, dstPort: 6882 });
const v6 = buildUdpPacket({
  src: SRC6,
  dst: DST6,
  srcPort: 5353,
  dstPort: 53,
  ttl: 33,
  tos: 0xb8,
  payload: 'abc',
});
const ipBytes = (s: string) => Buffer.from(s.split('.').map(Number)).toString('latin1');

cases('registers (IPv4 TCP)', [
  {
    name: '$packet',
    script: '$packet strlen $packet 0 1 substr ord',
    packet: v4,
    verdict: 'OKAY',
    stack: [62, 0x45],
  },
  { name: '$packet_len', script: '$packet_len get', packet: v4, verdict: 'OKAY', stack: [62] },
  { name: '$data', script: '$data get', packet: v4, verdict: 'OKAY', stack: [PAYLOAD] },
  { name: '$data_start', script: '$data_start get', packet: v4, verdict: 'OKAY', stack: [40] },
  { name: '$data_len', script: '$data_len get', packet: v4, verdict: 'OKAY', stack: [22] },
  {
    name: '$offset',
    script: '$offset get 3 move $offset get',
    packet: v4,
    verdict: 'OKAY',
    stack: [40, 43],
  },
  { name: '$ip_version', script: '$ip_version get', packet: v4, verdict: 'OKAY', stack: [4] },
  { name: '$ip_ihl', script: '$ip_ihl get', packet: v4, verdict: 'OKAY', stack: [5] },
  { name: '$ip_tos', script: '$ip_tos get', packet: v4, verdict: 'OKAY', stack: [0x10] },
  { name: '$ip_tot_len', script: '$ip_tot_len get', packet: v4, verdict: 'OKAY', stack: [62] },
  { name: '$ip_id', script: '$ip_id get', packet: v4, verdict: 'OKAY', stack: [0x1234] },
  {
    name: '$ip_frag_off (DF set)',
    script: '$ip_frag_off get',
    packet: v4,
    verdict: 'OKAY',
    stack: [0x4000],
  },
  { name: '$ip_dont_frag', script: '$ip_dont_frag get', packet: v4, verdict: 'OKAY', stack: [1] },
  { name: '$ip_ttl', script: '$ip_ttl get', packet: v4, verdict: 'OKAY', stack: [61] },
  {
    name: '$ip_protocol and $ip_proto',
    script: '$ip_protocol get $ip_proto get IPPROTO_TCP',
    packet: v4,
    verdict: 'OKAY',
    stack: [6, 6, 6],
  },
  {
    name: '$ip_check',
    script: '$ip_check get',
    packet: v4,
    verdict: 'OKAY',
    stack: [be16(v4, 10)],
  },
  {
    name: '$ip_saddr',
    script: '$ip_saddr get',
    packet: v4,
    verdict: 'OKAY',
    stack: [ipBytes(SRC4)],
  },
  {
    name: '$ip_daddr',
    script: '$ip_daddr get',
    packet: v4,
    verdict: 'OKAY',
    stack: [ipBytes(DST4)],
  },
  { name: '$tcp_source', script: '$tcp_source get', packet: v4, verdict: 'OKAY', stack: [40000] },
  { name: '$tcp_dest', script: '$tcp_dest get', packet: v4, verdict: 'OKAY', stack: [6346] },
  {
    name: '$tcp_seq is an int32',
    script: '$tcp_seq get',
    packet: v4,
    verdict: 'OKAY',
    stack: [0x80000001 | 0],
  },
  { name: '$tcp_ack_seq', script: '$tcp_ack_seq get', packet: v4, verdict: 'OKAY', stack: [2000] },
  { name: '$tcp_doff', script: '$tcp_doff get', packet: v4, verdict: 'OKAY', stack: [5] },
  { name: '$tcp_window', script: '$tcp_window get', packet: v4, verdict: 'OKAY', stack: [4321] },
  {
    name: '$tcp_check',
    script: '$tcp_check get',
    packet: v4,
    verdict: 'OKAY',
    stack: [be16(v4, 36)],
  },
  { name: '$tcp_urg_ptr', script: '$tcp_urg_ptr get', packet: v4, verdict: 'OKAY', stack: [7] },
  {
    name: 'TCP flags (all set)',
    script: '$tcp_fin get $tcp_syn get $tcp_rst get $tcp_psh get $tcp_ack get $tcp_urg get',
    packet: v4,
    verdict: 'OKAY',
    stack: [1, 1, 1, 1, 1, 1],
  },
  {
    name: 'TCP flags (SYN only)',
    script: '$tcp_fin get $tcp_syn get $tcp_rst get $tcp_psh get $tcp_ack get $tcp_urg get',
    packet: tcp('', { flags: 0x02 }),
    verdict: 'OKAY',
    stack: [0, 1, 0, 0, 0, 0],
  },
  {
    name: 'UDP registers are 0 on TCP',
    script: '$udp_source get $udp_dest get $udp_len get $udp_check get',
    packet: v4,
    verdict: 'OKAY',
    stack: [0, 0, 0, 0],
  },
]);

cases('registers (IPv4 UDP, ICMP)', [
  { name: '$udp_source', script: '$udp_source get', packet: v4udp, verdict: 'OKAY', stack: [6881] },
  { name: '$udp_dest', script: '$udp_dest get', packet: v4udp, verdict: 'OKAY', stack: [6882] },
  { name: '$udp_len', script: '$udp_len get', packet: v4udp, verdict: 'OKAY', stack: [13] },
  {
    name: '$udp_check',
    script: '$udp_check get',
    packet: v4udp,
    verdict: 'OKAY',
    stack: [be16(v4udp, 26)],
  },
  {
    name: '$data of UDP',
    script: '$data get $data_start get $offset get',
    packet: v4udp,
    verdict: 'OKAY',
    stack: ['hello', 28, 28],
  },
  {
    name: 'TCP registers are 0 on UDP',
    script: '$tcp_source get $tcp_seq get $tcp_syn get $tcp_doff get',
    packet: v4udp,
    verdict: 'OKAY',
    stack: [0, 0, 0, 0],
  },
  {
    name: 'ICMP: $data is the IP payload',
    script: '$data strlen $data_start get $offset get $ip_protocol get',
    packet: icmp(),
    verdict: 'OKAY',
    stack: [8, 20, 20, 1],
  },
  {
    name: 'a fragment without DF',
    script: '$ip_dont_frag get $ip_frag_off get',
    packet: buildIpPacket({ src: SRC4, dst: DST4, protocol: 1, dontFragment: false, payload: 'x' }),
    verdict: 'OKAY',
    stack: [0, 0],
  },
]);

cases('registers (IPv6)', [
  { name: '$ip_version', script: '$ip_version get', packet: v6, verdict: 'OKAY', stack: [6] },
  {
    name: '$ip_ttl is the hop limit',
    script: '$ip_ttl get',
    packet: v6,
    verdict: 'OKAY',
    stack: [33],
  },
  {
    name: '$ip_tos is the traffic class',
    script: '$ip_tos get',
    packet: v6,
    verdict: 'OKAY',
    stack: [0xb8],
  },
  { name: '$ip_protocol', script: '$ip_protocol get', packet: v6, verdict: 'OKAY', stack: [17] },
  {
    name: '$ip_tot_len',
    script: '$ip_tot_len get',
    packet: v6,
    verdict: 'OKAY',
    stack: [40 + 8 + 3],
  },
  {
    name: '$ip_ihl covers the fixed header',
    script: '$ip_ihl get',
    packet: v6,
    verdict: 'OKAY',
    stack: [10],
  },
  {
    name: '$ip_saddr is 16 bytes',
    script: '$ip_saddr strlen $ip_saddr ip_ntoa $ip_daddr ip_ntoa',
    packet: v6,
    verdict: 'OKAY',
    stack: [16, '2001:db8::1', '2001:db8::2'],
  },
  {
    name: 'no IPv4-only fields',
    script: '$ip_id get $ip_frag_off get $ip_check get $ip_dont_frag get',
    packet: v6,
    verdict: 'OKAY',
    stack: [0, 0, 0, 1],
  },
  {
    name: '$offset starts at the UDP payload',
    script: '$offset get $data get',
    packet: v6,
    verdict: 'OKAY',
    stack: [48, 'abc'],
  },
]);

cases('registers (time, flow, limits)', [
  {
    name: '$kernel_time given by the engine',
    script: '$kernel_time get',
    kernelTime: 1234,
    verdict: 'OKAY',
    stack: [1234],
  },
  {
    name: '$packet_time',
    script: '$packet_time get',
    packetTime: 1_700_000_000,
    verdict: 'OKAY',
    stack: [1_700_000_000],
  },
  {
    name: '$ct_* from the flow',
    script: '$ct_proto get $ct_state get $ct_dir get $ct_packets get $ct_bytes get $ct_mark get',
    ct: { proto: 6, state: 1, dir: 1, packets: 5, bytes: 999, mark: 42 },
    verdict: 'OKAY',
    stack: [6, 1, 1, 5, 999, 42],
  },
  {
    name: '$ct_* without a flow: the packet on its own',
    script: '$ct_proto get $ct_state get $ct_dir get $ct_packets get $ct_bytes get',
    verdict: 'OKAY',
    stack: [6, 0, 0, 1, 62],
  },
  {
    name: '$ct_bytes saturates',
    script: '$ct_bytes get',
    ct: { proto: 6, state: 1, dir: 0, packets: 1, bytes: 2 ** 33, mark: 0 },
    verdict: 'OKAY',
    stack: [2147483647],
  },
  {
    name: '$past_window: 0 in a run in the window',
    script: '$past_window get',
    verdict: 'OKAY',
    stack: [0],
  },
  {
    name: '$past_window: 1 in a late run',
    script: '$past_window get',
    pastWindow: true,
    verdict: 'OKAY',
    stack: [1],
  },
  {
    name: '$tables_grew: 1 unless the classifier says otherwise',
    script: '$tables_grew get',
    verdict: 'OKAY',
    stack: [1],
  },
  {
    name: '$tables_grew: 0 when no table gained a key since the flow last ran',
    script: '$tables_grew get',
    tablesGrew: false,
    verdict: 'OKAY',
    stack: [0],
  },
  {
    name: '$mark starts with the packet mark',
    script: '$mark get',
    mark: 5,
    verdict: 'OKAY',
    stack: [5],
    markAfter: 5,
  },
  {
    name: '$mark written',
    script: '$mark get 1 add $mark put',
    mark: 5,
    verdict: 'OKAY',
    markAfter: 6,
  },
  { name: '$max_actions', script: '$max_actions get', verdict: 'OKAY', stack: [10000] },
  {
    name: '$max_actions can be lowered, not raised',
    script: '99999 $max_actions put $max_actions get 50 $max_actions put $max_actions get',
    verdict: 'OKAY',
    stack: [10000, 50],
  },
  {
    name: '$max_while_loops',
    script: '$max_while_loops get 10 $max_while_loops put $max_while_loops get',
    verdict: 'OKAY',
    stack: [1000, 10],
  },
]);

test('$kernel_time reads the clock when the engine gives none', () => {
  const before = Math.floor(Date.now() / 1000);
  const o = run({ script: '$kernel_time get' });
  const after = Math.floor(Date.now() / 1000);
  const t = o.stack[0] as number;
  assert.ok(t >= before && t <= after, `${t} within [${before}, ${after}]`);
});

test('every internal register has a conformance case', async () => {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(new URL('./registers.test.ts', import.meta.url), 'utf8');
  for (const r of INTERNAL_REGISTERS)
    assert.ok(text.includes(`$${r.name} `) || text.includes(`$${r.name}'`), `$${r.name} is tested`);
});
