// A spinner drawn by the page's thread: it shows, without words, whether that thread is free.

/**
 * A spinner drawn every frame by the page's thread: it turns smoothly while that thread is
 * free and visibly stops when it is blocked. (A CSS animation would keep turning on the
 * compositor thread, so it would hide a frozen page.)
 */
export function createSpinner(canvas) {
  const SIZE = 36; // px
  const TURN_MS = 1000; // one revolution per second
  const dpr = window.devicePixelRatio || 1;
  canvas.width = SIZE * dpr;
  canvas.height = SIZE * dpr;
  canvas.style.width = `${SIZE}px`;
  canvas.style.height = `${SIZE}px`;
  const ctx = canvas.getContext('2d');
  let id = 0;
  const draw = (t) => {
    const color = getComputedStyle(canvas).color;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, SIZE, SIZE);
    const angle = ((t % TURN_MS) / TURN_MS) * 2 * Math.PI;
    for (let i = 0; i < 8; i++) {
      const a = angle + (i * Math.PI) / 4;
      ctx.globalAlpha = (i + 1) / 8;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(SIZE / 2 + Math.cos(a) * 12, SIZE / 2 + Math.sin(a) * 12, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    id = requestAnimationFrame(draw);
  };
  id = requestAnimationFrame(draw);
  return { stop: () => cancelAnimationFrame(id) };
}
