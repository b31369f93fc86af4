// Where `--on-match cut` sends its forged RSTs from: raw sockets on the main thread of `rope run`,
// one per address family, opened at the first RST that needs one (a run that never cuts needs no
// CAP_NET_RAW). The raw-socket add-on can be loaded by one thread of a process only ("Module did
// not self-register" in the next), so queue workers (`--queue-balance`) hand their RSTs here
// (worker-messages.ts 'rst') instead of opening sockets of their own. A failure is a warning,
// never an exception into the packet path.
import { RawInjector } from '@p2pwall/core/inject';

export type SendRst = (packet: Uint8Array, dst: string, family: 4 | 6) => void;

/** Opens a raw socket (replaceable in tests). */
export type OpenInjector = (family: 4 | 6) => Pick<RawInjector, 'send' | 'close'>;

export class RstSender {
  private readonly injectors = new Map<4 | 6, Pick<RawInjector, 'send' | 'close'>>();
  private closed = false;
  /** RSTs not sent: the raw socket would not open, or the kernel refused the send. */
  sendErrors = 0;

  constructor(
    private readonly warn: (key: string, message: string) => void,
    private readonly open: OpenInjector = (family) => RawInjector.open({ family }),
  ) {}

  readonly send: SendRst = (packet, dst, family) => {
    if (this.closed) return;
    let s = this.injectors.get(family);
    try {
      if (!s) {
        s = this.open(family);
        this.injectors.set(family, s);
      }
    } catch (e) {
      this.sendErrors++;
      this.warn(`cut:open${family}`, `cut: ${errorText(e)}; RSTs are not sent`);
      return;
    }
    const bytes = Buffer.isBuffer(packet)
      ? packet
      : Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
    s.send(bytes, dst).catch((e: unknown) => {
      this.sendErrors++;
      this.warn('cut:send', `cut: sending a RST to ${dst}: ${errorText(e)}`);
    });
  };

  close(): void {
    this.closed = true;
    for (const s of this.injectors.values()) s.close();
    this.injectors.clear();
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
