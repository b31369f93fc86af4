export * from './constants.js';
export * from './inet-diag.js';
export * from './client.js';
