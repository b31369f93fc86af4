// Deleting a connection's conntrack entry once it is cut (or, for --drop-udp, as the cut): by its
// CTA_ID, so that a newer entry on the same tuple is left alone.
import { Conntrack, NetlinkError } from '@p2pwall/core/netlink';
import type { Connection } from '../find/connection.js';

/** True when the entry was deleted; false when the kernel refused (e.g. it is already gone). */
export async function deleteEntry(ct: Conntrack, c: Connection): Promise<boolean> {
  try {
    return await ct.delete({
      orig: c.entry.orig,
      ...(c.id !== undefined ? { id: c.id } : {}),
      ...(c.zone ? { zone: c.zone } : {}),
    });
  } catch (e) {
    if (e instanceof NetlinkError) return false;
    throw e;
  }
}
