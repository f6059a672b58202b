// One step of the lesson in a frame (embed.html?lesson=k), for a tutorial to place beside its
// own paragraph: the question, Run, and the measured answer beside the reader's prediction,
// which the host is told (a `prediction` message, embed/protocol.js). The step's runs go
// through the frame's batch runner, so its timelines are the frame's.

import { Progress, STEPS, stepBatch, stepUrl } from '../shared/lesson.js';
import { LessonView } from '../views/lesson.js';

export class FrameLesson {
  #view;
  #index;
  #caps;
  #runBatch;
  #post;
  #progress = new Progress(null); // a frame keeps no progress: the host page has its own
  #busy = false;
  /** For automation and tests: the step and its last answer. */
  state = { index: 0, answer: null, predicted: null };

  /** `runBatch(runs, options)`: the frame's; `post(type, fields)`: to the host. */
  constructor(root, { index, caps, runBatch, post }) {
    this.#index = index;
    this.#caps = caps;
    this.#runBatch = runBatch;
    this.#post = post;
    this.state.index = index;
    root.hidden = false;
    this.#view = new LessonView(root, { single: true, onRun: (i, predicted) => this.run(null, predicted), onGo: () => {} });
    this.#show();
  }

  #show(chosen = null) {
    const base = new URL('index.html', location.href).href;
    const open = stepUrl(STEPS[this.#index], this.#caps, base);
    if (chosen) this.#view.show(this.#index, this.#caps, this.#progress, open, chosen);
    else this.#view.show(this.#index, this.#caps, this.#progress, open);
  }

  /** The engine is ready (`caps`, as they become known): Run works, the question's numbers follow them until a run. */
  ready(caps) {
    this.#caps = caps;
    // Worded again for the measured cores, keeping the reader's choice (not while it runs).
    if (!this.state.answer && !this.#busy) this.#show(this.#view.predicted);
    this.#view.setCanRun(true);
  }

  setBusy(busy) {
    this.#busy = busy;
    this.#view.setRunning(busy);
  }

  /** Runs the step (the reader's Run, or the host's `run` with `id`), with the reader's choice if any. */
  async run(id, predicted = this.#view.predicted) {
    const step = STEPS[this.#index];
    this.state.predicted = predicted;
    this.#view.showAnswer('');
    const { runs, options } = stepBatch(step, this.#caps, predicted);
    const batch = await this.#runBatch(id, runs, options);
    if (!batch?.verdict) return batch;
    const { answer, text } = batch.verdict;
    this.state.answer = answer;
    this.#view.showAnswer(text);
    this.#post('prediction', { id, step: this.#index + 1, stepId: step.id, predicted: predicted ?? null, correct: answer.correct,
      textbook: answer.textbook, held: answer.held, measured: answer.measured, text });
    return batch;
  }
}
