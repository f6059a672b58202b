// The page's own elements, looked up once, and the words that go in them: the status line, the
// presets and their claims, the summary under the verdict, the note next to the secondary
// actions, the problems of a link, and which buttons work while something runs.

import { PRESETS } from '../shared/presets.js';
import { resetCancel } from '../shared/session.js';
import { createSpinner } from '../views/spinner.js';

const IDS = {
  status: 'status', problems: 'problems', capabilities: 'capabilities', presets: 'presets', presetClaim: 'preset-claim',
  presetRun: 'preset-run', editor: 'editor', run: 'run', compare: 'compare', scaling: 'scaling-run', cancel: 'cancel',
  copyLink: 'copy-link', copyEmbed: 'copy-embed', exportTrace: 'export-trace', verdict: 'verdict', freeze: 'freeze',
  tryInput: 'try-input', summary: 'summary', results: 'results', scalingFigure: 'scaling', scalingText: 'scaling-text',
  output: 'output', stale: 'stale', actionNote: 'action-note', workbench: 'workbench', spinner: 'spinner', embedPanel: 'embed-panel',
};

export class Controls {
  el = Object.fromEntries(Object.entries(IDS).map(([key, id]) => [key, document.getElementById(id)]));
  #spinner = createSpinner(this.el.spinner);

  status(text) {
    this.el.status.textContent = text;
  }

  /** The line under the verdict: what is running, or what the batch measured. */
  say(text) {
    this.el.summary.textContent = text;
  }

  /** What a secondary action (copy, download) did, next to its buttons, where the reader looks. */
  note(text) {
    this.el.actionNote.textContent = text;
  }

  showProblems(messages) {
    this.el.problems.hidden = messages.length === 0;
    this.el.problems.replaceChildren(...messages.map((m) => Object.assign(document.createElement('p'), { textContent: m })));
  }

  /**
   * The presets, before the engine has loaded (they are the page's own words): the first paint
   * is the page's layout, and nothing moves in above it once the engine is ready. `pick(id)`:
   * what pressing one does.
   */
  drawPresets(pick) {
    for (const preset of PRESETS) {
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: preset.title, className: 'preset' });
      button.dataset.preset = preset.id;
      button.addEventListener('click', () => pick(preset.id));
      this.el.presets.append(button);
    }
    this.el.presetRun.disabled = true; // until the engine is ready
  }

  /** A preset's words on the page (null: a workload from a link): which is pressed, its claim, its Run button, its warnings. */
  showPreset(preset) {
    const { el } = this;
    el.presets.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.preset === preset?.id)));
    el.freeze.hidden = !preset?.freezes;
    el.freeze.textContent = preset?.freezes ?? '';
    el.tryInput.hidden = !preset?.tryInput;
    el.tryInput.querySelector('span').textContent = preset?.tryInput ?? '';
    el.presetRun.hidden = !preset;
    if (!preset) {
      el.presetClaim.textContent = 'A workload from a link. Pick a preset to see one claim at a time, or run this one.';
      return;
    }
    el.presetClaim.replaceChildren(
      Object.assign(document.createElement('strong'), { textContent: preset.title }),
      document.createTextNode(` ${preset.claim}`),
    );
    el.presetRun.textContent = `Run this demo (${preset.runs.map((r) => r.label).join(' · ')})`;
  }

  /** The editor, the actions and the results, once the engine is ready (below what the reader sees). */
  reveal() {
    this.el.workbench.hidden = false;
    this.el.output.hidden = false;
  }

  /** Whether the run buttons work; `invalid`: because the workload has marked fields. */
  enableRuns(enabled, invalid) {
    for (const b of [this.el.run, this.el.compare, this.el.scaling, this.el.presetRun]) b.disabled = !enabled;
    this.el.run.title = invalid ? 'Fix the marked fields first' : '';
  }

  /** The results on screen were measured on the tasks before the reader's edit. */
  markStale() {
    this.el.output.dataset.stale = 'true';
    this.el.stale.hidden = false;
  }

  /** Nothing of an earlier batch on screen. */
  clearResults() {
    const { el } = this;
    el.verdict.textContent = '';
    el.scalingFigure.hidden = true;
    el.scalingText.textContent = '';
    delete el.output.dataset.stale;
    el.stale.hidden = true;
    this.say('');
  }

  /**
   * On a narrow screen the results are below the controls: bring the line that says what is
   * running into view, or Run would seem to do nothing.
   */
  showOutput() {
    const top = this.el.summary.getBoundingClientRect().top;
    if (top > window.innerHeight - 40 || top < 0) this.el.output.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  /** While something runs: the spinner turns, Cancel works, nothing else starts. */
  setBusy(busy) {
    const { el } = this;
    document.body.classList.toggle('busy', busy);
    if (busy) this.#spinner.spin(); else this.#spinner.rest();
    resetCancel(el.cancel, busy);
    for (const b of [el.run, el.compare, el.scaling, el.presetRun]) b.disabled = busy;
    el.presets.querySelectorAll('button').forEach((b) => { b.disabled = busy; });
  }
}
