// Running the real `cutter` in a lab's router and reading what it reported.
import type { Lab } from '../../tools/lab/topology.js';
import type { LabHost } from '../../tools/lab/host.js';

export interface CutterRun {
  code: number;
  stdout: string;
  stderr: string;
  /** --json lines about one connection each. */
  results: any[];
  /** --json lines about the run (`event`: summary, leftovers-removed). */
  events: any[];
}

export async function cutter(
  host: LabHost,
  args: string[],
  timeoutMs = 60_000,
): Promise<CutterRun> {
  const r = await host.cutter(args, { source: true, allowFail: true, timeoutMs });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  return {
    ...r,
    results: lines.filter((l) => l.event === undefined),
    events: lines.filter((l) => l.event !== undefined),
  };
}

/**
 * The host's count of TCP connections that went from established straight to closed (`EstabResets`
 * in /proc/net/snmp, per network namespace; IPv4 and IPv6 alike): an RST received, or one the host
 * sent to abort. Asked of the endpoint's kernel, not of its sockets: a Node socket busy both ways
 * sometimes reads the end of a reset connection as a plain close.
 */
export async function estabResets(host: LabHost): Promise<number> {
  const r = await host.exec(['cat', '/proc/net/snmp']);
  const [names, values] = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('Tcp:'))
    .map((l) => l.trim().split(/\s+/));
  const at = names.indexOf('EstabResets');
  if (at < 0 || values === undefined) throw new Error('no EstabResets in /proc/net/snmp');
  return Number(values[at]);
}

/** The router's conntrack lines mentioning `text`. */
export async function conntrackLines(lab: Lab, text: string): Promise<string[]> {
  const r = await lab.router.exec(['conntrack', '-L'], { allowFail: true });
  return r.stdout.split('\n').filter((l) => l.includes(text));
}

/** Tables or chains cutter left in the router (must be none). */
export async function leftovers(lab: Lab): Promise<string> {
  const nft = (await lab.router.exec(['nft', 'list', 'tables'])).stdout;
  const ipt = (await lab.router.exec(['iptables-save', '-t', 'raw'], { allowFail: true })).stdout;
  return (
    nft
      .split('\n')
      .filter((l) => l.includes('p2pwall_cutter'))
      .join('\n') +
    ipt
      .split('\n')
      .filter((l) => /P2PWALL_CUTTER|p2pwall-cutter/.test(l))
      .join('\n')
  ).trim();
}
