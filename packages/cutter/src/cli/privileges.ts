// The one-line refusal when the process lacks a capability the command needs.
import { missingCapabilities, type CapabilityName } from '@p2pwall/core/privilege';

export function privilegeProblem(needed: CapabilityName[]): string | null {
  const missing = missingCapabilities(needed);
  if (missing.length === 0) return null;
  return `needs ${needed.join(' and ')} (missing ${missing.join(', ')}): run as root, or grant the capabilit${missing.length > 1 ? 'ies' : 'y'} (e.g. setcap cap_net_admin,cap_net_raw+ep on node)`;
}
