export * from './flow.js';
export * from './flow-table.js';
export * from './flow-key.js';
