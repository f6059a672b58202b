// How smooth the page stayed during a run, as its reader felt it: frames drawn, the longest gap
// between two frames, long tasks (main-thread work over 50 ms, as the browser reports them)
// (FrameMonitor), and how long the reader's own keypresses and clicks waited for the page to
// answer (InputMonitor, over a batch of runs).

const LONG_TASK_MS = 50; // the browser's own threshold for a long task
/** The reader's inputs whose wait is measured. */
const INPUTS = ['keydown', 'pointerdown'];
/** Event Timing reports an event only from this duration on (its floor is 16 ms). */
const EVENT_TIMING_THRESHOLD_MS = 16;

export class FrameMonitor {
  #frames = [];
  #longTasks = 0;
  #observer = null;
  #rafId = 0;
  #startedAt = 0;

  start() {
    this.#frames = [];
    // Null where the browser has no Long Tasks API (Firefox, Safari): not measured, not zero.
    this.#longTasks = PerformanceObserver.supportedEntryTypes?.includes('longtask') ? 0 : null;
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

  /**
   * Stops and returns `{ fps, longestGapMs, longTasks, frames, startedAt, durationMs }`
   * (`startedAt`: `performance.now()` when it started; `longTasks`: null where not measured).
   */
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
      startedAt: this.#startedAt,
      durationMs,
      smooth: longestGapMs <= LONG_TASK_MS,
    };
  }
}

/**
 * The reader's inputs during a batch of runs, each given to the run it was made during (by
 * its time, not by when the page could answer it: a keypress made while a run froze the page
 * is handled only after that run). Adds `inputs` and `longestInputDelayMs` (null without
 * input) to each run's smoothness.
 */
export class InputMonitor {
  #delays = new InputDelays();

  async stop(runs) {
    // Inputs made in the last moments may still wait in the queue: let them be handled.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const delays = this.#delays.stop();
    for (const { smoothness } of runs) {
      if (!smoothness) continue;
      const end = smoothness.startedAt + smoothness.durationMs;
      const mine = delays.filter((d) => d.at >= smoothness.startedAt && d.at <= end).map((d) => d.delay);
      smoothness.inputs = mine.length;
      smoothness.longestInputDelayMs = mine.length ? Math.max(...mine) : null;
    }
  }
}

/**
 * How long each keypress or click waited before the page ran its handler (its input delay).
 * From the Event Timing API where the browser has it (`processingStart - startTime`); else,
 * everywhere, measured in the handler: the time from the event's creation (`timeStamp`) to
 * the handler running.
 */
class InputDelays {
  #delays = new Map(); // event start time -> delay, ms (one entry per input event)
  #observer = null;
  #listener = (event) => {
    // Event Timing, when it reports this event, has the better figure: keep the larger.
    const delay = Math.max(0, performance.now() - event.timeStamp);
    this.#note(event.timeStamp, delay);
  };

  constructor() {
    for (const type of INPUTS) document.addEventListener(type, this.#listener, { capture: true, passive: true });
    if (PerformanceObserver.supportedEntryTypes?.includes('event')) {
      this.#observer = new PerformanceObserver((list) => this.#observe(list.getEntries()));
      this.#observer.observe({ type: 'event', durationThreshold: EVENT_TIMING_THRESHOLD_MS });
    }
  }

  #observe(entries) {
    for (const entry of entries) {
      if (INPUTS.includes(entry.name)) this.#note(entry.startTime, entry.processingStart - entry.startTime);
    }
  }

  #note(startTime, delay) {
    const key = Math.round(startTime * 10); // the same event from both sources
    this.#delays.set(key, Math.max(this.#delays.get(key) ?? 0, delay));
  }

  /** Stops listening; `[{ at, delay }]`: when each input was made, and how long it waited (ms). */
  stop() {
    for (const type of INPUTS) document.removeEventListener(type, this.#listener, { capture: true });
    if (this.#observer) {
      this.#observe(this.#observer.takeRecords());
      this.#observer.disconnect();
    }
    return [...this.#delays].map(([key, delay]) => ({ at: key / 10, delay }));
  }
}
