// Under each run, at the replay's cursor, in words: what each lane is doing (a button per lane:
// pressing it makes the code panel follow that lane) and where the run's tasks are. Only the
// words that changed are written again as the cursor moves.

import { laneStateWords, taskCountWords } from '../shared/replay-words.js';
import { cycleWords } from '../shared/races.js';
import { tasksAt } from '../shared/replay-model.js';
import { ms } from './replay-controls.js';

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

export class NowWords {
  #root;
  #head;
  #tasks;
  #buttons = new Map(); // lane id -> its button
  #words = new Map(); // lane id -> the words it shows
  /** lane id -> the task its main span is of, at the cursor (pointing at a lane outlines it). */
  hoverTasks = new Map();

  /**
   * `root`: the run's region (views/results.js made it); `label`: the run's; `lanes`: its lanes
   * (`[{ id, name }]`). `onSelect(laneId)`: a lane was pressed; `onHover(task)`: the pointer is
   * over a lane's words (null: left it).
   */
  constructor(root, { label, lanes, onSelect, onHover }) {
    this.#root = root;
    root.classList.add('now');
    root.setAttribute('aria-label', `At the cursor (now): ${label}`);
    this.#head = el('p', { className: 'now-head' });
    const list = el('ul', { className: 'now-lanes' });
    this.#tasks = el('p', { className: 'now-tasks' });
    for (const lane of lanes) {
      const button = el('button', { type: 'button', className: 'now-lane' });
      button.dataset.lane = String(lane.id);
      button.setAttribute('aria-pressed', 'false');
      button.title = 'Show the code this lane runs';
      button.addEventListener('click', () => onSelect(lane.id));
      button.addEventListener('pointerenter', () => onHover(this.hoverTasks.get(lane.id) ?? null));
      button.addEventListener('pointerleave', () => onHover(null));
      list.append(el('li', {}, button));
      this.#buttons.set(lane.id, button);
    }
    root.replaceChildren(this.#head, list, this.#tasks);
  }

  show(visible) {
    this.#root.hidden = !visible;
  }

  /**
   * The words at `cursor` (ms): `run` (replay-model's indexRun), `states` (its lanesAt there),
   * `words` (the run's wordsContext), the lane the code follows (`selected`); `force`: write
   * every word again.
   */
  render({ run, states, cursor, words: context, selected, force = false }) {
    const set = (node, text) => { if (force || node.textContent !== text) node.textContent = text; };
    // Past the instant a deadlock formed, the engine's cycle: the one wait that closed it is too
    // short to land the cursor on, and from then on no task of the cycle could go on.
    const deadlock = run.result.deadlock;
    const stuck = deadlock && cursor >= deadlock.atMs ? ` A deadlock formed at ${ms(deadlock.atMs)}: ${cycleWords(run.result)}.` : '';
    set(this.#head, `At ${ms(cursor)}${cursor > run.endMs ? ' (this run had ended)' : ''}:${stuck}`);
    this.hoverTasks = new Map();
    for (const state of states) {
      const button = this.#buttons.get(state.lane.id);
      if (!button) continue;
      const words = laneStateWords(state, context);
      if (force || this.#words.get(state.lane.id) !== words) {
        this.#words.set(state.lane.id, words);
        button.textContent = words;
        button.dataset.state = state.state;
      }
      if (state.span) this.hoverTasks.set(state.lane.id, state.span.task);
      const pressed = String(state.lane.id === selected);
      if (button.getAttribute('aria-pressed') !== pressed) button.setAttribute('aria-pressed', pressed);
    }
    set(this.#tasks, taskCountWords(tasksAt(run, cursor, states)));
  }
}
