// TCP options that decide whether forged RSTs can end a connection: a TCP-MD5 (RFC 2385) or
// TCP-AO (RFC 5925) signature makes the receiver drop any segment we forge; MPTCP (RFC 8684) means
// a RST ends one subflow only.
import { TCPOPT_EOL, TCPOPT_NOP } from '@p2pwall/core';

/** TCP option kinds (include/net/tcp.h) that change what a forged RST can do. */
export const TCPOPT_MD5SIG = 19;
export const TCPOPT_AO = 29;
export const TCPOPT_MPTCP = 30;

/** The first MD5, AO or MPTCP option in b[off, end), or 0. */
export function signatureOption(b: Uint8Array, off: number, end: number): number {
  let i = off;
  while (i < end) {
    const kind = b[i];
    if (kind === TCPOPT_EOL) return 0;
    if (kind === TCPOPT_NOP) {
      i++;
      continue;
    }
    if (kind === TCPOPT_MD5SIG || kind === TCPOPT_AO || kind === TCPOPT_MPTCP) return kind;
    const len = i + 1 < end ? b[i + 1] : 0;
    if (len < 2) return 0;
    i += len;
  }
  return 0;
}
