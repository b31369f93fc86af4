// The NETLINK_NETFILTER socket nf_tables changes go over, for the set client (client.ts) and for
// whole transactions (transaction.ts): extended ACKs, so a refusal says why and which attribute;
// capped ACKs, so an error echoes only the refused message's header, not a thousand elements;
// and, with CAP_NET_ADMIN, a send buffer forced up so one batch can carry thousands of elements.
import { NETLINK_EXT_ACK, NETLINK_NETFILTER } from '../constants.js';
import { findNetlinkSocket, setIntOption, SOL_NETLINK, SOL_SOCKET } from '../socket-options.js';
import { NetlinkSocket, type NetlinkSocketOptions } from '../transport.js';
import { NETLINK_CAP_ACK, SO_SNDBUFFORCE } from './constants.js';

/** The send buffer asked for with CAP_NET_ADMIN. */
export const NFT_FORCED_SEND_BUFFER = 4 << 20;

/** Opens the socket; `sendBufferForced` tells whether batches may be as large as 1 MiB. */
export function openNftSocket(options: NetlinkSocketOptions = {}): {
  socket: NetlinkSocket;
  sendBufferForced: boolean;
} {
  const socket = NetlinkSocket.open(NETLINK_NETFILTER, { recvBufferSize: 1 << 20, ...options });
  const info = findNetlinkSocket(NETLINK_NETFILTER, socket.portId);
  let sendBufferForced = false;
  if (info) {
    setIntOption(info.fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
    setIntOption(info.fd, SOL_NETLINK, NETLINK_CAP_ACK, 1);
    sendBufferForced =
      setIntOption(info.fd, SOL_SOCKET, SO_SNDBUFFORCE, NFT_FORCED_SEND_BUFFER) === 0;
  }
  return { socket, sendBufferForced };
}
