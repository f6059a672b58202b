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
