export * from './errors.js';
export * from './bytes/index.js';
export * from './wire/index.js';
