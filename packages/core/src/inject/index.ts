export * from './errors.js';
export * from './raw-socket.js';
