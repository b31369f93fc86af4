// @p2pwall/core/netlink/testing: a fake kernel for unit tests of netlink clients (no root needed).
export * from './fake-kernel.js';
