// The engine's public JS API, at the address scripts and pages already import it from.
// It lives in engine/engine.js.
export * from './engine/engine.js';
