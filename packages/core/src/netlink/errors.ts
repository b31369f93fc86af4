// Errors of the netlink layer, as data. Two kinds of fault:
//
// - `NetlinkErrnoFault`: the kernel refused a request (NLMSG_ERROR or NLMSG_DONE with a negative
//   errno) or a socket call failed. It names the operation, the errno and what to do about it.
// - `NetlinkDecodeFault`: bytes from the kernel (or a fixture) that are not usable netlink: where
//   (`offset`) and what is wrong (`problem`, a typed union: a truncated struct, a length field that
//   lies, a missing attribute, a message of another type).
//
// Decoders return faults as values (null when all is well) and never throw on the hot paths; the
// API edges throw NetlinkError / NetlinkDecodeError, which carry the record as `fault` and use
// `netlinkFaultMessage(fault)` as their message.
import { getSystemErrorMap } from 'node:util';
import { needsCapability } from '../privilege/capabilities.js';
import { EINVAL, errnoName } from './errno.js';

const systemErrors = getSystemErrorMap();

/** strerror(3)-like text for a positive errno. */
export function errnoText(errno: number): string {
  return systemErrors.get(-Math.abs(errno))?.[1] ?? 'unknown error';
}

/** What an errno usually means for a netlink request, when the caller gave no better hint. */
const defaultHints: Record<string, string> = {
  EPERM: needsCapability('CAP_NET_ADMIN'),
  EACCES: needsCapability('CAP_NET_ADMIN'),
  EPROTONOSUPPORT: 'the kernel lacks this netlink protocol (module not built or not loaded)',
  EOPNOTSUPP: 'the kernel does not support this request',
  ENOENT: 'no such entry (it may have gone already)',
  ENOBUFS: 'the socket receive buffer overflowed and the kernel dropped messages',
  ETIMEDOUT: 'the kernel did not answer in time',
  EBUSY: 'already in use by another program',
  EINVAL: 'the kernel rejected the request as malformed or unsupported',
};

/** A request the kernel refused, or a socket call that failed. */
export interface NetlinkErrnoFault {
  kind: 'errno';
  /** What was being done, e.g. "conntrack delete", "binding NFQUEUE 3". */
  operation: string;
  /** Positive errno. */
  errno: number;
  /** "EPERM", "ENOENT", … ("errno 999" for numbers the platform does not name). */
  code: string;
  /** The actionable part of the message: the caller's hint, else what the errno usually means. */
  hint: string;
  /** More about the failure when there is no errno to say it (a library's own message). */
  detail?: string;
}

/**
 * An errno fault for `operation`. `hint` replaces the default advice for the errno; `detail` is
 * shown between the errno and the hint.
 */
export function errnoFault(
  errno: number,
  operation: string,
  hint?: string,
  detail?: string,
): NetlinkErrnoFault {
  const e = Math.abs(errno);
  const code = errnoName(e);
  const f: NetlinkErrnoFault = {
    kind: 'errno',
    operation,
    errno: e,
    code,
    hint: hint ?? defaultHints[code] ?? errnoText(e),
  };
  if (detail) f.detail = detail;
  return f;
}

/** What is wrong with bytes that should be netlink. Each renders as one phrase (problemText). */
export type NetlinkDecodeProblem =
  /** A fixed-size struct cut short ("nlmsghdr truncated: 10 of 16 bytes"). */
  | { kind: 'truncated'; struct: 'nlmsghdr' | 'inet_diag_msg'; needed: number; available: number }
  /** nlmsg_len below the 16 header bytes. */
  | { kind: 'message-length-below-header'; length: number }
  /** nlmsg_len beyond the bytes received. */
  | { kind: 'message-length-beyond-data'; length: number; available: number }
  /** nla_len of the attribute at byte `at` below the 4 header bytes. */
  | { kind: 'attribute-length-below-header'; at: number; length: number }
  /** The attribute at byte `at` claims more bytes than its level holds. */
  | {
      kind: 'attribute-beyond-data';
      at: number;
      attrType: number;
      length: number;
      available: number;
    }
  /** A message of another type than the decoder reads ("message type 0x100 is not a verdict"). */
  | { kind: 'unexpected-type'; type: number; expected: string }
  /** A structure without a part it cannot do without ("tuple without CTA_TUPLE_IP"). */
  | { kind: 'missing'; container: string; part: string }
  /** A struct of an address family the decoder does not read. */
  | { kind: 'unknown-family'; struct: 'inet_diag_msg'; family: number }
  /** NFQUEUE packet views: another message type, bad attributes, no packet header. */
  | { kind: 'not-a-packet' }
  | { kind: 'malformed-attributes' }
  | { kind: 'no-attribute'; attr: string }
  /** A well-formed packet message for another queue or group than the reader's. */
  | { kind: 'other-queue'; queue: number }
  /** A value whose length does not fit its type ("set element key of 6 bytes where ipv4_addr has 4"). */
  | { kind: 'bad-length'; what: string; length: number; expected: string }
  /** An attribute that has no place in its container. */
  | { kind: 'unexpected-attribute'; container: string; attrType: number };

