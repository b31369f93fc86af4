// Which capabilities this process holds (CapEff of /proc/self/status), so a tool can refuse with
// one line naming what is missing instead of failing halfway through with EPERM.
import { readFileSync } from 'node:fs';

/** Capability numbers (include/uapi/linux/capability.h). */
export const CAPABILITIES = {
  CAP_NET_BIND_SERVICE: 10,
  CAP_NET_BROADCAST: 11,
  CAP_NET_ADMIN: 12,
  CAP_NET_RAW: 13,
  CAP_SYS_ADMIN: 21,
} as const;

export type CapabilityName = keyof typeof CAPABILITIES;

/** The effective capability set, from `status` text (default: this process's). */
export function effectiveCapabilities(status?: string): bigint {
  let text = status;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/status', 'utf8');
    } catch {
      return 0n;
    }
  }
  const line = text.split('\n').find((l) => l.startsWith('CapEff:'));
  return line ? BigInt('0x' + line.slice(7).trim()) : 0n;
}

/** The hint of an error a missing capability caused: "needs CAP_NET_ADMIN (run as root, …)". */
export function needsCapability(name: CapabilityName): string {
  return `needs ${name} (run as root, or grant the capability)`;
}

/** The capabilities of `needed` that the effective set lacks, in the order given. */
export function missingCapabilities(
  needed: CapabilityName[],
  effective = effectiveCapabilities(),
): CapabilityName[] {
  return needed.filter((name) => (effective & (1n << BigInt(CAPABILITIES[name]))) === 0n);
}
