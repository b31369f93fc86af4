// The lab network: LAN clients — router — servers, each a network namespace, joined by veth pairs
// on two bridges in the router, with IPv4 and IPv6 on every link (addresses.ts has the plan).
//
//   c1 eth0 ─┐                         ┌─ eth0 s1
//   c2 eth0 ─┤ lan0 (bridge) r wan0 (bridge) ├─ eth0 s2
//            192.0.2.1          198.51.100.1
//            2001:db8:1::1      2001:db8:2::1
//
// Every name carries the run id (`p2pw-<id>-c1`), so labs of parallel test files never meet;
// interface names are per namespace (veths are created directly inside them), so they need no id.
// `buildNetwork` makes the namespaces, links, addresses, routes, rules and qdiscs; `removeLab`
// takes all of it away again, with the lab's files.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cidr, LAN, PUBLIC, routerAddress, SERVER_SIDE, type HostAddress } from './addresses.js';
import { dropInvalidRules, routerRules, type RuleSet } from './firewall.js';
import type { LabHost } from './host.js';
import type { ResolvedLabOptions } from './lab-options.js';
import {
  createNamespace,
  execIn,
  LAB_PREFIX,
  listLabNamespaces,
  releaseTempPath,
  removeNamespace,
  run,
  sysctlIn,
} from './netns.js';
import type { Router } from './router.js';

/** Interface name of a host (each host has one). */
export const HOST_IFACE = 'eth0';
export const LAN_BRIDGE = 'lan0';
export const WAN_BRIDGE = 'wan0';
/** The DNAT service address (public range .1 / ::1). */
export const SERVICE_ADDRESS: HostAddress = routerAddress(PUBLIC);

/** The machines `buildNetwork` wires together (a Lab is one). */
export interface LabMachines {
  readonly id: string;
  readonly router: Router;
  readonly clients: readonly LabHost[];
  readonly servers: readonly LabHost[];
}

/** Directory holding a lab's generated files (`/tmp/p2pw-lab-<id>`). */
export function labWorkDir(id: string): string {
  return join(tmpdir(), `${LAB_PREFIX}-lab-${id}`);
}

function applyRules(ns: string, rules: RuleSet): void {
  if (rules.kind === 'nft') execIn(ns, ['nft', '-f', '-'], { input: rules.script });
  else for (const argv of rules.commands) execIn(ns, argv);
}

/** A `tc` failure for a qdisc this kernel lacks becomes a message naming the kernel option. */
function addQdisc(ns: string, iface: string, args: string[], kernelOption: string): void {
  const r = execIn(ns, ['tc', 'qdisc', 'add', 'dev', iface, ...args], { allowFail: true });
  if (r.code !== 0) {
    const missing =
      /Unknown qdisc|No such file|not supported|Specified qdisc kind is unknown/i.test(r.stderr);
    throw new Error(
      missing
        ? `this kernel has no ${args[1]} qdisc (${kernelOption}), which the lab needs for that option`
        : `tc qdisc add dev ${iface} ${args.join(' ')} in ${ns} failed: ${r.stderr.trim()}`,
    );
  }
}

