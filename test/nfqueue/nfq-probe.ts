// A minimal NFQUEUE consumer for the privileged tests, run inside a lab namespace:
//   nfq-probe.ts '{"queue":0,"action":"accept","failOpen":false,…}'
// Reports on stdout as JSON lines: {"event":"ready",…}, one {"event":"packet",…} per packet (with
// the raw message in hex when "record" is set), {"event":"error",…}, and {"event":"stats",…} when
// it ends (SIGTERM, or after "count" packets). A bind failure is one line on stderr, exit 1.
import { Packet, formatIp } from '@p2pwall/core';
import {
  NF_ACCEPT,
  NF_DROP,
  NfQueue,
  type NfqDecision,
  type NfQueueOptions,
} from '@p2pwall/core/netlink';

interface ProbeConfig {
  queue: number;
  /** accept | drop | mark:N | connmark:N (accept, setting the mark or the connmark). */
  action?: string;
  failOpen?: boolean;
  gso?: boolean;
  conntrack?: boolean | 'auto';
  copyRange?: number;
  maxLen?: number;
  batch?: boolean;
  record?: boolean;
  /** Exit after this many packets (0: run until SIGTERM). */
  count?: number;
  /** Report no packets, only the final stats (for bursts). */
  quiet?: boolean;
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as ProbeConfig;
const out = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');
const action = cfg.action ?? 'accept';
const [kind, value] = action.split(':');
const packet = new Packet();
let seen = 0;
let queue: NfQueue;

const options: NfQueueOptions = {
  queue: cfg.queue,
  failOpen: cfg.failOpen ?? false,
  gso: cfg.gso ?? false,
  conntrack: cfg.conntrack ?? false,
  ...(cfg.copyRange !== undefined ? { copyRange: cfg.copyRange } : {}),
  ...(cfg.maxLen !== undefined ? { maxLen: cfg.maxLen } : {}),
  batch: cfg.batch ?? true,
  onPacket(p, d) {
    decide(d);
    if (cfg.quiet) return;
    const ip = packet.decode(p.buf, p.payloadOffset, p.payloadLength);
    const report: Record<string, unknown> = {
      event: 'packet',
      id: p.id,
      queue: p.queue,
      family: p.family,
      hook: p.hook,
      hwProtocol: p.hwProtocol,
      mark: p.mark,
      indev: p.indev,
      outdev: p.outdev,
      timestamp: p.timestamp,
      payloadLength: p.payloadLength,
      packetLength: p.packetLength,
      skbInfo: p.skbInfo,
      ctInfo: p.ctInfo,
      hasCt: p.hasCt,
      ctMark: p.ctMark,
      ctId: p.ctId,
      ctProto: p.ctProto,
    };
    if (ip) {
      report.src = formatIp(p.buf, packet.srcOffset, packet.addrLength);
      report.dst = formatIp(p.buf, packet.dstOffset, packet.addrLength);
      report.protocol = packet.protocol;
      report.ipLength = packet.ipLength;
      report.sport = packet.srcPort;
      report.dport = packet.dstPort;
    }
    if (cfg.record) {
      report.hex = Buffer.from(p.buf.subarray(p.messageOffset, p.messageEnd)).toString('hex');
    }
    out(report);
    if (kind === 'throw') throw new Error('handler failure on purpose');
  },
  onError(e) {
    out({ event: 'error', message: e.message });
  },
  onOverrun() {
    out({ event: 'overrun' });
  },
};

function decide(d: NfqDecision): void {
  d.verdict = kind === 'drop' ? NF_DROP : NF_ACCEPT;
  if (kind === 'mark') d.mark = Number(value);
  if (kind === 'connmark') d.connmark = Number(value);
  if (++seen === cfg.count) setImmediate(() => void finish());
}

let finishing = false;
async function finish(): Promise<void> {
  if (finishing) return;
  finishing = true;
  const proc = queue.procStats();
  await queue.close();
  // exit once the line is handed to the pipe: stdout to a pipe is asynchronous when the pipe is
  // full, and a probe that had printed thousands of packet lines to a slow reader lost its stats
  // to an immediate exit
  process.stdout.write(JSON.stringify({ event: 'stats', ...queue.stats(), proc }) + '\n', () =>
    process.exit(0),
  );
}

try {
  queue = await NfQueue.open(options);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
// handlers before the ready line: a parent may signal as soon as it reads it
process.on('SIGTERM', () => void finish());
process.on('SIGINT', () => void finish());
out({
  event: 'ready',
  conntrack: queue.conntrack,
  conntrackUnavailable: queue.conntrackUnavailable,
  portId: queue.socket.portId,
  pid: process.pid,
});
