export * from './constants.js';
export * from './element.js';
export * from './errors.js';
export * from './commands.js';
export * from './adt.js';
export * from './listing.js';
export * from './client.js';
