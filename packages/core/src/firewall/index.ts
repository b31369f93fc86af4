export * from './errors.js';
export * from './command.js';
export * from './flow-match.js';
export * from './backend.js';
export * from './nft.js';
export * from './iptables.js';
export * from './exit-hooks.js';
export * from './temporary.js';
