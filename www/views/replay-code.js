// The code that ran, beside the replay: the strategy's code in Rust (excerpted from src/), Python
// and JavaScript, one tab each, with the line the selected lane's task is on at the cursor
// marked. The listings and their lines are shared/code.js's; this draws them.

import { LANGUAGES, codeRole, lineFor, listing } from '../shared/code.js';
import { KIND_WORDS } from '../shared/kinds.js';

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

export class CodePanel {
  #root;
  #codeFor;
  #tabs;
  #panel;
  #note;
  #pre;
  #language = LANGUAGES[0].id;
  #shown = null; // { key, code, lines: [elements] }
  #current = null; // the line marked current
  #onLanguage;

  /** `root`: where it goes (null: nowhere); `id`: a prefix for its elements' ids; `onLanguage()`: a tab was picked. */
  constructor(root, { id, onLanguage }) {
    this.#root = root;
    this.#onLanguage = onLanguage;
    const title = el('h3', { id: `${id}-code-title`, textContent: 'The code that ran' });
    this.#codeFor = el('p', { className: 'code-for' });
    const tablist = el('div', { className: 'code-tabs' });
    tablist.setAttribute('role', 'tablist');
    tablist.setAttribute('aria-label', 'Language');
    this.#panel = el('div', { className: 'code-tabpanel', id: `${id}-code-panel` });
    this.#panel.setAttribute('role', 'tabpanel');
    this.#note = el('p', { className: 'code-note' });
    const hint = el('p', { className: 'code-hint', textContent: 'It follows one lane: pick another by its name on a timeline or its line under it.' });
    this.#pre = el('pre', { className: 'code-listing', tabIndex: 0 });
    this.#panel.append(this.#note, this.#pre);
    this.#tabs = LANGUAGES.map((lang, i) => this.#tab(lang, i, id));
    tablist.append(...this.#tabs);
    if (root) {
      root.classList.add('code-panel');
      root.setAttribute('aria-labelledby', title.id);
      root.replaceChildren(el('header', {}, title, this.#codeFor), hint, tablist, this.#panel);
      root.hidden = true;
    }
  }

  /** A language's tab: a click picks it; arrows, Home and End move between tabs. */
  #tab(lang, i, id) {
    const tab = el('button', { type: 'button', id: `${id}-tab-${lang.id}`, textContent: lang.label });
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', this.#panel.id);
    tab.addEventListener('click', () => this.#pick(lang.id));
    tab.addEventListener('keydown', (event) => {
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: LANGUAGES.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      const next = (to + LANGUAGES.length) % LANGUAGES.length;
      this.#pick(LANGUAGES[next].id);
      this.#tabs[next].focus();
    });
    return tab;
  }

  #pick(language) {
    this.#language = language;
    this.#onLanguage?.();
  }

  show(visible) {
    if (this.#root) this.#root.hidden = !visible;
  }

  /**
   * Shows `strategy`'s code in the language picked, and marks the line a lane (`lane`:
   * `{ name, role }`) in `state` (a span kind, or 'idle') is on. `label`: the run's; `shared`:
   * `{ sync, locks }` when its tasks update the shared counter or take named locks (code.js).
   */
  render({ strategy, shared = {}, label, lane, state }) {
    if (!this.#root) return;
    const key = `${strategy}:${this.#language}:${shared.sync ?? ''}:${Boolean(shared.locks)}`;
    if (this.#shown?.key !== key) this.#list(strategy, shared, key);
    const index = lineFor(this.#shown.code, codeRole(lane), state);
    const line = index === null ? null : this.#shown.lines[index];
    const doing = state === 'idle' ? 'idle' : KIND_WORDS[state] ?? state;
    const text = `${label} · ${lane?.name ?? 'lane'}: ${doing}${line ? '' : ' (no line of this code: nothing to do here)'}`;
    if (this.#codeFor.textContent !== text) this.#codeFor.textContent = text;
    if (line !== this.#current) this.#mark(line);
  }

  #list(strategy, shared, key) {
    this.#tabs.forEach((tab, i) => {
      const selected = LANGUAGES[i].id === this.#language;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    });
    this.#panel.setAttribute('aria-labelledby', this.#tabs[LANGUAGES.findIndex((l) => l.id === this.#language)].id);
    const listed = listing(strategy, this.#language, shared);
    this.#note.textContent = LANGUAGES.find((l) => l.id === this.#language).note;
    const lines = (listed?.lines ?? []).map((line, i) => {
      const span = el('span', { className: `code-line code-${line.role}` }, line.text || ' ');
      span.dataset.line = String(i + 1);
      return span;
    });
    const body = el('code');
    lines.forEach((line) => body.append(line, '\n'));
    this.#pre.replaceChildren(body);
    this.#shown = { key, code: listed, lines };
    this.#current = null;
  }

  /** Marks `line` current, and keeps it in view inside the listing (never scrolling the page). */
  #mark(line) {
    this.#current?.classList.remove('current');
    this.#current?.removeAttribute('aria-current');
    this.#current = line;
    if (!line) return;
    line.classList.add('current');
    line.setAttribute('aria-current', 'true');
    const pre = this.#pre;
    const top = line.offsetTop;
    if (top < pre.scrollTop || top > pre.scrollTop + pre.clientHeight - 20) pre.scrollTop = Math.max(0, top - pre.clientHeight / 3);
  }
}
