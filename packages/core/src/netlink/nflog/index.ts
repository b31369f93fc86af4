export * from './constants.js';
export * from './config.js';
export * from './packet.js';
export * from './client.js';
