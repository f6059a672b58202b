// The postMessage protocol between an embedded playground and its host page, at the address
// host pages already import it from. It lives in embed/protocol.js.
export * from './embed/protocol.js';
