// Errors of raw-socket injection, as data: what was being done and why it failed. InjectError
// carries the record (`fault`) and renders it as its one-line message.
import { needsCapability, type CapabilityName } from '../privilege/capabilities.js';

/** What a caller maps to an exit status: a missing capability, a firewall rule, no route, other. */
export type InjectErrorReason = 'privilege' | 'firewall' | 'route' | 'other';

export type InjectFault =
  /** Opening the socket or setting an option needs a capability the process lacks. */
  | { kind: 'privilege'; operation: string; capability: CapabilityName }
  /** sendto said EPERM: an OUTPUT rule dropped the packet. */
  | { kind: 'firewall'; operation: string }
  /** No route to the destination (`cause`: the system's words). */
  | { kind: 'no-route'; operation: string; cause: string }
  /** Any other failure of the system call (`cause`: the system's words). */
  | { kind: 'system'; operation: string; cause: string }
  /** The raw-socket package is not the version whose internals this code relies on. */
  | { kind: 'package-changed'; operation: string }
  /** The injector was closed: before the call, or while the packet waited for room. */
  | { kind: 'closed'; whileQueued: boolean };

export function injectErrorReason(f: InjectFault): InjectErrorReason {
  switch (f.kind) {
    case 'privilege':
    case 'firewall':
      return f.kind;
    case 'no-route':
      return 'route';
    default:
      return 'other';
  }
}

export function injectFaultMessage(f: InjectFault): string {
  switch (f.kind) {
    case 'privilege':
      return `${f.operation}: ${needsCapability(f.capability)}`;
    case 'firewall':
      return `${f.operation}: the firewall refused the packet (an OUTPUT rule dropped it: EPERM)`;
    case 'no-route':
      return `${f.operation}: no route (${f.cause})`;
    case 'system':
      return `${f.operation}: ${f.cause}`;
    case 'package-changed':
      return `${f.operation}: @neuralegion/raw-socket changed its internals (no wrap.send); pin version 1.8.6`;
    case 'closed':
      return f.whileQueued ? 'raw socket closed before the packet was sent' : 'raw socket closed';
  }
}

/** A raw send failed or could not start; `reason` names the cause a user can act on. */
export class InjectError extends Error {
  override name = 'InjectError';
  constructor(readonly fault: InjectFault) {
    super(injectFaultMessage(fault));
  }
  get reason(): InjectErrorReason {
    return injectErrorReason(this.fault);
  }
}
