export * from './result.js';
export * from './forge.js';
export * from './endpoint-state.js';
export * from './session.js';
export * from './engine.js';