export function buildNetwork(lab: LabMachines, opts: ResolvedLabOptions): void {
  const { router, clients, servers } = lab;
  const keep = opts.keep;
  const hosts = [router, ...clients, ...servers];
  for (const h of hosts) {
    // `ip netns exec` bind-mounts /etc/netns/<ns>/* over /etc: a resolver on the host's loopback
    // that nothing answers, so a program in the lab that looks a name up (transmission's DHT
    // bootstrap host) fails at once instead of sending queries toward the host's real resolver.
    mkdirSync(`/etc/netns/${h.ns}`, { recursive: true });
    writeFileSync(
      `/etc/netns/${h.ns}/resolv.conf`,
      'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n',
    );
    createNamespace(lab.id, h.name, { keep });
  }

  // No duplicate address detection: addresses are usable at once, and this lab has no duplicates.
  const quiet = {
    'net.ipv6.conf.all.accept_dad': 0,
    'net.ipv6.conf.default.accept_dad': 0,
    'net.ipv6.conf.all.accept_ra': 0,
    'net.ipv6.conf.default.accept_ra': 0,
  };
  for (const h of hosts) sysctlIn(h.ns, quiet);
  sysctlIn(router.ns, {
    'net.ipv4.ip_forward': 1,
    'net.ipv6.conf.all.forwarding': 1,
    // The bridges are plain switches: bridged frames do not traverse the router's IP hooks.
    'net.bridge.bridge-nf-call-iptables': 0,
    'net.bridge.bridge-nf-call-ip6tables': 0,
    'net.bridge.bridge-nf-call-arptables': 0,
  });

  const batch: string[] = [
    `link add ${LAN_BRIDGE} type bridge`,
    `link add ${WAN_BRIDGE} type bridge`,
  ];
  for (const [bridge, side] of [
    [LAN_BRIDGE, clients],
    [WAN_BRIDGE, servers],
  ] as const) {
    for (const h of side) {
      const port = `${bridge}-${h.name}`;
      batch.push(
        `link add ${port} type veth peer name ${HOST_IFACE} netns ${h.ns}`,
        `link set ${port} master ${bridge} up`,
      );
    }
  }
  batch.push(
    `addr add ${router.lan.ipv4}/${LAN.prefix4} dev ${LAN_BRIDGE}`,
    `addr add ${router.lan.ipv6}/${LAN.prefix6} dev ${LAN_BRIDGE} nodad`,
    `addr add ${router.wan.ipv4}/${SERVER_SIDE.prefix4} dev ${WAN_BRIDGE}`,
    `addr add ${router.wan.ipv6}/${SERVER_SIDE.prefix6} dev ${WAN_BRIDGE} nodad`,
    `link set ${LAN_BRIDGE} up`,
    `link set ${WAN_BRIDGE} up`,
  );
  run(['ip', '-n', router.ns, '-batch', '-'], { input: batch.join('\n') + '\n' });

  for (const h of [...clients, ...servers]) {
    const seg = h.role === 'client' ? LAN : SERVER_SIDE;
    const gw = h.role === 'client' ? router.lan : router.wan;
    const lines = [
      `addr add ${h.ipv4}/${seg.prefix4} dev ${HOST_IFACE}`,
      `addr add ${h.ipv6}/${seg.prefix6} dev ${HOST_IFACE} nodad`,
      `link set ${HOST_IFACE} up`,
    ];
    // Under masquerade the server side is "the internet": it has no route back into the LAN.
    if (h.role === 'client' || opts.nat !== 'masquerade') {
      lines.push(`route add default via ${gw.ipv4}`, `route add default via ${gw.ipv6}`);
    }
    run(['ip', '-n', h.ns, '-batch', '-'], { input: lines.join('\n') + '\n' });
  }

  const ctSysctls: Record<string, string | number> = { ...opts.routerSysctls };
  if (opts.conntrackAccounting) ctSysctls['net.netfilter.nf_conntrack_acct'] = 1;
  if (opts.conntrackEvents !== undefined)
    ctSysctls['net.netfilter.nf_conntrack_events'] = opts.conntrackEvents ? 1 : 0;
  applyRules(
    router.ns,
    routerRules({
      backend: opts.firewall,
      nat: opts.nat,
      wanIface: WAN_BRIDGE,
      lan4: cidr(LAN, 4),
      lan6: cidr(LAN, 6),
      service4: SERVICE_ADDRESS.ipv4,
      service6: SERVICE_ADDRESS.ipv6,
      target4: servers[0].ipv4,
      target6: servers[0].ipv6,
    }),
  );
  // After the rules: the conntrack sysctls of a namespace exist once conntrack is active there.
  sysctlIn(router.ns, ctSysctls);

  if (opts.endpointsDropInvalid) {
    const rules = dropInvalidRules(opts.firewall);
    for (const h of [...clients, ...servers]) applyRules(h.ns, rules);
  }
  for (const h of [...clients, ...servers]) {
    if (opts.delayMs !== undefined && opts.delayMs > 0) {
      const extra = opts.rateMbit ? ['rate', `${opts.rateMbit}mbit`] : [];
      addQdisc(
        h.ns,
        HOST_IFACE,
        ['root', 'netem', 'delay', `${opts.delayMs}ms`, ...extra, 'limit', '100000'],
        'CONFIG_NET_SCH_NETEM',
      );
    } else if (opts.rateMbit) {
      const burst = Math.max(16 * 1024, Math.ceil((opts.rateMbit * 1e6) / 8 / 250));
      addQdisc(
        h.ns,
        HOST_IFACE,
        ['root', 'tbf', 'rate', `${opts.rateMbit}mbit`, 'burst', String(burst), 'latency', '100ms'],
        'CONFIG_NET_SCH_TBF',
      );
    }
  }
}

/** Removes every namespace and file of lab `id` (processes in its namespaces are killed). */
export function removeLab(id: string): void {
  const prefix = `${LAB_PREFIX}-${id}-`;
  for (const name of listLabNamespaces()) if (name.startsWith(prefix)) removeNamespace(name);
  releaseTempPath(labWorkDir(id));
  // a failed build may have written /etc/netns/<ns> before its namespace existed
  if (existsSync('/etc/netns')) {
    for (const name of readdirSync('/etc/netns')) {
      if (name.startsWith(prefix)) rmSync(`/etc/netns/${name}`, { recursive: true, force: true });
    }
  }
}
