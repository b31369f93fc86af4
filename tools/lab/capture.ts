// Recording lab traffic into pcap files with tcpdump, for samples and for checking what crossed an
// interface. `stop()` ends tcpdump with SIGINT so it flushes and reports its counters.
import type { LabHost } from './host.js';
import { killGroup, stopProcess } from './netns.js';
import { LabProcessError, onLines, tail, waitFor } from './processes.js';

export interface CaptureOptions {
  /** Bytes kept per packet (tcpdump -s); default: whole packets. */
  snaplen?: number;
  /**
   * Kernel capture buffer in KiB (tcpdump -B); default 32 MiB. tcpdump's own default (2 MiB)
   * overflows on a busy 2-core machine, since every packet is written at once (-U).
   */
  bufferKiB?: number;
  /** How long to wait for tcpdump to start listening; default 10 s. */
  timeoutMs?: number;
  /**
   * How long stop() lets packets already sent reach tcpdump before ending it (default 200 ms):
   * the last packets of a flow that just finished may still be on their way through the rings.
   */
  settleMs?: number;
}

export interface CaptureResult {
  file: string;
  /** "N packets captured" as tcpdump reported it. */
  captured: number;
  /** Packets the kernel dropped because tcpdump could not keep up. */
  droppedByKernel: number;
}

export interface Capture {
  readonly file: string;
  stop(): Promise<CaptureResult>;
}

export async function startCapture(
  host: LabHost,
  iface: string,
  file: string,
  filter?: string,
  opts: CaptureOptions = {},
): Promise<Capture> {
  // --immediate-mode: hand each packet over at once (otherwise packets wait in the kernel ring
  // for its block timeout and those still there at SIGINT are lost); -U: write each packet at once,
  // so a reader sees it before stop(); -Z root: Debian's tcpdump otherwise drops to user
  // `tcpdump`, which may not write into a root-owned temp directory.
  const argv = [
    'tcpdump',
    '-i',
    iface,
    '-n',
    '--immediate-mode',
    '-U',
    '-Z',
    'root',
    '-w',
    file,
    '-s',
    String(opts.snaplen ?? 0),
    '-B',
    String(opts.bufferKiB ?? 32768),
  ];
  if (filter) argv.push(filter);
  const child = host.spawn(argv);
  const stderr = tail(child.stderr);
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  if (child.stderr) {
    onLines(child.stderr, (line) => {
      lines.push(line);
      for (const l of listeners) l(line);
    });
  }
  await waitFor<void>(
    child,
    `tcpdump on ${host.name}:${iface}`,
    opts.timeoutMs ?? 10_000,
    stderr,
    (resolve) => {
      const l = (line: string) => {
        if (line.includes('listening on')) resolve();
      };
      listeners.add(l);
      for (const line of lines) l(line);
      return () => listeners.delete(l);
    },
  );
  let result: CaptureResult | null = null;
  return {
    file,
    async stop() {
      if (result) return result;
      await new Promise((r) => setTimeout(r, opts.settleMs ?? 200));
      const exited = new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) r();
        else child.once('close', () => r());
      });
      if (child.exitCode === null) killGroup(child, 'SIGINT');
      const timer = setTimeout(() => void stopProcess(child, 0), 5000);
      await exited;
      clearTimeout(timer);
      const text = lines.join('\n');
      const captured = /(\d+) packets? captured/.exec(text);
      if (!captured)
        throw new LabProcessError(
          `tcpdump on ${host.name}:${iface} ended without its report: ${stderr() || 'no output'}`,
        );
      const dropped = /(\d+) packets? dropped by kernel/.exec(text);
      result = {
        file,
        captured: Number(captured[1]),
        droppedByKernel: dropped ? Number(dropped[1]) : 0,
      };
      return result;
    },
  };
}
