// The playground's CPU kernel (src/machine.rs `kernel`, run in chunks as `run_iterations`
// does), written in plain JavaScript the way a reader would write it by hand for speed: the
// 64-bit state as two 32-bit halves, the 64-bit multiply from 16-bit pieces. (BigInt computes
// the same thing far more slowly.) It computes exactly what the wasm kernel computes: the
// benchmark checks a known value first.

const C_HI = 0xbf58476d; // 0xBF58_476D_1CE4_E5B9, the mix constant, in halves
const C_LO = 0x1ce4e5b9;
/** Iterations per call of the kernel, as the engine's KERNEL_CHUNK. */
export const CHUNK = 4096;

/** kernel(seed, n) as [hi, lo] 32-bit halves; `seedHi`/`seedLo` are the seed's halves. */
export function kernel(seedHi, seedLo, n) {
  let hi = seedHi >>> 0;
  let lo = (seedLo | 1) >>> 0;
  for (let i = 0; i < n; i++) {
    // x ^= x >> 29
    lo = (lo ^ ((lo >>> 29) | (hi << 3))) >>> 0;
    hi = (hi ^ (hi >>> 29)) >>> 0;
    // x *= C (the low 64 bits)
    const a0 = lo & 0xffff;
    const a1 = lo >>> 16;
    const p00 = a0 * (C_LO & 0xffff);
    const p01 = a0 * (C_LO >>> 16);
    const p10 = a1 * (C_LO & 0xffff);
    const p11 = a1 * (C_LO >>> 16);
    const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    const newLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
    hi = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(lo, C_HI) + Math.imul(hi, C_LO)) >>> 0;
    lo = newLo;
    // x ^= x >> 32
    lo = (lo ^ hi) >>> 0;
    // x += i
    const sum = lo + i;
    lo = sum >>> 0;
    hi = (hi + (sum > 0xffffffff ? 1 : 0)) >>> 0;
  }
  return [hi, lo];
}

let sink = 0;

/** Runs `iterations` of the kernel in chunks, as the engine's `run_iterations` does. */
export function runIterations(iterations) {
  let x = [0, 0x5eed];
  for (let done = 0; done < iterations; done += CHUNK) {
    x = kernel(x[0], x[1], Math.min(CHUNK, iterations - done));
  }
  sink ^= x[1];
  return sink;
}

/** The kernel's value for seed 0x5EED and 10 iterations, as a decimal string (a BigInt's). */
export function knownValue() {
  const [hi, lo] = kernel(0, 0x5eed, 10);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}
