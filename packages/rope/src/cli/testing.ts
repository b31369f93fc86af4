// Test support for the CLI's tests: the whole `rope` command run in-process with its output
// collected, and a capture written from built packets.
import { PcapWriter } from '@p2pwall/core/pcap';
import { runCli } from './run-cli.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** `rope ARGS…` in this process: exit status and everything written to stdout and stderr. */
export async function rope(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
  });
  return { status, stdout, stderr };
}

/** Writes `packets` to a pcap at `path`, one second apart from a fixed time; returns `path`. */
export function writeCapture(path: string, packets: readonly Uint8Array[]): string {
  const w = new PcapWriter(path);
  packets.forEach((p, i) => w.write(p, 1_700_000_000 + i));
  w.close();
  return path;
}
