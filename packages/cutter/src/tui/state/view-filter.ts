// The `/` filter of the interactive view: a line of words narrowing the table on top of the
// command line's filter, parsed by the same functions as the command line (filter-spec.ts), so
// "port 80", "6881-6889", "state TIME_WAIT", "udp" and "192.0.2.10 443" mean what they mean there.
//
//   ADDR[/LEN] [PORT]   first one: one end (port 0 = any); a second: the other end (IP [PORT [IP2 [PORT2]]])
//   LIST                a bare port list or range: either end's port (80,443 or 6881-6889)
//   port LIST           the same, spelled out (also -p, --port)
//   proto LIST, tcp, udp, icmp, …      protocols (also --proto)
//   state LIST, ESTABLISHED, time_wait, syn-sent, …   TCP states (also --state)
//   mark V[/MASK]       conntrack mark (also --mark)
//   -4, -6, ipv4, ipv6  one family
import { IPPROTO_TCP } from '@p2pwall/core';
import { TCP_STATE_NAMES } from '@p2pwall/core/netlink';
import { ArgumentError, parseAddressMatch } from '../../find/address-match.js';
import type { ConnectionFilter } from '../../find/filter.js';
import {
  parseMark,
  parsePort,
  parsePorts,
  parseProtocols,
  parseStates,
} from '../../find/filter-spec.js';

export interface ViewFilter {
  /** As the user typed it (shown in the header). */
  text: string;
  filter: ConnectionFilter;
}

export type ViewFilterResult =
  { ok: true; value: ViewFilter | null } | { ok: false; error: string };

const PROTOCOL_WORDS = new Set(['tcp', 'udp', 'icmp', 'icmpv6', 'sctp', 'dccp', 'gre', 'udplite']);
const KEYWORDS: Record<string, 'port' | 'proto' | 'state' | 'mark'> = {
  port: 'port',
  ports: 'port',
  '-p': 'port',
  '--port': 'port',
  proto: 'proto',
  '--proto': 'proto',
  state: 'state',
  '--state': 'state',
  mark: 'mark',
  '--mark': 'mark',
};

function isState(word: string): boolean {
  return TCP_STATE_NAMES.includes(word.toUpperCase().replace(/-/g, '_'));
}

function looksLikeAddress(word: string): boolean {
  return word.includes('.') || word.includes(':');
}

/** Parses the filter line; an empty line clears the view filter (value null). */
export function parseViewFilter(text: string): ViewFilterResult {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ok: true, value: null };
  const f: ConnectionFilter = {};
  const add = <T>(list: T[] | undefined, more: T[]): T[] => [...(list ?? []), ...more];
  try {
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      const lower = w.toLowerCase();
      const keyword = KEYWORDS[lower];
      if (keyword) {
        const arg = words[++i];
        if (arg === undefined) throw new ArgumentError(`${w} needs a value`);
        if (keyword === 'port') f.ports = add(f.ports, parsePorts(arg, 'port'));
        else if (keyword === 'proto') f.protocols = add(f.protocols, parseProtocols(arg, 'proto'));
        else if (keyword === 'state') f.states = add(f.states, parseStates(arg, 'state'));
        else f.mark = parseMark(arg, 'mark');
      } else if (lower === '-4' || lower === 'ipv4' || lower === '-6' || lower === 'ipv6') {
        f.family = lower.endsWith('4') ? 4 : 6;
      } else if (PROTOCOL_WORDS.has(lower)) {
        f.protocols = add(f.protocols, parseProtocols(lower, 'proto'));
      } else if (isState(w)) {
        f.states = add(f.states, parseStates(w, 'state'));
      } else if (/^[\d,-]+$/.test(w)) {
        f.ports = add(f.ports, parsePorts(w, 'port'));
      } else if (looksLikeAddress(w)) {
        const m = parseAddressMatch(w);
        // the historical form: an address may be followed by its port (0 = any)
        const next = words[i + 1];
        const port =
          next !== undefined && /^\d+$/.test(next)
            ? parsePort(words[++i], `port of ${w}`, true)
            : undefined;
        if (!f.host) {
          f.host = m;
          if (port) f.hostPort = port;
        } else if (!f.peer) {
          if (f.host.bytes.length !== m.bytes.length)
            throw new ArgumentError(`${f.host.text} and ${w} are of different IP versions`);
          f.peer = m;
          if (port) f.peerPort = port;
        } else
          throw new ArgumentError(`a third address (${w}): give one end and optionally the other`);
      } else {
        throw new ArgumentError(
          `${JSON.stringify(w)} is not an address, port, protocol, state or keyword (port, proto, state, mark)`,
        );
      }
    }
  } catch (e) {
    if (e instanceof ArgumentError) return { ok: false, error: e.message };
    throw e;
  }
  // a state only exists for TCP, as on the command line
  if (f.states && !f.protocols) f.protocols = [IPPROTO_TCP];
  if (f.family && f.host && f.host.bytes.length !== (f.family === 4 ? 4 : 16)) {
    return { ok: false, error: `-${f.family} contradicts ${f.host.text}` };
  }
  return { ok: true, value: { text: words.join(' '), filter: f } };
}
