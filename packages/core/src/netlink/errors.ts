// Errors of the netlink layer. A kernel refusal becomes a NetlinkError that names the errno and
// says what to do about it; bytes that do not parse become a NetlinkDecodeError with the offset.
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

/** A request the kernel refused (NLMSG_ERROR with a negative errno) or a socket call that failed. */
export class NetlinkError extends Error {
  override name = 'NetlinkError';
  /** Positive errno. */
  readonly errno: number;
  /** "EPERM", "ENOENT", … */
  readonly code: string;
  /** What was being done, e.g. "conntrack delete". */
  readonly operation: string;
  /** The actionable part of the message. */
  readonly hint: string;

  constructor(errno: number, operation: string, hint?: string, detail?: string) {
    const e = Math.abs(errno);
    const code = errnoName(e);
    const h = hint ?? defaultHints[code] ?? errnoText(e);
    super(`${operation} failed: ${code} (${errnoText(e)})${detail ? `: ${detail}` : ''} — ${h}`);
    this.errno = e;
    this.code = code;
    this.operation = operation;
    this.hint = h;
  }
}

/** Bytes from the kernel (or a fixture) that are not a well-formed netlink message. */
export class NetlinkDecodeError extends Error {
  override name = 'NetlinkDecodeError';
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`malformed netlink data at byte ${offset}: ${reason}`);
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
      EINVAL,
      operation,
      undefined,
      e instanceof Error ? e.message : String(e),
    );
  return new NetlinkError(errno, operation, hints?.[errnoName(errno)]);
}
