// The control protocol's framing: one JSON object per line, each way.
//
//   request   {"v":1,"id":7,"op":"block","address":"198.51.100.7","port":6881,"seconds":600}
//   response  {"v":1,"id":7,"ok":true,"result":{...}}
//             {"v":1,"id":7,"ok":false,"error":{"code":"invalid-argument","message":"..."}}
//
// "v" is the protocol version (a server refuses other versions with `unsupported-version`), "id"
// a string (≤ 128 characters) or a safe integer the response repeats, so a client may have several
// requests in flight. The per-operation fields are in operations.ts. A server reads lines of at
// most MAX_REQUEST_BYTES; a longer one is answered with `line-too-long` and the connection closed.
//
// Decoding never throws: whatever the line, the result is a request or an error to answer with.
import { CONTROL_ERROR_CODES, type ControlError, type Outcome } from './errors.js';
import { isOpName, OP_NAMES, OPERATIONS, type OpName, type RequestArgs } from './operations.js';

export const PROTOCOL_VERSION = 1;

/** The longest request line a server reads (64 KiB; real requests are under 300 bytes). */
export const MAX_REQUEST_BYTES = 64 * 1024;

/** The longest response line a client reads (a list of many entries is long). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export type RequestId = string | number;

/** A checked request: its id, its operation, and that operation's decoded arguments. */
export interface DecodedRequest {
  id: RequestId;
  op: OpName;
  args: unknown;
}

export type RequestDecode =
  | { ok: true; request: DecodedRequest }
  /** `id` is the request's id when it could be read, else null. */
  | { ok: false; id: RequestId | null; error: ControlError };

export type ResponseDecode =
  | { ok: true; id: RequestId | null; outcome: Outcome<unknown> }
  | { ok: false; error: ControlError };

const ENVELOPE = ['v', 'id', 'op'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isRequestId(v: unknown): v is RequestId {
  return (typeof v === 'string' && v.length <= 128) || Number.isSafeInteger(v);
}

function parseJson(line: string): { ok: true; value: unknown } | { ok: false; why: string } {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (e) {
    return { ok: false, why: (e as Error).message.split('\n')[0].slice(0, 120) };
  }
}

/** Reads one request line (without its "\n"). */
export function decodeRequest(line: string): RequestDecode {
  const fail = (id: RequestId | null, code: ControlError['code'], message: string) =>
    ({ ok: false, id, error: { code, message } }) as const;
  const parsed = parseJson(line);
  if (!parsed.ok) return fail(null, 'bad-request', `not JSON: ${parsed.why}`);
  const o = parsed.value;
  if (!isPlainObject(o)) return fail(null, 'bad-request', 'a request is a JSON object');
  const id = isRequestId(o.id) ? o.id : null;
  if (id === null)
    return fail(
      null,
      'bad-request',
      '"id" must be a string of at most 128 characters or an integer',
    );
  if (o.v !== PROTOCOL_VERSION)
    return fail(
      id,
      'unsupported-version',
      `this rope run speaks control protocol version ${PROTOCOL_VERSION}; the request has "v": ${JSON.stringify(o.v) ?? 'nothing'}`,
    );
  if (!isOpName(o.op))
    return fail(
      id,
      'unknown-op',
      `"op" must be one of ${OP_NAMES.join(', ')}${typeof o.op === 'string' ? `, not '${o.op.slice(0, 40)}'` : ''}`,
    );
  const op = OPERATIONS[o.op];
  for (const k of Object.keys(o)) {
    if (!ENVELOPE.includes(k) && !op.fields.includes(k))
      return fail(
        id,
        'bad-request',
        `'${k.slice(0, 40)}' is not a field of ${o.op}${op.fields.length ? ` (it takes ${op.fields.join(', ')})` : ' (it takes none)'}`,
      );
  }
  const args = op.decode(o);
  if (!args.ok) return fail(id, args.error.code, `${o.op}: ${args.error.message}`);
  return { ok: true, request: { id, op: o.op, args: args.value } };
}

/** A request line, "\n" included. */
export function encodeRequest<K extends OpName>(
  id: RequestId,
  op: K,
  args: RequestArgs[K],
): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, id, op, ...args }) + '\n';
}

/** A response line, "\n" included. */
export function encodeResponse(id: RequestId | null, outcome: Outcome<unknown>): string {
  const body = outcome.ok
    ? { v: PROTOCOL_VERSION, id, ok: true, result: outcome.value }
    : { v: PROTOCOL_VERSION, id, ok: false, error: outcome.error };
  return JSON.stringify(body) + '\n';
}

const protocolError = (message: string): ResponseDecode => ({
  ok: false,
  error: { code: 'protocol', message },
});

/** Reads one response line. The result's shape is checked by the caller (see results.ts). */
export function decodeResponse(line: string): ResponseDecode {
  const parsed = parseJson(line);
  if (!parsed.ok) return protocolError(`the server's answer is not JSON: ${parsed.why}`);
  const o = parsed.value;
  if (!isPlainObject(o)) return protocolError("the server's answer is not a JSON object");
  if (o.v !== PROTOCOL_VERSION)
    return protocolError(
      `the server speaks control protocol version ${JSON.stringify(o.v) ?? 'unknown'}, this rope ctl version ${PROTOCOL_VERSION}`,
    );
  const id = o.id === null ? null : isRequestId(o.id) ? o.id : undefined;
  if (id === undefined) return protocolError('the server\'s answer has no usable "id"');
  if (o.ok === true) {
    if (!Object.hasOwn(o, 'result')) return protocolError("the server's answer has no result");
    return { ok: true, id, outcome: { ok: true, value: o.result } };
  }
  if (o.ok === false) {
    const e = o.error;
    if (
      !isPlainObject(e) ||
      typeof e.message !== 'string' ||
      !CONTROL_ERROR_CODES.includes(e.code as ControlError['code'])
    )
      return protocolError("the server's error answer has no code and message");
    return {
      ok: true,
      id,
      outcome: { ok: false, error: { code: e.code as ControlError['code'], message: e.message } },
    };
  }
  return protocolError('the server\'s answer has no "ok"');
}
