// The packet path of a cut: raw sockets that send the forged packets in paced batches, and the
// NFLOG capture that brings back what the endpoints send. Opened once per cut, for every
// connection a forging method ends.
import { performance } from 'node:perf_hooks';
import { EndpointCapture } from './capture.js';
import { Injectors } from './injector.js';
import type { PacketPath } from './methods/method.js';
import { Pacer } from './pacer.js';
import type { SessionIo } from './session.js';

export class RawPacketPath implements PacketPath {
  readonly io: SessionIo;

  private constructor(
    private readonly injectors: Injectors,
    private readonly pacer: Pacer,
    readonly capture: EndpointCapture,
  ) {
    this.io = {
      now: () => performance.now(),
      backlogMs: () => pacer.pending / pacer.batch,
      send: (family, packet, dst, onError, sent, ahead) =>
        pacer.push(() => {
          injectors.send(family, packet, dst, onError);
          sent?.();
        }, ahead),
    };
  }

  /**
   * Opens raw sockets for `families` (forged packets carry `mark`) and binds a free NFLOG group,
   * trying `firstGroup` and the ones after it.
   */
  static async open(
    families: Iterable<4 | 6>,
    mark: number,
    firstGroup: number,
  ): Promise<RawPacketPath> {
    const injectors = new Injectors(mark);
    try {
      // the raw sockets first: a missing CAP_NET_RAW shows before any rule exists
      injectors.prepare(families);
      const capture = await EndpointCapture.open(firstGroup);
      return new RawPacketPath(injectors, new Pacer(), capture);
    } catch (e) {
      injectors.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    this.pacer.clear();
    this.injectors.close();
    await this.capture.close().catch(() => {});
  }
}
