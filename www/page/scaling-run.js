// The page's Scaling sweep: the workload on 1..N workers, threads and processes (where threads
// are off, parallel would run as processes anyway), each point drawn as it is measured, in
// place of what was shown: a sweep is its own claim.

import { drawScaling, measureScaling } from '../views/scaling.js';

/** Runs the sweep (`batches`: the page's one batch at a time) and says what it showed. */
export async function runScaling(ui, { pg, batches, workload, page }) {
  const { el } = ui;
  const now = pg.capabilities;
  const draw = (series, caps) => drawScaling(el.scalingFigure, series, caps.cores, { maxThreads: now.maxThreads, measured: caps.coresMeasured !== null });
  try {
    const strategies = now.threads ? ['parallel', 'processes'] : ['processes'];
    el.scalingFigure.hidden = false;
    const series = await batches.exclusive((signal) => measureScaling(pg, workload, now.maxThreads, {
      signal,
      strategies,
      onStep: (strategy, n, max) => ui.say(`Scaling: ${strategy} on ${n} of ${max} workers…`),
      onPoint: (sofar) => draw(sofar, now),
    }));
    if (!series) {
      ui.say('Scaling cancelled.');
      return;
    }
    const sentence = draw(series, pg.capabilities); // the cores as the sweep itself showed them
    el.scalingText.textContent = sentence;
    page.scaling = series[strategies[0]];
    page.scalingSeries = series;
    ui.say(sentence);
  } catch (error) {
    ui.say(`Scaling failed: ${error.message}`);
  }
}
