// A lab of two gateways side by side, for the fleet tests (Redis --share, conntrackd HA): LAN
// clients and servers reach each other through g1 or g2, which also share a third link, "sync",
// where Redis lives (host rd) and conntrackd talks. The three segments are bridges in a switch
// namespace; every namespace is named p2pw-<id>-<role> and removed by destroy() (and at exit).
//
//   c1 192.0.2.10 ─┐ lan0     g1 lan 192.0.2.1    wan 198.51.100.1    wan0 ┌─ s1 198.51.100.10
//   c2 192.0.2.11 ─┤          g2 lan 192.0.2.2    wan 198.51.100.2         └─ s2 198.51.100.20
//                  sync0:     g1 203.0.113.1, g2 203.0.113.2, rd 203.0.113.10
//
// Routes: c1 and s1 go through g1, c2 and s2 through g2 (failover() moves c1 and s1 to g2).
import { LabHost } from '../../tools/lab/host.js';
import { createNamespace, execIn, removeNamespace, runId } from '../../tools/lab/netns.js';
import { ProcessRegistry } from '../../tools/lab/processes.js';

export const ADDR = {
  c1: '192.0.2.10',
  c2: '192.0.2.11',
  s1: '198.51.100.10',
  s2: '198.51.100.20',
  rd: '203.0.113.10',
  g1: { lan: '192.0.2.1', wan: '198.51.100.1', sync: '203.0.113.1' },
  g2: { lan: '192.0.2.2', wan: '198.51.100.2', sync: '203.0.113.2' },
} as const;

/** The gateways' interfaces (same names in both). */
export const GW_IFACES = { lan: 'lan', wan: 'wan', sync: 'sync' } as const;

type Role = 'c1' | 'c2' | 's1' | 's2' | 'g1' | 'g2' | 'rd';

export class Gateways {
  readonly processes = new ProcessRegistry();
  readonly hosts = {} as Record<Role, LabHost>;
  private readonly namespaces: string[] = [];

  private constructor(readonly id: string) {}

  get g1(): LabHost {
    return this.hosts.g1;
  }
  get g2(): LabHost {
    return this.hosts.g2;
  }

  static build(): Gateways {
    const lab = new Gateways(runId());
    try {
      lab.wire();
    } catch (e) {
      lab.removeNamespaces();
      throw e;
    }
    return lab;
  }

  private ns(role: string): string {
    const name = createNamespace(this.id, role);
    this.namespaces.push(name);
    return name;
  }

  private wire(): void {
    const sw = this.ns('sw');
    const ip = (ns: string, lines: string[]) =>
      execIn(ns, ['ip', '-batch', '-'], { input: lines.join('\n') + '\n' });
    ip(sw, [
      'link add lan0 type bridge',
      'link add wan0 type bridge',
      'link add sync0 type bridge',
      'link set lan0 up',
      'link set wan0 up',
      'link set sync0 up',
    ]);
    // one veth per (host, segment): the switch end joins the bridge, the other is the host's
    const plug = (role: Role, ns: string, bridge: string, iface: string) =>
      ip(sw, [
        `link add ${bridge}-${role} type veth peer name ${iface} netns ${ns}`,
        `link set ${bridge}-${role} master ${bridge} up`,
      ]);
    const host = (role: Role, ipv4: string, iface: string) => {
      const ns = this.ns(role);
      this.hosts[role] = new LabHost(
        {
          name: role,
          role: role[0] === 'g' ? 'router' : role[0] === 'c' ? 'client' : 'server',
          ns,
          iface,
          address: { ipv4, ipv6: '' },
        },
        this.processes,
      );
      return ns;
    };
    const end = (
      role: 'c1' | 'c2' | 's1' | 's2' | 'rd',
      bridge: string,
      prefix: number,
      via?: string,
    ) => {
      const ns = host(role, ADDR[role], 'eth0');
      plug(role, ns, bridge, 'eth0');
      ip(ns, [
        `addr add ${ADDR[role]}/${prefix} dev eth0`,
        'link set eth0 up',
        ...(via ? [`route add default via ${via}`] : []),
      ]);
    };
    for (const g of ['g1', 'g2'] as const) {
      const ns = host(g, ADDR[g].lan, GW_IFACES.lan);
      plug(g, ns, 'lan0', GW_IFACES.lan);
      plug(g, ns, 'wan0', GW_IFACES.wan);
      plug(g, ns, 'sync0', GW_IFACES.sync);
      ip(ns, [
        `addr add ${ADDR[g].lan}/24 dev ${GW_IFACES.lan}`,
        `addr add ${ADDR[g].wan}/24 dev ${GW_IFACES.wan}`,
        `addr add ${ADDR[g].sync}/24 dev ${GW_IFACES.sync}`,
        `link set ${GW_IFACES.lan} up`,
        `link set ${GW_IFACES.wan} up`,
        `link set ${GW_IFACES.sync} up`,
      ]);
      execIn(ns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    }
    end('c1', 'lan0', 24, ADDR.g1.lan);
    end('c2', 'lan0', 24, ADDR.g2.lan);
    end('s1', 'wan0', 24, ADDR.g1.wan);
    end('s2', 'wan0', 24, ADDR.g2.wan);
    end('rd', 'sync0', 24);
  }

  /** c1 reaches `dst` (a server) through g2 from now on; with `both`, s1 answers through g2 too. */
  failover(): void {
    execIn(this.hosts.c1.ns, ['ip', 'route', 'replace', 'default', 'via', ADDR.g2.lan]);
    execIn(this.hosts.s1.ns, ['ip', 'route', 'replace', 'default', 'via', ADDR.g2.wan]);
  }

  /** A host route on c1: `dst` through gateway `via`. */
  route(from: 'c1' | 'c2', dst: string, via: 'g1' | 'g2'): void {
    execIn(this.hosts[from].ns, ['ip', 'route', 'replace', `${dst}/32`, 'via', ADDR[via].lan]);
  }

  private removeNamespaces(): void {
    for (const ns of this.namespaces.reverse()) removeNamespace(ns);
    this.namespaces.length = 0;
  }

  async destroy(): Promise<void> {
    await this.processes.stopAll();
    this.removeNamespaces();
  }
}
