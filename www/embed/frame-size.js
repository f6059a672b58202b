// How tall the embed frame will be once its runs have ended, known before it loads: a host
// reserves that space from the first paint, so the author's text below never jumps (the frame
// only ever grows into it, or past it by a little). Used by <concurrency-playground>
// (embed/element.js) and by the snippet "Copy embed code" writes (page/embed-code.js).
//
// Measured in Chromium, 2 cores, a frame 720 px wide (embed.html, each preset run once): 116 px
// before a run (136 with a two-line claim); after, 686 (2 runs) to 1,798 px (5 runs). A run
// on the page's thread takes about 160 px, one on 2 workers 260-330 px (each worker a lane of
// 20 px), the verdict 85-280 px by the runs it speaks of; replay=1 adds 590-680 px (its bar,
// the code that ran, each run's words), editor=1 about 570, compact=1 takes off a quarter of
// the runs. At 400 px the same frames are 22-33 % taller, at 1,100 px 6-13 % shorter. The
// estimate below is -4 % (io) to +9 % (overhead, one-core) of those at 720 px: the verdict's
// length varies with what was measured (the CPU preset's frame: 917-981 px in two runs).
// The race and deadlock demos (8 and 5 runs, long verdicts): 2,821 and 1,781 px measured, the
// estimate 6 % and 8 % short of them.

/**
 * A host page can't load the presets (they bring the verdicts' code): what it needs of each,
 * copied. tests/unit/frame-size.test.mjs fails when this differs from shared/presets.js.
 */
export const PRESET_FRAMES = {
  io: { title: 'I/O-bound: concurrency wins', strategies: ['sequential', 'concurrent', 'parallel'] },
  cpu: { title: 'CPU-bound: parallelism wins, async alone does not', strategies: ['sequential', 'concurrent', 'parallel'] },
  gil: { title: "Global lock (like Python's GIL): threads don't speed up computing",
    strategies: ['sequential', 'parallel', 'parallel', 'parallel', 'processes'] },
  processes: { title: 'Processes: parallel without shared memory, at the price of a copy',
    strategies: ['sequential', 'parallel', 'processes', 'parallel', 'processes'] },
  responsive: { title: 'Responsiveness: computing on the event loop freezes the page', strategies: ['concurrent', 'concurrent', 'parallel'] },
  server: { title: 'A web server: requests keep arriving', strategies: ['sequential', 'concurrent', 'concurrent', 'parallel'] },
  mixed: { title: 'Mixed work: hybrid beats each alone', strategies: ['sequential', 'concurrent', 'parallel', 'hybrid'] },
  overhead: { title: 'Overhead: tiny tasks make threads slower', strategies: ['sequential', 'hybrid', 'parallel'] },
  'one-core': { title: 'Concurrency on one core: interleaving, not simultaneity', strategies: ['concurrent', 'parallel'] },
  race: { title: 'Shared memory: updates get lost without atomics or a lock',
    strategies: ['sequential', 'parallel', 'concurrent', 'parallel', 'parallel', 'parallel', 'processes', 'processes'] },
  deadlock: { title: 'Two locks, opposite order: a deadlock', strategies: ['sequential', 'parallel', 'parallel', 'concurrent', 'processes'] },
};

/** Strategies that run on workers (the engine's strategies with a pool; the unit test checks). */
export const ON_WORKERS = ['parallel', 'hybrid', 'processes'];

const TOP_PX = 130; // the claim and the Run bar
const VERDICT_PX = 80; // the verdict, and ...
const VERDICT_PER_RUN_PX = 40; // ... more for each run it speaks of
const MAIN_RUN_PX = 160; // a run on the page's thread: its row, lane and figures
const WORKER_RUN_PX = 300; // a run on 2 workers
const LANE_PX = 20; // each worker beyond 2
const COMPACT = 0.75; // of a run's height, with compact=1
const REPLAY_PX = 450; // replay=1: its bar and the code that ran ...
const REPLAY_PER_RUN_PX = 70; // ... and each run's words at the cursor
const EDITOR_PX = 570; // editor=1
const LESSON_PX = 1_050; // lesson=k: the question, its runs and the answer (steps 1 and 3: 1,028-1,034 px)
const WIDTH_PX = 720; // the width the figures above were measured at
const MAX_WORKERS = 16; // the engine's maxThreads

/** Taller when narrower (lines wrap), a little shorter when wider: measured at 400, 720 and 1,100 px. */
function widthFactor(width) {
  if (width < WIDTH_PX) return 1 + (WIDTH_PX - Math.max(width, 280)) * 0.0008;
  return Math.max(0.85, 1 - (width - WIDTH_PX) * 0.00026);
}

/**
 * The frame's height in px once its runs have ended: `strategies`, what each run runs; `cores`,
 * the reader's (a run on workers gets a lane for each, 2 to 16); `width` of the frame in px.
 */
export function frameHeight({ strategies = [], replay = false, compact = false, editor = false, lesson = false, width = WIDTH_PX, cores = 4 } = {}) {
  if (lesson) return Math.round(LESSON_PX * widthFactor(width));
  const workers = Math.min(MAX_WORKERS, Math.max(2, Number.isInteger(cores) ? cores : 2));
  const rows = strategies.reduce((px, s) => px + (ON_WORKERS.includes(s) ? WORKER_RUN_PX + (workers - 2) * LANE_PX : MAIN_RUN_PX), 0);
  const px = TOP_PX + VERDICT_PX + VERDICT_PER_RUN_PX * strategies.length + rows * (compact ? COMPACT : 1)
    + (replay ? REPLAY_PX + REPLAY_PER_RUN_PX * strategies.length : 0) + (editor ? EDITOR_PX : 0);
  return Math.round(px * widthFactor(width));
}
