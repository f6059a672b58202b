// A plain Web Worker running the kernel in JavaScript (js-kernel.js): what a reader would
// write by hand for parallel work without wasm. Messages:
//   page -> worker: { id, iterations }     worker -> page: { id, ms }
import { runIterations } from './js-kernel.js';

self.onmessage = ({ data: { id, iterations } }) => {
  const t0 = performance.now();
  runIterations(iterations);
  self.postMessage({ id, ms: performance.now() - t0 });
};
self.postMessage({ ready: true });
