// Filters from text, shared by the command line and scripts: "80,443,6881-6889", "tcp,udp",
// "ESTABLISHED", "0x10/0xff". Mistakes throw ArgumentError naming the field.
import { IPPROTO, IPPROTO_TCP } from '@p2pwall/core';
import { tcpStateNumber, TCP_STATE_NAMES } from '@p2pwall/core/netlink';
import { ArgumentError, parseAddressMatch } from './address-match.js';
import type { ConnectionFilter, PortRange } from './filter.js';

/** The protocol number of a name: IANA's (tcp, udp, sctp, esp, …), or ipv6-icmp as /etc/protocols spells it. */
function protocolNumber(name: string): number | undefined {
  return name === 'ipv6-icmp' ? IPPROTO.ICMPV6 : IPPROTO[name.toUpperCase()];
}

export function parsePort(text: string, what: string, allowZero: boolean): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535 || (!allowZero && Number(text) === 0)) {
    throw new ArgumentError(
      `${what}: ${JSON.stringify(text)} is not a port number (${allowZero ? 0 : 1}–65535)`,
    );
  }
  return Number(text);
}

export function parsePorts(text: string, what = '--port'): PortRange[] {
  return text.split(',').map((part) => {
    const m = /^(\d+)(?:[-:](\d+))?$/.exec(part.trim());
    if (!m)
      throw new ArgumentError(
        `${what}: ${JSON.stringify(part)} is not a port or range (e.g. 80, 6881-6889)`,
      );
    const from = parsePort(m[1], what, false);
    const to = m[2] !== undefined ? parsePort(m[2], what, false) : from;
    if (to < from) throw new ArgumentError(`${what}: range ${part} runs backwards`);
    return { from, to };
  });
}

export function parseProtocols(text: string, what = '--proto'): number[] {
  return text.split(',').map((p) => {
    const name = p.trim().toLowerCase();
    if (/^\d+$/.test(name) && Number(name) < 256) return Number(name);
    const n = protocolNumber(name);
    if (n === undefined)
      throw new ArgumentError(
        `${what}: unknown protocol ${JSON.stringify(p)} (tcp, udp, icmp, sctp, … or a number)`,
      );
    return n;
  });
}

export function parseStates(text: string, what = '--state'): string[] {
  return text.split(',').map((s) => {
    const n = tcpStateNumber(s.trim());
    if (n < 0)
      throw new ArgumentError(
        `${what}: unknown TCP state ${JSON.stringify(s)} (one of ${TCP_STATE_NAMES.join(', ')})`,
      );
    return TCP_STATE_NAMES[n];
  });
}

export function parseU32(text: string, what: string): number {
  if (!/^(0x[0-9a-f]{1,8}|\d{1,10})$/i.test(text) || Number(text) > 0xffffffff)
    throw new ArgumentError(`${what}: ${JSON.stringify(text)} is not a 32-bit number`);
  return Number(text) >>> 0;
}

export function parseMark(text: string, what = '--mark'): { value: number; mask: number } {
  const [v, m] = text.split('/');
  return {
    value: parseU32(v, what),
    mask: m === undefined ? 0xffffffff : parseU32(m, `${what} mask`),
  };
}

/** A filter as a script writes it. */
export interface FilterSpec {
  /** One end: address or CIDR prefix … */
  host?: string;
  /** … on this port (0 = any). */
  port?: number;
  /** The other end, and its port. */
  peer?: string;
  peerPort?: number;
  /** Either end's port: 80, [80, 443] or "80,6881-6889". */
  ports?: number | number[] | string;
  proto?: string | number | (string | number)[];
  state?: string | string[];
  mark?: number | string;
  family?: 4 | 6;
  zone?: number;
}

export function parseFilter(spec: FilterSpec): ConnectionFilter {
  const f: ConnectionFilter = {};
  if (spec.host !== undefined) f.host = parseAddressMatch(spec.host);
  if (spec.port !== undefined) f.hostPort = parsePort(String(spec.port), 'port', true);
  if (spec.peer !== undefined) f.peer = parseAddressMatch(spec.peer);
  if (spec.peerPort !== undefined) f.peerPort = parsePort(String(spec.peerPort), 'peerPort', true);
  if (spec.ports !== undefined)
    f.ports = parsePorts(
      Array.isArray(spec.ports) ? spec.ports.join(',') : String(spec.ports),
      'ports',
    );
  if (spec.proto !== undefined)
    f.protocols = parseProtocols(
      (Array.isArray(spec.proto) ? spec.proto : [spec.proto]).join(','),
      'proto',
    );
  if (spec.state !== undefined) {
    f.states = parseStates(Array.isArray(spec.state) ? spec.state.join(',') : spec.state, 'state');
    f.protocols ??= [IPPROTO_TCP];
  }
  if (spec.mark !== undefined)
    f.mark =
      typeof spec.mark === 'number'
        ? { value: spec.mark >>> 0, mask: 0xffffffff }
        : parseMark(spec.mark, 'mark');
  if (spec.family !== undefined) f.family = spec.family;
  else if (f.host) f.family = f.host.bytes.length === 4 ? 4 : 6;
  if (spec.zone !== undefined) f.zone = spec.zone;
  return f;
}
