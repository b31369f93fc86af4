// The operations of the control protocol, one record each: the fields its request may carry,
// how those are checked (strictly: an unknown field is refused, so a typo such as "second" does
// not silently mean "no expiry"), and which ControlTarget method serves it. The server iterates
// this table; adding an operation adds a record here and a method to ControlTarget.
import { canonicalAddress, type Endpoint } from './address.js';
import { parseDnsPattern } from './dns-name.js';
import { failure, success, type Outcome } from './errors.js';
import type {
  AddResult,
  BanDnsResult,
  ControlStats,
  ControlTarget,
  ListResult,
  PassAllResult,
  RemoveResult,
} from './target.js';

/** The longest expiry accepted: ten years, in seconds (the kernel's set timeouts go further). */
export const MAX_SECONDS = 10 * 365 * 24 * 3600;

/** What the client sends for each operation, besides "v", "id" and "op". */
export interface RequestArgs {
  list: Record<string, never>;
  stats: Record<string, never>;
  lock: { address: string; seconds?: number | null };
  unlock: { address: string };
  block: { address: string; port?: number | null; seconds?: number | null };
  unblock: { address: string; port?: number | null };
  'ban-dns': { name: string };
  'pass-all': { on?: boolean };
}

/** What the server answers for each. */
export interface ResultOf {
  list: ListResult;
  stats: ControlStats;
  lock: AddResult;
  unlock: RemoveResult;
  block: AddResult;
  unblock: RemoveResult;
  'ban-dns': BanDnsResult;
  'pass-all': PassAllResult;
}

export type OpName = keyof ResultOf;

/** Label of entries made through the control socket. */
export const MANUAL_LABEL = 'manual';

type Fields = Record<string, unknown>;

interface Operation<A> {
  /** Fields the request may carry besides v, id and op. */
  fields: readonly string[];
  /** Checks the fields; the arguments for `call`, or an invalid-argument error. */
  decode(f: Fields): Outcome<A>;
  call(t: ControlTarget, a: A): ReturnType<ControlTarget[keyof ControlTarget]>;
}

const invalid = (message: string) => failure('invalid-argument', message);

function address(f: Fields, port: 'none' | 'optional'): Outcome<Endpoint> {
  if (typeof f.address !== 'string')
    return invalid('"address" must be a string (an IPv4 or IPv6 address, without a port)');
  const a = canonicalAddress(f.address);
  if (!a)
    return invalid(
      `"address": '${f.address.slice(0, 60)}' is not an IPv4 or IPv6 address (the port goes in "port")`,
    );
  let p: number | null = null;
  if (port === 'optional' && f.port !== undefined && f.port !== null) {
    if (typeof f.port !== 'number' || !Number.isInteger(f.port) || f.port < 1 || f.port > 65535)
      return invalid('"port" must be a whole number 1-65535, or null for every port');
    p = f.port;
  }
  return success({ ...a, port: p });
}

function seconds(f: Fields): Outcome<number | null> {
  if (f.seconds === undefined || f.seconds === null) return success(null);
  if (
    typeof f.seconds !== 'number' ||
    !Number.isFinite(f.seconds) ||
    f.seconds <= 0 ||
    f.seconds > MAX_SECONDS
  )
    return invalid(
      `"seconds" must be a number > 0 and at most ${MAX_SECONDS}, or null for no expiry`,
    );
  return success(f.seconds);
}

function withSeconds<T>(
  target: Outcome<Endpoint>,
  f: Fields,
  make: (e: Endpoint, s: number | null) => T,
): Outcome<T> {
  if (!target.ok) return target;
  const s = seconds(f);
  return s.ok ? success(make(target.value, s.value)) : s;
}

export const OPERATIONS: { [K in OpName]: Operation<any> } = {
  list: { fields: [], decode: () => success(null), call: (t) => t.list() },
  stats: { fields: [], decode: () => success(null), call: (t) => t.stats() },
  lock: {
    fields: ['address', 'seconds'],
    decode: (f) =>
      withSeconds(address(f, 'none'), f, (target, s) => ({
        target,
        seconds: s,
        label: MANUAL_LABEL,
      })),
    call: (t, a) => t.lock(a),
  },
  unlock: {
    fields: ['address'],
    decode: (f) => address(f, 'none'),
    call: (t, a) => t.unlock(a),
  },
  block: {
    fields: ['address', 'port', 'seconds'],
    decode: (f) =>
      withSeconds(address(f, 'optional'), f, (target, s) => ({
        target,
        seconds: s,
        label: MANUAL_LABEL,
      })),
    call: (t, a) => t.block(a),
  },
  unblock: {
    fields: ['address', 'port'],
    decode: (f) => address(f, 'optional'),
    call: (t, a) => t.unblock(a),
  },
  'ban-dns': {
    fields: ['name'],
    decode: (f) => {
      if (typeof f.name !== 'string') return invalid('"name" must be a string (a DNS name)');
      const n = parseDnsPattern(f.name);
      return n.ok ? success(n.name) : invalid(n.message);
    },
    call: (t, name: string) => t.banDns(name),
  },
  'pass-all': {
    fields: ['on'],
    decode: (f) => {
      if (f.on === undefined || f.on === null) return success(undefined);
      if (typeof f.on !== 'boolean')
        return invalid('"on" must be true or false (or absent to ask)');
      return success(f.on);
    },
    call: (t, on: boolean | undefined) => t.passAll(on),
  },
};

export const OP_NAMES = Object.keys(OPERATIONS) as OpName[];

export function isOpName(op: unknown): op is OpName {
  return typeof op === 'string' && Object.hasOwn(OPERATIONS, op);
}
