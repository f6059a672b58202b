// The replay's benchmark: scrubbing and replaying a 1,000-task run keeps 60 frames per second on
// the page's thread. It runs a real 1,000-task workload, shows it in the page's own results view
// (timeline, words at the cursor, code), then (1) moves the cursor to a new place every frame,
// sweeping the run as a drag does, and (2) plays it at 1x; each for a few seconds, counting the
// frames the page drew and the time each frame's replay work took.
//
//   const m = await measureReplay(pg, { log, status });   // { value, goal, unit, pass, detail }

import { createResults } from '../views/results.js';
import { loadViewStyles } from '../shared/session.js';

const GOAL_FPS = 57; // frames per second: 60 on a 60 Hz display, less a few for a noisy machine
const SCRUB_FRAMES = 180; // 3 s at 60 fps
const PLAY_MS = 3000; // ms of playing at 1x

// 1,000 requests on the event loop, their computing on 2 workers: 4,000 spans, up to 1,000
// waits at once on `main`, every lane busy.
const WORKLOAD = {
  strategy: 'hybrid', threads: 2, globalLock: false, yieldMs: 0, jitter: 0, seed: 1,
  groups: [{ name: 'request', count: 1000, cpuMs: 1, ioMs: 50, steps: 2 }],
};

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
const round = (x, digits = 1) => Number(x.toFixed(digits));
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** Frames per second and the longest gap, from the rAF timestamps of consecutive frames. */
function frameStats(stamps) {
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
  const span = stamps.at(-1) - stamps[0];
  return { fps: (gaps.length * 1000) / span, maxGapMs: Math.max(...gaps), p95GapMs: quantile(gaps, 0.95), frames: gaps.length };
}

export async function measureReplay(pg, { log = () => {}, status = () => {} } = {}) {
  if (document.visibilityState !== 'visible') {
    throw new Error('the page is hidden: no animation frames to measure (keep the tab visible)');
  }
  status('replay: running 1,000 tasks');
  const result = await pg.run(WORKLOAD);
  if (result.status !== 'completed') throw new Error(`the 1,000-task run ended ${result.status}`);

  // The page's results view, with the page's stylesheets, as a reader sees it.
  const style = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: new URL('../style.css', import.meta.url).href });
  const loaded = new Promise((resolve) => { style.onload = resolve; style.onerror = resolve; });
  document.head.append(style);
  await Promise.all([loaded, loadViewStyles()]);
  const root = Object.assign(document.createElement('div'), { className: 'results' });
  root.style.maxWidth = '900px';
  document.body.append(root);
  try {
    const results = createResults(root);
    const row = results.addRun(result.strategy, result.lanes, result.predictedMs);
    row.finish(result, null, null, { steps: WORKLOAD.groups.map((g) => g.steps) });
    const { replay } = results;
    while (!replay.ready) await nextFrame();
    await nextFrame();
    root.querySelector('.run').scrollIntoView({ block: 'start' });
    await nextFrame();

    // Work per frame: the replay renders in the first animation-frame callback after a move;
    // a callback registered after it starts when that work is done (same frame timestamp).
    const work = [];
    const measureWork = () => requestAnimationFrame((frameStart) => work.push(performance.now() - frameStart));

    status('replay: scrubbing (a new cursor every frame)');
    const scrub = [];
    for (let i = 0; i <= SCRUB_FRAMES; i++) {
      const t = await nextFrame();
      scrub.push(t);
      // Back and forth over the whole run, as a hand drags: a new instant every frame.
      const phase = (i / SCRUB_FRAMES) * 2;
      replay.seek(replay.endMs * (phase <= 1 ? phase : 2 - phase));
      measureWork();
    }
    const scrubWork = work.splice(0);
    const scrubbing = frameStats(scrub);

    status('replay: playing at 1x');
    replay.seek(0);
    await nextFrame();
    replay.play(1);
    const play = [];
    const until = performance.now() + Math.min(PLAY_MS, replay.endMs);
    while (performance.now() < until && replay.playing) {
      play.push(await nextFrame());
      measureWork();
    }
    replay.pause();
    const playWork = work.splice(0);
    const playing = frameStats(play);

    const value = Math.min(scrubbing.fps, playing.fps);
    const describe = (name, f, w) => `${name} ${f.fps.toFixed(1)} fps over ${f.frames} frames, longest frame ` +
      `${f.maxGapMs.toFixed(1)} ms, replay work per frame p50 ${quantile(w, 0.5).toFixed(2)} ms, max ${Math.max(...w).toFixed(2)} ms`;
    log(`replay of ${result.tasks} tasks (${result.spans.length} spans, ${result.lanes.length} lanes, ${(result.wallMs / 1e3).toFixed(2)} s): ` +
      `${describe('scrubbing', scrubbing, scrubWork)}; ${describe('playing', playing, playWork)}`);
    const v = round(value);
    return {
      value: v, goal: `>= ${GOAL_FPS}`, unit: 'fps', pass: v >= GOAL_FPS,
      detail: {
        workload: `${WORKLOAD.strategy}, 2 threads, 1,000 tasks x 2 steps (1 ms cpu, 50 ms io), shown in the page's results view`,
        figure: 'the lower of scrubbing and playing',
        spans: result.spans.length, lanes: result.lanes.length, runMs: round(result.wallMs),
        scrubbing: { fps: round(scrubbing.fps), maxFrameMs: round(scrubbing.maxGapMs), p95FrameMs: round(scrubbing.p95GapMs),
          workP50Ms: round(quantile(scrubWork, 0.5), 2), workMaxMs: round(Math.max(...scrubWork), 2) },
        playing: { fps: round(playing.fps), maxFrameMs: round(playing.maxGapMs), p95FrameMs: round(playing.p95GapMs),
          workP50Ms: round(quantile(playWork, 0.5), 2), workMaxMs: round(Math.max(...playWork), 2) },
      },
    };
  } finally {
    root.remove();
    style.remove();
  }
}
