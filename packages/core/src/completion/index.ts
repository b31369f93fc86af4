export * from './completion.js';
