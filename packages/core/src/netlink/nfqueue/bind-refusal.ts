// What to tell the user when the kernel refuses to bind a queue: EPERM means either "no
// CAP_NET_ADMIN" or "another program holds the queue", and only /proc tells which.
import { readFileSync } from 'node:fs';
import { needsCapability } from '../../privilege/capabilities.js';
import { readNfqProcStats } from './proc-stats.js';

/** "pid 1234 (suricata)" for the process that probably owns netlink port `portId`, or ''. */
export function describePortOwner(portId: number): string {
  // libnetfilter_queue lets the kernel pick (the pid); the `netlink` package uses
  // (counter << 22) | (pid & 0x3fffff)
  for (const pid of new Set([portId, portId & 0x3fffff])) {
    if (pid <= 0) continue;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      return `pid ${pid} (${comm})`;
    } catch {
      /* not a pid of this pid namespace */
    }
  }
  return '';
}

/**
 * The hint of a refused BIND. The kernel answers EPERM both to a process without CAP_NET_ADMIN
 * and to a bind of a queue another socket holds (nfqnl_recv_config checks the owner's port id
 * before the command; EBUSY only comes back to the holder itself), so the queue's /proc line
 * decides which it was.
 */
export function bindRefusalHint(queue: number): string {
  const holder = readNfqProcStats().find((s) => s.queue === queue);
  if (!holder) return needsCapability('CAP_NET_ADMIN');
  const who = describePortOwner(holder.portId);
  return `queue ${queue} is already bound by another program (${who || `netlink port ${holder.portId}`}): stop it, or use another queue number here and in the firewall rule`;
}
