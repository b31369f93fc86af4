export * from './flow.js';
export * from './flow-table.js';
