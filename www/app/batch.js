// Batches of runs, for the page and the embed alike: each run predicted, drawn live in its own
// row on one shared time scale, compared with the last sequential run of the same tasks, and
// the batch's verdict computed once every run has completed. One batch at a time; cancel
// stops the run in progress and the batch with it.
//
//   const batches = createBatchRunner(pg, results, { bars: true });
//   const batch = await batches.run([{ label, workload }, ...], { verdict, onRunStart, onProgress, onRunEnd });
//   batch = { runs: [{ label, workload, result, smoothness, baseline, row }], complete, verdict }
//   batches.cancel();

import { FrameMonitor, InputMonitor } from './smoothness.js';
import { tasksKey } from './metrics.js';

/**
 * Whether a cancel can reach a run of `workload`, and the words for the Cancel button: a run
 * that computes on the page's thread without ever yielding or waiting leaves nothing on the
 * page able to run, a cancel included, until it ends. `{ can, label, title }`.
 */
export function cancelFor(pg, workload) {
  const onPageThread = pg.lanes(workload).length === 1;
  const groups = workload.groups ?? [];
  const never = onPageThread && !(workload.yieldMs > 0) && groups.some((g) => g.cpuMs > 0) && groups.every((g) => !(g.ioMs > 0));
  return never
    ? { can: false, label: 'Can’t cancel: it never yields', title: 'This run computes on the page’s thread without yielding or waiting: nothing on the page can run, a cancel included, until it ends.' }
    : { can: true, label: 'Cancel', title: '' };
}

/** Room right of the longest predicted run while a batch goes (its runs take longer than ideal). */
const PREDICTED_HEADROOM = 1.15;

/**
 * `pg`: the engine; `results`: the view the rows go in (views/results.js); `bars`: end a batch
 * of several runs with a bar chart of their wall times.
 */
export function createBatchRunner(pg, results, { bars = false } = {}) {
  const baselines = new Map(); // tasksKey -> last completed sequential result of those tasks
  let controller = null; // of the batch (or exclusive task) in progress

  /** Runs `task(signal)` as the one thing in progress; its signal aborts on cancel(). */
  async function exclusive(task) {
    if (controller) throw new Error('a run is already in progress: cancel it or wait for it');
    controller = new AbortController();
    try {
      return await task(controller.signal);
    } finally {
      controller = null;
    }
  }

  /**
   * Runs `runs` (`[{ label, workload }]`) one after another. Hooks, all optional:
   * `onRunStart(run, index)`, `onProgress(progress, run, index)` (as pg.run's, once a frame),
   * `onRunEnd(done, index)`; `verdict(done)` gives the batch's sentence once every run has
   * completed (null: none). Throws what pg.run throws (an invalid workload).
   */
  function run(runs, { verdict = null, onRunStart, onProgress, onRunEnd } = {}) {
    return exclusive(async (signal) => {
      results.clear();
      const predicted = runs.map((r) => pg.predict(r.workload)[r.workload.strategy]);
      const shared = runs.length > 1 ? Math.max(...predicted) * PREDICTED_HEADROOM : null;
      const done = [];
      const inputs = new InputMonitor();
      for (const [index, { label, workload }] of runs.entries()) {
        if (signal.aborted) break;
        const row = results.addRun(label, pg.lanes(workload), predicted[index]);
        if (shared) results.shareScale(shared);
        onRunStart?.(runs[index], index);
        const groupNames = workload.groups.map((g) => g.name);
        const monitor = new FrameMonitor();
        monitor.start();
        const result = await pg.run(workload, {
          signal,
          onProgress: (progress) => {
            row.progress(progress, groupNames);
            onProgress?.(progress, runs[index], index);
          },
        });
        const smoothness = monitor.stop();
        const key = tasksKey(workload);
        if (result.strategy === 'sequential' && result.status === 'completed') baselines.set(key, result);
        const baseline = baselines.get(key) ?? null;
        row.finish(result, smoothness, baseline, { steps: workload.groups.map((g) => g.steps ?? 1) });
        done.push({ label, workload, result, smoothness, baseline, row });
        onRunEnd?.(done.at(-1), index);
        if (result.status === 'cancelled') break;
      }
      await inputs.stop(done);
      for (const d of done) if (d.smoothness.inputs) d.row.finish(d.result, d.smoothness, d.baseline);
      if (done.length > 1) {
        results.shareScale(Math.max(...done.map((d) => d.result.wallMs)));
        if (bars) results.showBars();
      }
      const complete = done.length === runs.length && done.every((d) => d.result.status === 'completed');
      return { runs: done, complete, verdict: complete && verdict ? verdict(done) : null };
    });
  }

  return {
    run,
    exclusive,
    cancel: () => controller?.abort(),
    get busy() {
      return controller !== null;
    },
  };
}
