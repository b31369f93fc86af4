// Errors of the ipset client as data. The kernel answers ipset requests with an errno, or with
// one of its own codes above 4095 (IPSET_ERR_*), whose meaning depends on the command (an
// IPSET_ERR_EXIST refuses an add and a delete for opposite reasons); each becomes a fault naming
// the set, with a one-line message a user can act on.
import { needsCapability } from '../../privilege/capabilities.js';
import { errnoName } from '../errno.js';
import { errnoText } from '../errors.js';
import * as C from './constants.js';

export type IpsetOperation =
  'create' | 'destroy' | 'flush' | 'add' | 'delete' | 'list' | 'header' | 'protocol';

export type IpsetFault =
  | {
      kind: 'kernel';
      operation: IpsetOperation;
      set: string;
      /** Positive errno or IPSET_ERR_* code, and its name ("ENOENT", "IPSET_ERR_TIMEOUT"). */
      errno: number;
      code: string;
      reason: string;
    }
  | {
      kind: 'invalid-element';
      operation: IpsetOperation;
      set: string;
      index: number;
      reason: string;
    }
  | { kind: 'invalid-request'; operation: IpsetOperation; set: string; reason: string };

/** IPSET_ERR_* codes: name, and what they mean (by operation where that differs). */
const ipsetCodes: Record<number, [string, string | ((op: IpsetOperation) => string)]> = {
  [C.IPSET_ERR_PROTOCOL]: [
    'IPSET_ERR_PROTOCOL',
    'the kernel refused the message (ipset protocol error)',
  ],
  [C.IPSET_ERR_FIND_TYPE]: [
    'IPSET_ERR_FIND_TYPE',
    'the kernel does not know this set type or revision (module ip_set_hash_* missing?)',
  ],
  [C.IPSET_ERR_MAX_SETS]: [
    'IPSET_ERR_MAX_SETS',
    'the kernel holds as many sets as it may (max_sets)',
  ],
  [C.IPSET_ERR_BUSY]: [
    'IPSET_ERR_BUSY',
    'the set is in use by a kernel component (an iptables rule refers to it)',
  ],
  [C.IPSET_ERR_EXIST_SETNAME2]: ['IPSET_ERR_EXIST_SETNAME2', 'the second set does not exist'],
  [C.IPSET_ERR_TYPE_MISMATCH]: ['IPSET_ERR_TYPE_MISMATCH', 'the sets are of different types'],
  [C.IPSET_ERR_EXIST]: [
    'IPSET_ERR_EXIST',
    (op) =>
      op === 'delete'
        ? 'an element is not in the set (delete with ignoreMissing to skip missing elements)'
        : 'an element is in the set already (an exclusive add refuses it)',
  ],
  [C.IPSET_ERR_INVALID_CIDR]: ['IPSET_ERR_INVALID_CIDR', 'the prefix length is invalid'],
  [C.IPSET_ERR_INVALID_NETMASK]: ['IPSET_ERR_INVALID_NETMASK', 'the netmask is invalid'],
  [C.IPSET_ERR_INVALID_FAMILY]: [
    'IPSET_ERR_INVALID_FAMILY',
    "the element's address family is not the set's",
  ],
  [C.IPSET_ERR_TIMEOUT]: [
    'IPSET_ERR_TIMEOUT',
    'the set was created without timeout support (create it with a timeout)',
  ],
  [C.IPSET_ERR_REFERENCED]: ['IPSET_ERR_REFERENCED', 'the set is referenced by another set'],
  [C.IPSET_ERR_IPADDR_IPV4]: ['IPSET_ERR_IPADDR_IPV4', 'the set holds IPv4 addresses'],
  [C.IPSET_ERR_IPADDR_IPV6]: ['IPSET_ERR_IPADDR_IPV6', 'the set holds IPv6 addresses'],
  [C.IPSET_ERR_COUNTER]: ['IPSET_ERR_COUNTER', 'the set was created without counters'],
  [C.IPSET_ERR_COMMENT]: ['IPSET_ERR_COMMENT', 'the set was created without comments'],
  [C.IPSET_ERR_INVALID_MARKMASK]: ['IPSET_ERR_INVALID_MARKMASK', 'the mark mask is invalid'],
  [C.IPSET_ERR_SKBINFO]: ['IPSET_ERR_SKBINFO', 'the set was created without skbinfo'],
  [C.IPSET_ERR_BITMASK_NETMASK_EXCL]: [
    'IPSET_ERR_BITMASK_NETMASK_EXCL',
    'bitmask and netmask exclude each other',
  ],
  [C.IPSET_ERR_HASH_FULL]: ['IPSET_ERR_HASH_FULL', 'the set is full (its maxelem)'],
  [C.IPSET_ERR_HASH_ELEM]: [
    'IPSET_ERR_HASH_ELEM',
    'an element is all zeros, which a hash set cannot hold',
  ],
  [C.IPSET_ERR_INVALID_PROTO]: ['IPSET_ERR_INVALID_PROTO', 'the protocol is invalid'],
  [C.IPSET_ERR_MISSING_PROTO]: ['IPSET_ERR_MISSING_PROTO', 'the element needs a protocol'],
  [C.IPSET_ERR_HASH_RANGE_UNSUPPORTED]: [
    'IPSET_ERR_HASH_RANGE_UNSUPPORTED',
    'the set type takes no ranges',
  ],
  [C.IPSET_ERR_HASH_RANGE]: ['IPSET_ERR_HASH_RANGE', 'the range is invalid'],
};

