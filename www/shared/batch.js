// Batches of runs, for the page and the embed alike: each run predicted, drawn live in its own
// row on one shared time scale, compared with the last sequential run of the same tasks, and
// the batch's verdict computed once every run has ended (completed, or deadlocked: the engine
// stopped it and freed its threads). One batch at a time; cancel stops the run in progress and
// the batch with it.
//
//   const batches = createBatchRunner(pg, results, { bars: true });
//   const batch = await batches.run([{ label, workload }, ...], { rounds, verdict, onRunStart, onProgress, onRunEnd });
//   batch = { runs: [{ label, workload, result, smoothness, baseline, row, rounds }], complete, verdict }
//   batches.cancel();

import { FrameMonitor, InputMonitor } from './smoothness.js';
import { tasksKey } from './metrics.js';

/** Steps per group of a workload, for a cancelled run's timeline (which tasks finished). */
const stepsOf = (workload) => workload.groups.map((g) => g.steps ?? 1);

/**
 * The round whose wall time is the median of a run's rounds (the faster of the two middle ones
 * when there is an even number): what its row shows, a real run rather than an average of runs.
 */
export function medianRound(rounds) {
  const sorted = [...rounds].sort((a, b) => a.result.wallMs - b.result.wallMs);
  return sorted[(sorted.length - 1) >> 1];
}

/** A batch cancelled before its first run (while the pool started, or its view loaded). */
const nothingRan = () => ({ runs: [], complete: false, verdict: null });

/** Room right of the longest predicted run while a batch goes (its runs take longer than ideal). */
const PREDICTED_HEADROOM = 1.15;

/**
 * `pg`: the engine; `results`: the view the rows go in (views/results.js), or a promise of it (a
 * batch asked for before it has loaded starts once it has; a cancel meanwhile ends it with no
 * run); `bars`: end a batch of several runs with a bar chart of their wall times.
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
   * Runs `runs` (`[{ label, workload }]`) one after another, `rounds` times over (interleaved:
   * every run once, then every run again, so a change in the machine's load touches them alike).
   * Each run keeps one row, live in every round; once all rounds are done the row shows the
   * round whose wall time is the median, with the spread of all of them. Hooks, all optional:
   * `onRunStart(run, index, round)`, `onProgress(progress, run, index)` (as pg.run's, once a
   * frame), `onRunEnd(done, index, round)`; `verdict(done)` gives the batch's verdict once every
   * run has completed every round (null: none). Throws what pg.run throws (an invalid workload).
   * Returns `{ runs: [{ label, workload, result, smoothness, baseline, row, rounds: [{ result,
   * smoothness, baseline }] }], complete, verdict }`: `result` and the others are the median round's.
   * `onRunStart(run, index, round, setup, count)` gets the engine's setup of the run (its
   * lanes...) and how many runs the batch has. `runs` may be a function of the capabilities
   * once the pool is ready (`(caps) => runs`): a batch asked for while the pool starts is made
   * then, with the cores as measured (a browser may report more than it has); a cancel meanwhile
   * ends it with no run.
   */
  function run(runs, { rounds = 1, chart = 'wall', verdict = null, onRunStart, onProgress, onRunEnd } = {}) {
    return exclusive(async (signal) => {
      if (typeof runs === 'function') {
        const caps = await pg.whenPoolReady;
        if (signal.aborted) return nothingRan();
        runs = runs(caps);
      }
      const view = await results; // (the embed's loads after ready)
      if (signal.aborted) return nothingRan();
      view.clear();
      let shared = 0; // ms: one live axis for the batch's rows, as long as the longest run's ideal time so far
      const done = runs.map(({ label, workload }) => ({ label, workload, row: null, rounds: [] }));
      const inputs = new InputMonitor();
      let stopped = false;
      for (let round = 0; round < rounds && !stopped; round++) {
        for (const [index, { label, workload }] of runs.entries()) {
          if (signal.aborted) { stopped = true; break; }
          const entry = done[index];
          let groupNames = [];
          // The row is drawn from the engine's one reading of the workload, as the run starts.
          const start = (setup) => {
            groupNames = setup.groupNames;
            if (entry.row) entry.row.restart(setup.lanes, setup.predictedMs, { round, rounds });
            else entry.row = view.addRun(label, setup.lanes, setup.predictedMs, { rounds });
            if (runs.length > 1) view.shareScale((shared = Math.max(shared, setup.predictedMs * PREDICTED_HEADROOM)));
            onRunStart?.(runs[index], index, round, setup, runs.length);
          };
          const monitor = new FrameMonitor();
          monitor.start();
          const result = await pg.run(workload, {
            signal,
            onStart: start,
            onProgress: (progress) => {
              entry.row.progress(progress, groupNames);
              onProgress?.(progress, runs[index], index);
            },
          });
          const smoothness = monitor.stop();
          const key = tasksKey(workload);
          if (result.strategy === 'sequential' && result.status === 'completed') baselines.set(key, result);
          const baseline = baselines.get(key) ?? null;
          entry.rounds.push({ result, smoothness, baseline });
          entry.row.finish(result, smoothness, baseline, { steps: stepsOf(workload), rounds: [entry.rounds.at(-1)] });
          Object.assign(entry, { result, smoothness, baseline });
          onRunEnd?.(entry, index, round);
          // A cancel stops the batch; a deadlock ends only its run (the engine freed its threads).
          if (result.status === 'cancelled') { stopped = true; break; }
        }
      }
      const ran = done.filter((d) => d.rounds.length > 0);
      await inputs.stop(ran.flatMap((d) => d.rounds));
      // Each row shows its median round, with the spread of all its rounds.
      for (const d of ran) {
        Object.assign(d, medianRound(d.rounds));
        d.row.finish(d.result, d.smoothness, d.baseline, { steps: stepsOf(d.workload), rounds: d.rounds });
      }
      if (ran.length > 1) {
        view.shareScale(Math.max(...ran.map((d) => d.result.wallMs)));
        if (bars) view.showCharts(chart);
      }
      const complete = !stopped && ran.length === runs.length && ran.every((d) => d.rounds.length === rounds
        && d.rounds.every((r) => r.result.status !== 'cancelled'));
      return { runs: ran, complete, verdict: complete && verdict ? verdict(ran) : null };
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
