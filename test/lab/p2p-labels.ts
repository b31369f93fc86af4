// The lab tests' one way of asking what rope says about a recorded capture: `rope classify --json`
// run as a user runs it (by default the default scripts; `classifyP2p` with every P2P script, what
// IPP2P's `--ipp2p` matched), one object per flow. `foreignLabels` is the check every lab test
// makes with `--script p2p` (issue #14): a flow carries at most its own network's label — the
// BitTorrent swarm's flows only bittorrent, HTTP, TLS, DNS and random payloads nothing — so a
// signature of one network that fires on another network's traffic shows up as a failed test.
import { join } from 'node:path';
import type { LabHost } from '../../tools/lab/host.js';
import type { Lab } from '../../tools/lab/topology.js';

export interface ClassifiedFlow {
  l4: 'tcp' | 'udp';
  a: string;
  b: string;
  labels: string[];
  packets: number;
  bytes: number;
  via?: string | null;
}

/** `rope classify [--script S]… --json FILE` in `host`, one object per flow. */
export async function classifyFlows(
  host: LabHost,
  file: string,
  scripts: readonly string[] = [],
): Promise<ClassifiedFlow[]> {
  const args = ['classify', ...scripts.flatMap((s) => ['--script', s]), '--json', file];
  const r = await host.rope(args, { source: true, timeoutMs: 300_000 });
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ClassifiedFlow);
}

/** `rope classify --script p2p --json FILE`: every P2P script at once. */
export function classifyP2p(host: LabHost, file: string): Promise<ClassifiedFlow[]> {
  return classifyFlows(host, file, ['p2p']);
}

/**
 * One line per flow labelled with anything but its own network: `own(flow)` is the network's
 * label, null for traffic of no P2P network (which must stay unlabelled), or undefined for a flow
 * the caller cannot attribute (reported elsewhere, not here).
 */
export function foreignLabels(
  flows: readonly ClassifiedFlow[],
  own: (flow: ClassifiedFlow) => string | null | undefined,
): string[] {
  const wrong: string[] = [];
  for (const f of flows) {
    const mine = own(f);
    if (mine === undefined) continue;
    const foreign = f.labels.filter((l) => l !== mine);
    if (foreign.length === 0) continue;
    wrong.push(
      `${f.l4} ${f.a} → ${f.b} (${f.packets} packets, ${f.bytes} bytes) is ${mine ?? 'no P2P network'}` +
        `, labelled [${foreign.join(', ')}]${f.via ? ` via ${f.via}` : ''}`,
    );
  }
  return wrong;
}

/**
 * Starts recording every TCP and UDP packet on the router's LAN bridge (tcpdump makes the bridge
 * promiscuous, so it also holds what LAN hosts send each other); `classify()` stops the recording
 * and classifies it with every P2P script. A recording left running stops with the lab.
 */
export async function recordP2p(
  lab: Lab,
  name: string,
): Promise<{ classify(): Promise<ClassifiedFlow[]> }> {
  const file = join(lab.workDir, `${name}.pcap`);
  const cap = await lab.capture(lab.router, lab.router.lanIface, file, 'tcp or udp');
  return {
    async classify() {
      await cap.stop();
      return classifyP2p(lab.router, file);
    },
  };
}
