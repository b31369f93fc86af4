// The part of a lab a traffic generator uses: the hosts to put endpoints on, the address that
// reaches a host, fresh ports and a directory for generated files. Generators take this rather
// than the Lab class, which offers them as methods (lab.http(), lab.bittorrent(), …): with the
// class they would import the module that imports them.
import type { Family } from '../addresses.js';
import type { NatMode } from '../firewall.js';
import type { LabHost } from '../host.js';

export interface TrafficLab {
  /** Generated files (HTTP content, torrents, client state) go below it; removed with the lab. */
  readonly workDir: string;
  readonly options: { readonly nat: NatMode };
  readonly clients: readonly LabHost[];
  /** The first client (c1). */
  readonly client: LabHost;
  /** The first server (s1). */
  readonly server: LabHost;
  /** The address a client connects to in order to reach `target` (with DNAT the service address). */
  reach(target: LabHost, family?: Family): string;
  /** A port not handed out before in this lab. */
  nextPort(): number;
}
