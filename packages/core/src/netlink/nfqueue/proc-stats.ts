// /proc/net/netfilter/nfnetlink_queue: one line per bound queue of this network namespace, as
// seq_printf in nfnetlink_queue.c writes it:
//   queue_num peer_portid queue_total copy_mode copy_range queue_dropped queue_user_dropped
//   id_sequence 1
import { readFileSync } from 'node:fs';

export const NFQUEUE_PROC_PATH = '/proc/net/netfilter/nfnetlink_queue';

export interface NfqProcStats {
  queue: number;
  /** Netlink port id of the bound socket. */
  portId: number;
  /** Packets waiting for a verdict right now. */
  waiting: number;
  copyMode: number;
  copyRange: number;
  /** Packets dropped (or accepted, with fail-open) because the queue was full. */
  queueDropped: number;
  /** Packets dropped (or accepted, with fail-open) because the netlink send failed: the socket's receive buffer was full. */
  userDropped: number;
  /** The last packet id handed out. */
  idSequence: number;
}

/** Parses the file's text; lines that do not have the nine numbers are skipped. */
export function parseNfqProcStats(text: string): NfqProcStats[] {
  const out: NfqProcStats[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !f.slice(0, 8).every((x) => /^\d+$/.test(x))) continue;
    const n = f.map(Number);
    out.push({
      queue: n[0],
      portId: n[1],
      waiting: n[2],
      copyMode: n[3],
      copyRange: n[4],
      queueDropped: n[5],
      userDropped: n[6],
      idSequence: n[7],
    });
  }
  return out;
}

/** The stats of this namespace's bound queues; empty when the file is absent (no queue bound yet). */
export function readNfqProcStats(path = NFQUEUE_PROC_PATH): NfqProcStats[] {
  try {
    return parseNfqProcStats(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}