/**
 * Bytes that are not usable netlink. `malformed`: the decoder stopped at `offset` (the datagram or
 * structure is unusable). `ignored`: a packet reader skipped one message (at `offset`) and goes
 * on; `subsystem` and `id` name the reader ("NFQUEUE", 3).
 */
export type NetlinkDecodeFault =
  | { kind: 'malformed'; offset: number; problem: NetlinkDecodeProblem }
  | {
      kind: 'ignored';
      subsystem: 'NFQUEUE' | 'NFLOG';
      id: number;
      offset: number;
      problem: NetlinkDecodeProblem;
    };

export type NetlinkFault = NetlinkErrnoFault | NetlinkDecodeFault;

/** A `malformed` decode fault at `offset`. */
export function malformedAt(offset: number, problem: NetlinkDecodeProblem): NetlinkDecodeFault {
  return { kind: 'malformed', offset, problem };
}

/** The phrase for one decode problem. */
export function problemText(p: NetlinkDecodeProblem): string {
  switch (p.kind) {
    case 'truncated':
      return `${p.struct} truncated: ${p.available} of ${p.needed} bytes`;
    case 'message-length-below-header':
      return `nlmsg_len ${p.length} below the header size`;
    case 'message-length-beyond-data':
      return `nlmsg_len ${p.length} beyond the ${p.available} bytes received`;
    case 'attribute-length-below-header':
      return `nla_len ${p.length} below the header size at byte ${p.at}`;
    case 'attribute-beyond-data':
      return `attribute type ${p.attrType} at byte ${p.at} claims ${p.length} bytes, ${p.available} left`;
    case 'unexpected-type':
      return `message type 0x${p.type.toString(16)} is not ${p.expected}`;
    case 'missing':
      return `${p.container} without ${p.part}`;
    case 'unknown-family':
      return `${p.struct} of family ${p.family}`;
    case 'not-a-packet':
      return 'not a packet message';
    case 'malformed-attributes':
      return 'malformed attributes';
    case 'no-attribute':
      return `no ${p.attr}`;
    case 'other-queue':
      return `for queue ${p.queue}`;
    case 'bad-length':
      return `${p.what} of ${p.length} bytes where ${p.expected} are expected`;
    case 'unexpected-attribute':
      return `attribute ${p.attrType} in ${p.container}`;
  }
}

/** The one-line message a user sees for a fault. */
export function netlinkFaultMessage(f: NetlinkFault): string {
  switch (f.kind) {
    case 'errno':
      return `${f.operation} failed: ${f.code} (${errnoText(f.errno)})${f.detail ? `: ${f.detail}` : ''} — ${f.hint}`;
    case 'malformed':
      return `malformed netlink data at byte ${f.offset}: ${problemText(f.problem)}`;
    case 'ignored':
      return `${f.subsystem} ${f.id}: ignored a packet message: ${problemText(f.problem)}`;
  }
}

/** A request the kernel refused (NLMSG_ERROR with a negative errno) or a socket call that failed. */
export class NetlinkError extends Error {
  override name = 'NetlinkError';
  constructor(readonly fault: NetlinkErrnoFault) {
    super(netlinkFaultMessage(fault));
  }
  /** Positive errno. */
  get errno(): number {
    return this.fault.errno;
  }
  /** "EPERM", "ENOENT", … */
  get code(): string {
    return this.fault.code;
  }
  /** What was being done, e.g. "conntrack delete". */
  get operation(): string {
    return this.fault.operation;
  }
  /** The actionable part of the message. */
  get hint(): string {
    return this.fault.hint;
  }
}

/** Bytes from the kernel (or a fixture) that are not a well-formed netlink message. */
export class NetlinkDecodeError extends Error {
  override name = 'NetlinkDecodeError';
  constructor(readonly fault: NetlinkDecodeFault) {
    super(netlinkFaultMessage(fault));
  }
  /** Where decoding stopped. */
  get offset(): number {
    return this.fault.offset;
  }
  /** What is wrong, as a phrase. */
  get reason(): string {
    return problemText(this.fault.problem);
  }
}

/** Turns an ErrnoException of the `netlink` package (or any errno-carrying error) into a NetlinkError. */
export function fromSystemError(
  e: unknown,
  operation: string,
  hints?: Record<string, string>,
): NetlinkError {
  if (e instanceof NetlinkError) return e;
  const errno =
    typeof (e as { errno?: unknown })?.errno === 'number'
      ? Math.abs((e as { errno: number }).errno)
      : 0;
  if (errno === 0)
    return new NetlinkError(
      errnoFault(EINVAL, operation, undefined, e instanceof Error ? e.message : String(e)),
    );
  return new NetlinkError(errnoFault(errno, operation, hints?.[errnoName(errno)]));
}
