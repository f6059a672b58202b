// One process: a dedicated worker with its own instance of the wasm module and its own memory
// (processes.js starts it). It runs one task at a time, start to finish, and posts each piece
// as it begins and ends, on the clock every thread shares:
//   page -> process: { type: 'start', module (the page's compiled WebAssembly.Module, if it
//                    could send it) } once; then per task { type: 'run', job (JSON), input
//                    (ArrayBuffer or undefined), readyAt }, and maybe { type: 'cancel' }
//   process -> page: { type: 'ready', readyAt } once; then per task
//                    { type: 'began', numbers: [kind code, step, start] },
//                    { type: 'spans', numbers: packed spans }, ..., once its work is done
//                    { type: 'counter', numbers: [increments made, its own copy of the
//                    counter] }, and at the end
//                    { type: 'done' }, { type: 'cancelled' } or { type: 'failed', message }
//                    (after 'failed' the pool terminates the process: a fresh one takes the next task)
//
// It works in chunks (chunkMs()) and returns to its event loop between them, so a cancel
// reaches it within a chunk: a worker computing without a break reads no messages, and a
// terminated one can go on computing for seconds (docs/toolchain.md, "Processes").

import init, { ProcessTask, sharedNow, warmUp } from '../pkg/playground.js';

/** The kernel runs this long first, so its optimized code is in place before the first task. */
const WARM_UP_MS = 5;
/**
 * Work between two looks at the mailbox: a process frees up at most about this long after a
 * cancel (the run itself ends at once). A look (a turn of the worker's event loop) costs under
 * 0.1 ms in Chromium and Firefox, and 3-5 ms in WebKitGTK (median; p90 11-18 ms, measured in a
 * worker, isolated or not): there 50 ms chunks cost a tenth of the speed (6 x 200 ms on 2
 * processes: tasks of 220-230 ms against 207 ms on the page's thread). So a chunk lasts long
 * enough for its looks to take about LOOK_SHARE of the time, as recently measured, within
 * MIN_CHUNK_MS and MAX_CHUNK_MS.
 */
const MIN_CHUNK_MS = 50;
const MAX_CHUNK_MS = 200;
const LOOK_SHARE = 0.03;
/** Looks timed as the process starts, before the first task's chunks are sized by them. */
const FIRST_LOOKS = 4;
/** The newest look's weight in the moving average. */
const LOOK_WEIGHT = 0.25;

let lookMs = 0; // what a look costs here: the mean of the first ones, then a moving average

const chunkMs = () => Math.min(MAX_CHUNK_MS, Math.max(MIN_CHUNK_MS, lookMs / LOOK_SHARE));

/** A look at the mailbox (a cancel comes in by it): how long it took, in ms. */
async function look() {
  const since = performance.now();
  await nextTask();
  return performance.now() - since;
}

let started = null;
let cancelled = false;

self.onmessage = async ({ data }) => {
  if (data?.type === 'start') {
    started = start(data.module);
  } else if (data?.type === 'cancel') {
    cancelled = true;
  } else if (data?.type === 'run') {
    cancelled = false;
    self.postMessage(await run(data));
  }
};

/** Runs one task; returns the message that ends it. */
async function run({ job, input, readyAt }) {
  let task = null;
  try {
    await started;
    // Copying the input into this process's own memory ends its transfer.
    task = new ProcessTask(job, input ? new Uint8Array(input) : undefined, readyAt);
    const transfer = task.transfer();
    if (transfer) self.postMessage({ type: 'spans', numbers: transfer });
    for (let piece = task.nextPiece(); piece; piece = task.nextPiece()) {
      self.postMessage({ type: 'began', numbers: new Float64Array([piece[0], piece[1], sharedNow()]) });
      let span = task.work(chunkMs());
      while (!span) {
        lookMs += LOOK_WEIGHT * ((await look()) - lookMs);
        if (cancelled) return { type: 'cancelled' };
        span = task.work(chunkMs());
      }
      self.postMessage({ type: 'spans', numbers: span });
    }
    // The last instants (the last write of the counter, the locks' release), then the counts.
    const last = task.finish();
    if (last.length) self.postMessage({ type: 'spans', numbers: last });
    self.postMessage({ type: 'counter', numbers: new Float64Array(task.counts()) });
    return { type: 'done' };
  } catch (error) {
    // A panic in the module arrives as a PanicError (the build unwinds): the pool ends this
    // process, and the next task gets a fresh one.
    const message = error?.message ?? String(error);
    return { type: 'failed', message: error?.name === 'PanicError' ? `it panicked: ${message}` : message };
  } finally {
    task?.free();
  }
}

/** Resolves after the worker's event loop has had a turn (messages included). */
function nextTask() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Instantiates the module with a memory of this process's own, and says when it is ready. */
async function start(module) {
  try {
    // The page's compiled module when it sent one (instantiating it takes a few ms); else
    // fetch and compile the module here.
    await init(module ? { module_or_path: module } : undefined);
    warmUp(WARM_UP_MS);
    let looked = 0;
    for (let i = 0; i < FIRST_LOOKS; i++) looked += await look();
    lookMs = looked / FIRST_LOOKS;
    self.postMessage({ type: 'ready', readyAt: sharedNow() });
  } catch (error) {
    self.postMessage({ type: 'failed', message: `the module did not load: ${error?.message ?? error}` });
  }
}
