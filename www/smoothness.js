// How smooth the page stayed during a run: frames drawn, the longest gap between two frames,
// and long tasks (main-thread work over 50 ms, as the browser reports them).

const LONG_TASK_MS = 50; // the browser's own threshold for a long task

export class FrameMonitor {
  #frames = [];
  #longTasks = 0;
  #observer = null;
  #rafId = 0;
  #startedAt = 0;

  start() {
    this.#frames = [];
    this.#longTasks = 0;
    this.#startedAt = performance.now();
    // performance.now(), not the callback's argument: that is the frame's start, which can
    // lie before this monitor started.
    const tick = () => {
      this.#frames.push(performance.now());
      this.#rafId = requestAnimationFrame(tick);
    };
    this.#rafId = requestAnimationFrame(tick);
    if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
      this.#observer = new PerformanceObserver((list) => { this.#longTasks += list.getEntries().length; });
      this.#observer.observe({ type: 'longtask' });
    }
  }

  /** Stops and returns `{ fps, longestGapMs, longTasks, frames, durationMs }`. */
  stop() {
    cancelAnimationFrame(this.#rafId);
    const end = performance.now();
    // Long tasks are reported after they end: collect the ones still queued.
    if (this.#observer) {
      this.#longTasks += this.#observer.takeRecords().length;
      this.#observer.disconnect();
    }
    const points = [this.#startedAt, ...this.#frames, end];
    let longestGapMs = 0;
    for (let i = 1; i < points.length; i++) longestGapMs = Math.max(longestGapMs, points[i] - points[i - 1]);
    const durationMs = end - this.#startedAt;
    return {
      fps: durationMs > 0 ? (this.#frames.length * 1000) / durationMs : 0,
      longestGapMs,
      longTasks: this.#longTasks,
      frames: this.#frames.length,
      durationMs,
      smooth: longestGapMs <= LONG_TASK_MS,
    };
  }
}

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
