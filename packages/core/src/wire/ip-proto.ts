// IP protocol numbers (IANA "Assigned Internet Protocol Numbers"), by their IPPROTO_ names.
export const IPPROTO: Readonly<Record<string, number>> = Object.freeze({
  HOPOPTS: 0,
  ICMP: 1,
  IGMP: 2,
  IPIP: 4,
  TCP: 6,
  EGP: 8,
  PUP: 12,
  UDP: 17,
  IDP: 22,
  TP: 29,
  DCCP: 33,
  IPV6: 41,
  ROUTING: 43,
  FRAGMENT: 44,
  RSVP: 46,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  NONE: 59,
  DSTOPTS: 60,
  MTP: 92,
  BEETPH: 94,
  ENCAP: 98,
  PIM: 103,
  COMP: 108,
  L2TP: 115,
  SCTP: 132,
  MH: 135,
  UDPLITE: 136,
  MPLS: 137,
  ETHERNET: 143,
  RAW: 255,
});

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_IPIP = 4;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_GRE = 47;

// built once: a listing of a thousand connections asks for a name per connection
const PROTOCOL_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(IPPROTO))
  if (!PROTOCOL_NAMES.has(value)) PROTOCOL_NAMES.set(value, name.toLowerCase());

/** Lower-case protocol name for display ("tcp", "udp", …) or the number as text. */
export function protocolName(n: number): string {
  return PROTOCOL_NAMES.get(n) ?? String(n);
}
