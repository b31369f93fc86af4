export * from './checksum.js';
export * from './endian.js';
