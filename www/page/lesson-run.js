// The lesson on the full page (?lesson=k): the step in the link, Back and Next in the address
// (the browser's Back works too), the reader's predictions kept in localStorage, and each step's
// runs through the page's own batch runner, so its timelines and charts are the page's.

import { STEPS, Progress, stepBatch, stepUrl } from '../shared/lesson.js';
import { LessonView } from '../views/lesson.js';

/** localStorage, or null where reading it throws (storage blocked). */
function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export class PageLesson {
  #view;
  #progress = new Progress(storage());
  #index;
  #caps;
  #runBatch;
  #answered = false; // the step on screen has its answer (its question's numbers stay as they were)
  #busy = false;
  /** For automation and tests: the step on screen and its last answer. */
  state = { index: 0, answer: null, predicted: null };

  /**
   * `root`: where the step goes; `index`: the step (from 0); `caps`: capabilities to word the
   * question with until the engine's are known; `runBatch(label, runs, options)`: the page's.
   */
  constructor(root, { index, caps, runBatch }) {
    this.#index = index;
    this.#caps = caps;
    this.#runBatch = runBatch;
    root.hidden = false;
    this.#view = new LessonView(root, { onRun: (i, predicted) => this.#run(i, predicted), onGo: (i) => this.go(i) });
    window.addEventListener('popstate', () => {
      const k = Number(new URLSearchParams(location.search).get('lesson'));
      if (Number.isInteger(k) && k >= 1 && k <= STEPS.length) this.#show(k - 1);
    });
    this.#show(index);
  }

  /** The engine is ready (`caps` its capabilities): Run works, and the question uses its numbers. */
  ready(caps) {
    this.#caps = caps;
    // Worded again for the measured cores, keeping the reader's choice (not while it runs: its
    // answer is worded for the question it asked).
    if (!this.#answered && !this.#busy) this.#show(this.#index, this.#view.predicted);
    this.#view.setCanRun(true);
  }

  /** Whether the page can start a run (nothing else runs). */
  setBusy(busy) {
    this.#busy = busy;
    this.#view.setRunning(busy);
  }

  /** Goes to step `index` (from 0), in the address too. */
  go(index) {
    if (index < 0 || index >= STEPS.length || index === this.#index) return;
    const url = new URL(location.href);
    url.searchParams.set('lesson', String(index + 1));
    history.pushState(null, '', url);
    this.#show(index);
  }

  #show(index, chosen) {
    this.#index = index;
    this.#answered = false;
    Object.assign(this.state, { index, answer: null, predicted: null });
    const step = STEPS[index];
    const open = stepUrl(step, this.#caps, new URL(location.pathname, location.origin).href);
    if (chosen) this.#view.show(index, this.#caps, this.#progress, open, chosen);
    else this.#view.show(index, this.#caps, this.#progress, open);
    document.title = `Step ${index + 1}: ${step.title} · Concurrency vs parallelism, measured`;
  }

  async #run(index, predicted) {
    const step = STEPS[index];
    this.state.predicted = predicted;
    this.#view.showAnswer('');
    const { runs, options } = stepBatch(step, this.#caps, predicted);
    const batch = await this.#runBatch(step.title, runs, options);
    if (this.#index !== index) return;
    if (!batch?.verdict) {
      this.#view.showAnswer(batch ? 'The runs did not all finish: no answer this time. Run it again.' : '');
      return;
    }
    const { answer, text } = batch.verdict;
    this.#answered = true;
    this.state.answer = answer;
    this.#view.showAnswer(text);
    this.#progress.record(step.id, { predicted, correct: answer.correct, held: answer.held });
    this.#view.refresh(this.#progress);
  }
}
