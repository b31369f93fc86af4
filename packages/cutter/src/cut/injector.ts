// One raw socket per address family, opened on first use, every packet carrying the cut's mark
// (the temporary rules exempt that mark from conntrack, so neither the firewall's state nor NAT
// touch forged packets).
import { RawInjector } from '@p2pwall/core/inject';

export class Injectors {
  private readonly sockets = new Map<4 | 6, RawInjector>();
  sent = 0;

  constructor(private readonly mark: number) {}

  /** Opens the sockets for these families now, so a missing privilege shows before anything starts. */
  prepare(families: Iterable<4 | 6>): void {
    for (const f of families) this.socket(f);
  }

  private socket(family: 4 | 6): RawInjector {
    let s = this.sockets.get(family);
    if (!s) {
      s = RawInjector.open({ family, mark: this.mark });
      this.sockets.set(family, s);
    }
    return s;
  }

  send(family: 4 | 6, packet: Buffer, dst: string, onError: (e: Error) => void): void {
    this.sent++;
    this.socket(family).send(packet, dst).catch(onError);
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}
