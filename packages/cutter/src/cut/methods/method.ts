// The shape every cut method has. Each way of ending a connection is one module in this directory
// exporting one `Method`; cut.ts asks the methods in order which one is for a connection, skips
// it with that method's reason when the method cannot end it, puts every method's temporary
// firewall rules into one transaction, opens what the methods share once, and runs each method on
// its connections.
import type { FlowMatch } from '@p2pwall/core/firewall';
import type { Conntrack } from '@p2pwall/core/netlink';
import type { Connection } from '../../find/connection.js';
import type { CutOptions } from '../options.js';
import type { CutMethod, CutResult } from '../result.js';
import type { CutSession, SessionIo, SessionOptions } from '../session.js';

/** The temporary firewall rules a method needs for its connections. */
export interface MethodRules {
  /** Flow directions whose packets are copied to the cut (NFLOG, before conntrack). */
  log?: FlowMatch[];
  /** Flow directions dropped at this machine, until the timeout (or the end of the cut). */
  drop?: { flows: FlowMatch[]; timeoutSec: number };
}

/** What the cut's own settings are, as the methods read them. */
export interface CutSettings {
  options: CutOptions;
  /** The probe schedule `options` resolve to. */
  session: SessionOptions;
}

/** Forged packets out, the endpoints' packets back: opened once for the methods that forge. */
export interface PacketPath {
  io: SessionIo;
  /** Routes the endpoints' packets (NFLOG) to the session of their connection. */
  capture: { add(s: CutSession): void; remove(s: CutSession): void };
}

/** What cut.ts hands a method to run with: resources it opened once for every method. */
export interface CutContext extends CutSettings {
  /** performance.now() when the cut began. */
  t0: number;
  conntrack: Conntrack;
  /** Set when a method that forges packets has connections. */
  packets: PacketPath | null;
  /** Fires when the cut is interrupted or ends: whatever still runs stops as "interrupted". */
  stop: AbortSignal;
  /** Reports one connection's outcome; exactly once per connection. */
  report(r: CutResult): void;
}

export interface Method {
  /** How results name it (CutResult.method). */
  readonly name: CutMethod;
  /** It forges packets and watches the answers: it needs the packet path (raw sockets, NFLOG). */
  readonly forgesPackets: boolean;
  /** `c` is of the kind this method ends; cut.ts gives a connection to the first that says so. */
  covers(c: Connection): boolean;
  /** null when it can end `c`; otherwise why not, the reason `c` is reported skipped with. */
  whyNot(c: Connection, options: CutOptions): string | null;
  /** The temporary rules its connections need (every method's go into one transaction). */
  rules(connections: readonly Connection[], settings: CutSettings): MethodRules;
  /** Ends the connections, reporting each as its outcome is known; resolves once all are. */
  run(connections: readonly Connection[], ctx: CutContext): Promise<void>;
}
