// The lesson's view: one step at a time (its claim, its question as a radio group, Run once a
// choice is made, the measured answer beside the prediction in a live region), with Back and
// Next and the list of steps marked done. It draws and reports; the page or the embed runs
// (see page/lesson-run.js, embed/lesson-frame.js). The words come from shared/lesson.js.

import { STEPS, UNKNOWN, stepQuestion, stepWarning } from '../shared/lesson.js';

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

let uid = 0;

export class LessonView {
  #root;
  #el = {};
  #onRun;
  #onGo;
  #index = 0;
  #canRun = false;
  #running = false;

  /**
   * `onRun(index, predicted)`: the reader pressed Run; `onGo(index)`: Back, Next or a step of the
   * list (not in `single` mode: one step, for an embed, without them).
   */
  constructor(root, { onRun, onGo, single = false }) {
    this.#root = root;
    this.#onRun = onRun;
    this.#onGo = onGo;
    const e = this.#el;
    const id = `lesson-${++uid}`;
    e.heading = el('h2', { id: `${id}-title`, className: 'lesson-title' });
    e.topic = el('p', { className: 'lesson-topic' });
    e.text = el('div', { className: 'lesson-text' });
    e.legend = el('legend');
    e.choices = el('fieldset', { className: 'lesson-choices' }, e.legend);
    e.freeze = el('p', { className: 'freeze-warning', hidden: true });
    e.run = el('button', { type: 'button', className: 'primary', disabled: true, textContent: 'Run it' });
    e.hint = el('p', { className: 'lesson-hint', textContent: 'Choose an answer first (or “I don’t know”), then run it.' });
    e.answer = el('p', { className: 'lesson-answer' });
    e.answer.setAttribute('role', 'status');
    e.answer.setAttribute('aria-live', 'polite');
    e.open = el('a', { className: 'lesson-open', textContent: 'Open this in the playground' });
    e.back = el('button', { type: 'button', textContent: '← Back' });
    e.next = el('button', { type: 'button', textContent: 'Next →' });
    e.list = el('ol', { className: 'lesson-steps' });
    e.progress = el('p', { className: 'lesson-progress' });
    const section = el('section', { className: 'lesson' });
    section.setAttribute('aria-labelledby', e.heading.id);
    const nav = el('nav', { className: 'lesson-nav' }, e.back, e.next);
    nav.setAttribute('aria-label', 'Lesson steps');
    const all = el('details', { className: 'lesson-all' }, el('summary', {}, e.progress), e.list);
    section.append(e.topic, e.heading, e.text, e.choices, e.freeze, el('div', { className: 'lesson-actions' }, e.run, e.open), e.hint, e.answer,
      ...(single ? [] : [nav, all]));
    root.replaceChildren(section);
    e.run.addEventListener('click', () => this.#onRun(this.#index, this.predicted));
    e.back.addEventListener('click', () => this.#onGo(this.#index - 1));
    e.next.addEventListener('click', () => this.#onGo(this.#index + 1));
  }

  /** The choice made, or null. */
  get predicted() {
    return this.#el.choices.querySelector('input:checked')?.value ?? null;
  }

  /**
   * Shows step `index` with its question on `caps` (the question's numbers are this machine's);
   * `progress` (shared/lesson.js Progress) marks the steps done and restores this one's choice,
   * unless `chosen` (a choice's id) says which is checked.
   */
  show(index, caps, progress, openUrl = null, chosen = progress.of(STEPS[index].id)?.predicted) {
    this.#index = index;
    const step = STEPS[index];
    const e = this.#el;
    e.topic.textContent = step.topic;
    e.heading.textContent = `Step ${index + 1} of ${STEPS.length}: ${step.title}`;
    e.text.replaceChildren(...step.text.map((sentence) => el('p', { textContent: sentence })));
    this.#showQuestion(step, caps, chosen);
    e.freeze.textContent = stepWarning(step) ?? '';
    e.freeze.hidden = !stepWarning(step);
    e.answer.textContent = '';
    e.open.hidden = !openUrl;
    if (openUrl) e.open.href = openUrl;
    e.back.disabled = index === 0;
    e.next.textContent = index === STEPS.length - 1 ? 'Done' : 'Next →';
    e.next.disabled = index === STEPS.length - 1;
    this.#showList(progress);
    this.#update();
  }

  #showQuestion(step, caps, chosen) {
    const e = this.#el;
    const { text, choices } = stepQuestion(step, caps);
    e.legend.textContent = text;
    const name = `${this.#root.id || 'lesson'}-choice-${++uid}`;
    const inputs = choices.map((choice) => {
      const input = el('input', { type: 'radio', name, value: choice.id, checked: chosen === choice.id });
      input.addEventListener('change', () => this.#update());
      return el('label', { className: `lesson-choice${choice.id === UNKNOWN.id ? ' unknown' : ''}` }, input, el('span', { textContent: choice.text }));
    });
    e.choices.replaceChildren(e.legend, ...inputs);
  }

  #showList(progress) {
    const e = this.#el;
    e.progress.textContent = `Steps (${progress.doneCount} of ${STEPS.length} done)`;
    e.list.replaceChildren(...STEPS.map((step, i) => {
      const done = progress.of(step.id);
      const button = el('button', { type: 'button', className: 'link', textContent: `${i + 1}. ${step.title}` });
      if (i === this.#index) button.setAttribute('aria-current', 'step');
      button.addEventListener('click', () => this.#onGo(i));
      const mark = el('span', { className: 'lesson-done', textContent: done ? ' ✓ done' : '' });
      return el('li', {}, button, mark);
    }));
  }

  /** Whether Run can run (the engine is ready and nothing else runs). */
  setCanRun(can) {
    this.#canRun = can;
    this.#update();
  }

  /** While the step's runs go: the choices and the buttons wait. */
  setRunning(running) {
    this.#running = running;
    this.#root.querySelectorAll('.lesson-choices input, .lesson-nav button, .lesson-steps button').forEach((node) => {
      node.disabled = running || (node === this.#el.back && this.#index === 0) || (node === this.#el.next && this.#index === STEPS.length - 1);
    });
    this.#update();
  }

  #update() {
    const chosen = this.predicted !== null;
    this.#el.run.disabled = !(chosen && this.#canRun && !this.#running);
    this.#el.hint.hidden = chosen;
  }

  /** The measured answer beside the prediction (announced). */
  showAnswer(words) {
    this.#el.answer.textContent = words;
  }

  /** Marks the steps done after one more was (its list and count). */
  refresh(progress) {
    this.#showList(progress);
  }
}
