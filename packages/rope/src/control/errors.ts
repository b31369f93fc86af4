// Errors of the control socket, as data. A ControlError travels in a response (the server's
// refusals) or is made by the client (no server, no permission, no answer); its message is one
// line a person can act on, and `code` is what scripts and the CLI's exit status look at.

export type ControlErrorCode =
  // --- sent by the server
  /** The line is not JSON, or not a request object. */
  | 'bad-request'
  /** The request's "v" is not a version this server speaks. */
  | 'unsupported-version'
  /** "op" names no operation. */
  | 'unknown-op'
  /** An argument is missing or out of range (an address, a port, seconds, a DNS name). */
  | 'invalid-argument'
  /** A line longer than the server accepts; the connection is closed after this answer. */
  | 'line-too-long'
  /** Too many clients at once, or too many requests waiting on one connection. */
  | 'busy'
  /** The engine did not answer in time, or the connection was idle too long. */
  | 'timeout'
  /** unlock/unblock of something that is not locked/blocked. */
  | 'not-found'
  /** The engine refused (e.g. its set is full); the message says why. */
  | 'refused'
  /** A bug in the engine: the request failed with an exception. */
  | 'internal'
  // --- made by the client
  /** Nothing listens on the path (no socket file, or a stale one). */
  | 'no-server'
  /** The socket or its directory may not be opened by this user (mode 0600, root only). */
  | 'permission'
  /** The connection closed before the answer came. */
  | 'closed'
  /** The answer was not a response of this protocol. */
  | 'protocol'
  /** Any other socket error (errno in the message). */
  | 'io';

export interface ControlError {
  code: ControlErrorCode;
  message: string;
}

export const CONTROL_ERROR_CODES: readonly ControlErrorCode[] = [
  'bad-request',
  'unsupported-version',
  'unknown-op',
  'invalid-argument',
  'line-too-long',
  'busy',
  'timeout',
  'not-found',
  'refused',
  'internal',
  'no-server',
  'permission',
  'closed',
  'protocol',
  'io',
];

export function controlError(code: ControlErrorCode, message: string): ControlError {
  return { code, message };
}

/** A result or the reason there is none. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ControlError };

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = <T = never>(code: ControlErrorCode, message: string): Outcome<T> => ({
  ok: false,
  error: { code, message },
});

/** Why the server could not take its socket path (thrown by ControlServer.listen). */
export class ControlStartError extends Error {
  override name = 'ControlStartError';
  constructor(
    readonly reason: 'in-use' | 'not-a-socket' | 'permission' | 'io',
    message: string,
  ) {
    super(message);
  }
}
