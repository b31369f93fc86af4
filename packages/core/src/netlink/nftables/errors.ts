// Errors of the nft set client as data. A fault says which set, which operation, and either the
// errno the kernel answered (with the part of the request it refused, when extended ACKs tell) or
// why an element was refused before anything was sent. NftSetError carries them all (a batch can
// fail in several messages at once) under a one-line message naming the set.
import { needsCapability } from '../../privilege/capabilities.js';
import { errnoName } from '../errno.js';
import { errnoText } from '../errors.js';

export type NftSetOperation = 'add' | 'delete' | 'flush' | 'list' | 'describe';

/** The part of a request the kernel pointed at (NLMSGERR_ATTR_OFFS), when it did. */
export type NftRefusedPart = 'table' | 'set' | 'element' | 'batch';

export type NftSetFault =
  | {
      kind: 'kernel';
      operation: NftSetOperation;
      /** `inet p2pwall blocked`. */
      set: string;
      /** Positive errno, and its name ("ENOENT"). */
      errno: number;
      code: string;
      part?: NftRefusedPart;
      /** The element the kernel refused, as nft writes it (`192.0.2.7 . 80`). */
      element?: string;
      /** What it means, and what to do. */
      reason: string;
    }
  | {
      kind: 'invalid-element';
      operation: NftSetOperation;
      set: string;
      /** Index in the operation's element list. */
      index: number;
      reason: string;
    }
  | {
      kind: 'unknown-key-type';
      operation: NftSetOperation;
      set: string;
      keyTypeId: number;
      keyLength: number;
      reason: string;
    };

export function nftFaultMessage(f: NftSetFault): string {
  switch (f.kind) {
    case 'kernel':
      return `nft set ${f.set}: ${f.operation} failed: ${f.code} — ${f.reason}`;
    case 'invalid-element':
      return `nft set ${f.set}: ${f.operation}: element ${f.index}: ${f.reason}`;
    case 'unknown-key-type':
      return `nft set ${f.set}: ${f.operation}: ${f.reason}`;
  }
}

/** What the kernel's refusal means, by errno name and refused part; the errno's text otherwise. */
function reasonFor(
  code: string,
  errno: number,
  operation: NftSetOperation,
  set: { family: string; table: string; name: string },
  part: NftRefusedPart | undefined,
  element: string | undefined,
): string {
  const table = `table ${set.family} ${set.table}`;
  switch (code) {
    case 'EPERM':
    case 'EACCES':
      return needsCapability('CAP_NET_ADMIN');
    case 'ENOENT':
      if (part === 'table') return `${table} does not exist`;
      if (part === 'set') return `set "${set.name}" does not exist in ${table}`;
      if (part === 'element' && element)
        return `element ${element} is not in the set (delete with ignoreMissing to skip missing elements)`;
      return operation === 'delete'
        ? `the table, the set or an element does not exist`
        : `the table or the set does not exist (create it first)`;
    case 'EEXIST':
      return element
        ? `element ${element} is in the set already (an exclusive add refuses it)`
        : 'an element is in the set already (an exclusive add refuses it)';
    case 'EINVAL':
      return element
        ? `the kernel refused element ${element}: is the set declared with \`flags timeout\` and this key type?`
        : 'the kernel refused the request: is the set declared with `flags timeout` and the key type used here?';
    case 'ENFILE':
      return 'the set is full (its `size` limit)';
    case 'EOPNOTSUPP':
      return 'the kernel does not support this request on this set (a constant or anonymous set?)';
    case 'EBUSY':
      return 'the set is busy (bound and constant, or another change is in progress)';
    case 'ENOBUFS':
      return 'the socket receive buffer overflowed while the kernel answered';
    case 'EMSGSIZE':
      return 'the batch is larger than the socket send buffer';
    default:
      return errnoText(errno);
  }
}

/** A fault for a kernel errno answering an operation on `set`. */
export function nftKernelFault(
  errno: number,
  operation: NftSetOperation,
  set: { family: string; table: string; name: string },
  part?: NftRefusedPart,
  element?: string,
  kernelMessage?: string,
): NftSetFault {
  const code = errnoName(errno);
  let reason = reasonFor(code, errno, operation, set, part, element);
  if (kernelMessage) reason += ` (kernel: ${kernelMessage})`;
  const label = `${set.family} ${set.table} ${set.name}`;
  return { kind: 'kernel', operation, set: label, errno, code, part, element, reason };
}

export class NftSetError extends Error {
  override name = 'NftSetError';
  /** The first fault; `faults` has every one the kernel reported for the failed batch. */
  readonly fault: NftSetFault;
  /** Positive errno of the first kernel fault, 0 when no kernel fault. */
  readonly errno: number;
  readonly code: string;

  constructor(
    readonly faults: readonly NftSetFault[],
    /** Batches committed before the one that failed (each batch is all or nothing). */
    readonly committedBatches = 0,
  ) {
    const more = faults.length > 1 ? ` (and ${faults.length - 1} more)` : '';
    const partial =
      committedBatches > 0 ? `; ${committedBatches} earlier batch(es) were committed` : '';
    super(nftFaultMessage(faults[0]) + more + partial);
    this.fault = faults[0];
    this.errno = this.fault.kind === 'kernel' ? this.fault.errno : 0;
    this.code = this.fault.kind === 'kernel' ? this.fault.code : this.fault.kind;
  }
}
