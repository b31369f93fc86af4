// Shared by the lab tests of real P2P clients (aMule, ncdc): pick, among the flows of a capture
// classified with every P2P script (p2p-labels.ts), those between the hosts a test launched — the
// ground truth is what the test started, not what rope says.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassifiedFlow } from './p2p-labels.js';

/** `addr:port` or `[addr]:port` → the address. */
export function hostOf(endpoint: string): string {
  return endpoint.startsWith('[')
    ? endpoint.slice(1, endpoint.indexOf(']'))
    : endpoint.slice(0, endpoint.lastIndexOf(':'));
}

export function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}

/** The flows whose both ends are among `addresses`. */
export function between(flows: ClassifiedFlow[], addresses: string[]): ClassifiedFlow[] {
  return flows.filter((f) => addresses.includes(hostOf(f.a)) && addresses.includes(hostOf(f.b)));
}

/** Every flow carries exactly `label`; the message lists those that do not. */
export function assertAllLabelled(flows: ClassifiedFlow[], label: string): void {
  const wrong = flows.filter((f) => f.labels.length !== 1 || f.labels[0] !== label);
  assert.deepEqual(
    wrong.map(
      (f) => `${f.l4} ${f.a} > ${f.b} (${f.packets} packets): ${f.labels.join(',') || '-'}`,
    ),
    [],
    `every flow labelled ${label}`,
  );
}

/**
 * Copies the capture to $P2PWALL_LAB_CAPTURES/`name` when that is set, for
 * `npm run bench -- networks` (which takes every flow of `<network>-….pcap` as that network).
 */
export function keepCapture(file: string, name: string): void {
  const dir = process.env.P2PWALL_LAB_CAPTURES;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  copyFileSync(file, join(dir, name));
}
