// Netlink framing and transport, and the codecs built on them (one directory per kernel subsystem).
export * from './constants.js';
export * from './errno.js';
export * from './errors.js';
export * from './host-order.js';
export * from './message.js';
export * from './attr.js';
export * from './writer.js';
export * from './transport.js';
export {
  findNetlinkSocket,
  netlinkDrops,
  setIntOption,
  SO_RCVBUFFORCE,
  SOL_SOCKET,
} from './socket-options.js';
export * from './conntrack/index.js';
export * from './nflog/index.js';
export * from './sock-diag/index.js';
export * from './nfqueue/index.js';
export * from './nftables/index.js';
export * from './ipset/index.js';
