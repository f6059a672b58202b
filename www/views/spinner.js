// A spinner drawn by the page's thread: it shows, without words, whether that thread is free.

const SIZE = 36; // px
const TURN_MS = 1000; // one revolution per second
/** After a run ends it keeps turning this long, so the end of a freeze can be seen. */
const LINGER_MS = 1500;

/**
 * A spinner drawn every frame by the page's thread while runs go: it turns smoothly while that
 * thread is free and visibly stops when it is blocked. (A CSS animation would keep turning on
 * the compositor thread, so it would hide a frozen page.) Between runs it rests, drawn once:
 * a canvas redrawn every frame costs a core's worth in a browser that renders in software
 * (measured in WebKitGTK under Xvfb: 1.4 cores for the idle page), taken from the workers.
 * `spin()` starts it, `rest()` lets it stop after LINGER_MS.
 */
export function createSpinner(canvas) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = SIZE * dpr;
  canvas.height = SIZE * dpr;
  canvas.style.width = `${SIZE}px`;
  canvas.style.height = `${SIZE}px`;
  const ctx = canvas.getContext('2d');
  let id = 0;
  let restAt = -Infinity; // ms (performance.now()) when it stops turning
  let color = null; // read again when the colour scheme changes
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener('change', () => { color = null; paint(performance.now()); });

  function paint(t) {
    color ??= getComputedStyle(canvas).color;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, SIZE, SIZE);
    const angle = ((t % TURN_MS) / TURN_MS) * 2 * Math.PI;
    ctx.fillStyle = color;
    for (let i = 0; i < 8; i++) {
      const a = angle + (i * Math.PI) / 4;
      ctx.globalAlpha = (i + 1) / 8;
      ctx.beginPath();
      ctx.arc(SIZE / 2 + Math.cos(a) * 12, SIZE / 2 + Math.sin(a) * 12, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  function frame(t) {
    paint(t);
    id = performance.now() < restAt ? requestAnimationFrame(frame) : 0;
  }

  paint(0);
  return {
    spin() {
      restAt = Infinity;
      if (!id) id = requestAnimationFrame(frame);
    },
    rest() {
      restAt = performance.now() + LINGER_MS;
    },
  };
}
