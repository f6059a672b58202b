// The engine's public JS API, at the address scripts and pages already import it from.
// It lives in engine/api.js.
export * from './engine/api.js';
