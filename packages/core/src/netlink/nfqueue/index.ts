export * from './constants.js';
export * from './config.js';
export * from './packet.js';
export * from './packet-repr.js';
export * from './verdict.js';
export * from './verdict-batch.js';
export * from './proc-stats.js';
export * from './queue.js';
