// Errors of packet decoding (wire/), and the style every error of the core follows:
//
// - A fault is a typed record (a union discriminated by `kind`) carrying where and what: the
//   layer or subsystem, the byte offset, the errno, the operation, the file and record.
// - One function renders a fault as the one line a user reads (faultMessage here;
//   netlinkFaultMessage, captureFaultMessage, firewallFaultMessage, injectFaultMessage).
// - Hot paths return faults as values (null when all is well), allocate none on success and
//   never throw; API edges throw an exception class that carries the record as `fault` and uses
//   the rendered line as its message.
//
// Each area keeps its faults beside its code: netlink/errors.ts, pcap/capture-error.ts,
// firewall/errors.ts, inject/errors.ts. Arguments a caller got wrong stay RangeErrors.

/** Which layer a decoding fault belongs to. */
export type Layer = 'link' | 'ipv4' | 'ipv6' | 'ipv6-ext' | 'tcp' | 'tcp-options' | 'udp';

/**
 * A header that is shorter than it must be, or whose length fields lie. `offset` is where the
 * header starts in the buffer, `needed` how many bytes it claims or requires, `available` how
 * many there were, and `field` which length field the claim came from (when one did).
 */
export interface DecodeFault {
  layer: Layer;
  kind: 'truncated' | 'malformed';
  offset: number;
  needed: number;
  available: number;
  field?: string;
  reason: string;
}

export function faultMessage(f: DecodeFault): string {
  const where = f.field ? ` (length from ${f.field})` : '';
  return f.kind === 'truncated'
    ? `${f.layer} header at byte ${f.offset} truncated: needs ${f.needed} bytes${where}, ${f.available} available`
    : `${f.layer} header at byte ${f.offset} malformed: ${f.reason}`;
}

/** Thrown by API-edge helpers (parse functions used outside hot paths) for a bad header. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  constructor(readonly fault: DecodeFault) {
    super(faultMessage(fault));
  }
}

export function truncated(
  layer: Layer,
  offset: number,
  needed: number,
  available: number,
  field?: string,
): DecodeFault {
  return { layer, kind: 'truncated', offset, needed, available, field, reason: 'truncated' };
}

export function malformed(
  layer: Layer,
  offset: number,
  reason: string,
  available = 0,
): DecodeFault {
  return { layer, kind: 'malformed', offset, needed: 0, available, reason };
}
