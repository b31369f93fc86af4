export * from './constants.js';
export * from './config.js';
export * from './packet.js';
export * from './packet-repr.js';
export * from './client.js';
