export * from './raw-socket.js';