/** "IPSET_ERR_TIMEOUT" for 4107, "ENOENT" for 2, … */
export function ipsetErrorName(code: number): string {
  return ipsetCodes[code]?.[0] ?? errnoName(code);
}

function reasonFor(code: number, operation: IpsetOperation): string {
  const known = ipsetCodes[code];
  if (known) return typeof known[1] === 'function' ? known[1](operation) : known[1];
  switch (errnoName(code)) {
    case 'EPERM':
    case 'EACCES':
      return needsCapability('CAP_NET_ADMIN');
    case 'ENOENT':
      return 'the set does not exist';
    case 'EEXIST':
      return 'a set with this name exists already, of another type or with other options';
    case 'EPROTONOSUPPORT':
      return 'the kernel lacks ipset (module ip_set not built or not loaded)';
    default:
      return code >= C.IPSET_ERR_PRIVATE
        ? 'an ipset error this client does not know'
        : errnoText(code);
  }
}

export function ipsetKernelFault(code: number, operation: IpsetOperation, set: string): IpsetFault {
  return {
    kind: 'kernel',
    operation,
    set,
    errno: code,
    code: ipsetErrorName(code),
    reason: reasonFor(code, operation),
  };
}

export function ipsetFaultMessage(f: IpsetFault): string {
  const where = f.set ? `ipset ${f.set}` : 'ipset';
  switch (f.kind) {
    case 'kernel':
      return `${where}: ${f.operation} failed: ${f.code} — ${f.reason}`;
    case 'invalid-element':
      return `${where}: ${f.operation}: element ${f.index}: ${f.reason}`;
    case 'invalid-request':
      return `${where}: ${f.operation}: ${f.reason}`;
  }
}

export class IpsetError extends Error {
  override name = 'IpsetError';
  /** Positive errno or IPSET_ERR_* code; 0 when the request never reached the kernel. */
  readonly errno: number;
  readonly code: string;

  constructor(
    readonly fault: IpsetFault,
    /** Elements applied before the failing message (each message applies up to its failure). */
    readonly applied = 0,
  ) {
    super(
      ipsetFaultMessage(fault) +
        (applied > 0 ? `; ${applied} earlier element(s) were applied` : ''),
    );
    this.errno = fault.kind === 'kernel' ? fault.errno : 0;
    this.code = fault.kind === 'kernel' ? fault.code : fault.kind;
  }
}
