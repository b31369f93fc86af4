// Errors of the firewall backends, as data: which tool was run for what, how it ended, and what
// it said. FirewallError carries the record (`fault`) and renders it as its one-line message.
import { needsCapability } from '../privilege/capabilities.js';

/**
 * Why a firewall command failed, for callers that map it to an exit status: `privilege` (needs
 * CAP_NET_ADMIN), `unsupported` (the kernel lacks a match, target or table the rule needs),
 * `missing-tool` (neither nft nor iptables, or the tool is not installed), `failed` (anything else).
 */
export type FirewallErrorReason = 'privilege' | 'unsupported' | 'missing-tool' | 'failed';

export type FirewallFault =
  /** The tool ran and failed: its exit status (null: killed by a signal) and what it printed. */
  | { kind: 'exited'; operation: string; argv: string[]; status: number | null; stderr: string }
  /** The tool is not there (ENOENT when starting it). */
  | { kind: 'not-installed'; operation: string; argv: string[] }
  /** The tool could not be started or waited for (`cause`: the system's message). */
  | { kind: 'spawn-failed'; operation: string; argv: string[]; cause: string }
  /** Neither nft nor iptables is installed. */
  | { kind: 'no-backend' };

/** The first lines of what the tool printed, on one line. */
function toolText(stderr: string): string {
  return stderr.trim().split('\n').slice(0, 3).join(' | ');
}

export function firewallErrorReason(f: FirewallFault): FirewallErrorReason {
  switch (f.kind) {
    case 'exited': {
      const text = toolText(f.stderr);
      if (/not permitted|permission denied/i.test(text)) return 'privilege';
      return /not supported/i.test(text) ? 'unsupported' : 'failed';
    }
    case 'not-installed':
    case 'no-backend':
      return 'missing-tool';
    case 'spawn-failed':
      return 'failed';
  }
}

/** The one-line message: what was being done, the command, and the tool's own words. */
export function firewallFaultMessage(f: FirewallFault): string {
  switch (f.kind) {
    case 'exited': {
      const text = toolText(f.stderr);
      const hint =
        firewallErrorReason(f) === 'privilege' ? ` — ${needsCapability('CAP_NET_ADMIN')}` : '';
      return `${f.operation} failed (\`${f.argv.join(' ')}\` exited with ${f.status ?? 'a signal'}): ${text || 'no message'}${hint}`;
    }
    case 'not-installed':
      return `${f.operation}: ${f.argv[0]} is not installed`;
    case 'spawn-failed':
      return `${f.operation}: ${f.cause}`;
    case 'no-backend':
      return 'neither nft nor iptables is installed: cannot add the temporary firewall rules the cut needs';
  }
}

export class FirewallError extends Error {
  override name = 'FirewallError';
  constructor(readonly fault: FirewallFault) {
    super(firewallFaultMessage(fault));
  }
  get reason(): FirewallErrorReason {
    return firewallErrorReason(this.fault);
  }
  /** The command run ([] when there was none to run). */
  get argv(): string[] {
    return this.fault.kind === 'no-backend' ? [] : this.fault.argv;
  }
  /** What the tool printed ('' when it did not run). */
  get stderr(): string {
    return this.fault.kind === 'exited' ? this.fault.stderr : '';
  }
}
