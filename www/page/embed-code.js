// "Copy embed code": what puts the claim on screen on another page, for any reader. The code
// names the preset and only what the author changed of it (never this machine's worker count:
// each reader's frame uses the reader's cores, unless the author chose a count), in two forms:
// the element (one script line: embed-host.js defines <concurrency-playground>) and a plain
// iframe (for hosts that strip scripts: mdBook, MyST). A panel shows both, with a live preview.

import { linkJson } from '../shared/url-state.js';
import { runWorkload, workloadChanges } from '../shared/presets.js';
import { frameHeight } from '../embed/frame-size.js';

const EMBED_PAGE = 'embed.html';
const HOST_SCRIPT = 'embed-host.js';
const PREVIEW_DELAY_MS = 600; // the preview reloads once edits pause this long
const ID_LETTERS = 'abcdefghijkmnpqrstuvwxyz23456789'; // (no l, o, 0, 1: read aloud, copied by hand)

/** Escapes a value for an HTML attribute in double quotes. */
function attribute(value) {
  return String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** An attribute for JSON, in single quotes: its double quotes stay readable. */
function jsonAttribute(value) {
  return `'${String(value).replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/</g, '&lt;')}'`;
}

/** Four letters, so two frames of one preset on a page get different ids. */
function idSuffix() {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return [...bytes].map((b) => ID_LETTERS[b % ID_LETTERS.length]).join('');
}

/**
 * What the snippet names: `{ params: [[name, value]], changed: [field], workers }` (workers:
 * the count the author chose, or null: the reader's cores), or null when a link can't carry the
 * changes as they are (see linkJson).
 */
export function embedParams(workload, { preset = null, capabilities, options = {} }) {
  const changes = workloadChanges(workload, preset, capabilities);
  const params = [];
  if (preset) params.push(['preset', preset.id]);
  if (Object.keys(changes).length > 0) {
    const json = linkJson(changes);
    if (json === null) return null;
    params.push(['workload', json]);
  }
  for (const [name, on] of Object.entries(options)) if (on) params.push([name, '1']);
  return { params, changed: Object.keys(changes), workers: changes.threads ?? null };
}

/**
 * The snippet of `form` ('element' or 'iframe') for `workload` on the page at `base`:
 * `{ code, url, title, height, named }` (named: embedParams's), or null (see embedParams).
 */
export function embedSnippet(workload, { preset = null, capabilities, form = 'element', options = {}, base = location.href, id = null }) {
  const named = embedParams(workload, { preset, capabilities, options });
  if (named === null) return null;
  const url = new URL(EMBED_PAGE, base);
  for (const [name, value] of named.params) url.searchParams.set(name, value);
  const title = preset ? preset.title : 'Concurrency playground: your own tasks';
  const strategies = preset ? preset.runs.map((run) => runWorkload(workload, run, capabilities).strategy) : ['sequential', 'concurrent', 'parallel', 'hybrid', 'processes'];
  const height = frameHeight({ strategies, replay: Boolean(options.replay) });
  if (form === 'iframe') {
    const frameId = id ?? `playground-${preset?.id ?? 'custom'}-${idSuffix()}`;
    // allow="cross-origin-isolated": needed when the host page is itself isolated (COOP + COEP);
    // on a plain page the frame's Document-Isolation-Policy header gives it threads anyway.
    const code = `<iframe id="${attribute(frameId)}" src="${attribute(url.href)}" title="${attribute(title)}" ` +
      `allow="cross-origin-isolated" loading="lazy" style="width:100%;border:0" height="${height}"></iframe>`;
    return { code, url, title, height, named };
  }
  // The element takes the same parameters as attributes; a flag is its bare name.
  const attributes = named.params.map(([name, value]) => (value === '1' && name in options ? ` ${name}`
    : name === 'workload' ? ` ${name}=${jsonAttribute(value)}` : ` ${name}="${attribute(value)}"`)).join('');
  // The style holds the space before the script has defined the element (an unknown element has no height).
  const code = `<script type="module" src="${attribute(new URL(HOST_SCRIPT, base).href)}"></script>\n` +
    `<concurrency-playground${attributes} style="display:block;min-height:${height}px"></concurrency-playground>`;
  return { code, url, title, height, named };
}

/** "Names the preset “cpu” and what you changed: groups. Workers: as many as each reader's cores." */
function namedWords({ changed, workers }, preset) {
  const what = preset ? `It names the preset “${preset.id}”` : 'It names your tasks';
  const changes = preset ? (changed.length ? ` and what you changed of it: ${changed.join(', ')}` : ', unchanged') : '';
  const count = workers === null ? 'as many as each reader’s cores' : `${workers}, as you chose`;
  return `${what}${changes}. Workers: ${count}.`;
}

/**
 * "Copy embed code"'s panel in `panel`: `copy()` (the button's click) copies the element's
 * snippet and opens the panel, where the author picks the form and options, copies again, and
 * sees a live preview. `getState()` returns `{ workload, preset, capabilities }` of what the page
 * shows; `say(text)` tells what happened; the panel follows the edits made while it is open
 * (input and clicks inside `watched`).
 */
export function createEmbedPanel(panel, { getState, say, watched = [] }) {
  const view = new EmbedPanel(panel, { getState, say });
  for (const element of watched) {
    for (const type of ['input', 'change', 'click']) element.addEventListener(type, () => view.changed());
  }
  return {
    async copy() {
      const snippet = view.open();
      if (!snippet) return;
      await copy(snippet.code, say, 'Embed code copied (the element; the plain iframe is in the panel below).');
    },
  };
}

async function copy(code, say, done) {
  try {
    await navigator.clipboard.writeText(code);
    say(done);
  } catch {
    say(`Copy this embed code into your page: ${code}`);
  }
}

const UNCARRIABLE = 'This workload has values a link can’t carry as they are (a number that is not finite, or lists nested too deep): fix the marked fields first.';

class EmbedPanel {
  #root;
  #getState;
  #say;
  #ids = {}; // form -> the iframe's id, kept while the panel is open (it changes only on a new open)
  #el = {};
  #timer = 0;
  #previewTimer = 0;
  #shown = null; // the preview's src

  constructor(root, { getState, say }) {
    this.#root = root;
    this.#getState = getState;
    this.#say = say;
    this.#build();
  }

  #build() {
    const make = (tag, props = {}, children = []) => {
      const node = Object.assign(document.createElement(tag), props);
      node.append(...children);
      return node;
    };
    const radio = (value, text, checked) => make('label', { className: 'embed-choice' },
      [make('input', { type: 'radio', name: 'embed-form', value, checked }), ` ${text}`]);
    const check = (name, text) => make('label', { className: 'embed-choice' }, [make('input', { type: 'checkbox', name }), ` ${text}`]);
    const e = this.#el;
    e.named = make('p', { className: 'embed-named' });
    e.code = make('textarea', { readOnly: true, rows: 4, spellcheck: false, className: 'embed-code' });
    e.code.setAttribute('aria-label', 'Embed code');
    e.copy = make('button', { type: 'button', className: 'secondary', textContent: 'Copy' });
    e.close = make('button', { type: 'button', className: 'secondary', textContent: 'Close' });
    e.preview = make('div', { className: 'embed-preview' });
    this.#root.replaceChildren(
      make('h3', { textContent: 'Embed this on your page' }),
      make('fieldset', {}, [make('legend', { textContent: 'Form' }),
        radio('element', 'The element: one script line, for pages that can run a script', true),
        radio('iframe', 'A plain iframe: no script, for hosts that strip them (mdBook, MyST)', false)]),
      make('fieldset', {}, [make('legend', { textContent: 'Options' }),
        check('autorun', 'Run as soon as it is ready'), check('replay', 'Replay controls once the runs end')]),
      e.named, e.code, make('div', { className: 'actions' }, [e.copy, e.close]),
      make('p', { className: 'embed-preview-title', textContent: 'Preview (what a reader sees; it starts its own engine):' }), e.preview);
    this.#root.addEventListener('change', () => this.#render());
    e.copy.addEventListener('click', () => copy(e.code.value, this.#say, 'Embed code copied.'));
    e.close.addEventListener('click', () => this.close());
  }

  /** Opens the panel (new ids) and returns the element's snippet, or null (said why). */
  open() {
    this.#ids = {};
    this.#root.hidden = false;
    const element = this.#render('element');
    this.#render();
    return element;
  }

  close() {
    this.#root.hidden = true;
    this.#el.preview.replaceChildren();
    this.#shown = null;
  }

  /** The page's workload or preset changed: the code follows at once, the preview once edits pause. */
  changed() {
    if (this.#root.hidden) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#render(), 50);
  }

  #form() {
    return this.#root.querySelector('input[name="embed-form"]:checked')?.value ?? 'element';
  }

  #options() {
    return Object.fromEntries(['autorun', 'replay'].map((name) => [name, this.#root.querySelector(`input[name="${name}"]`).checked]));
  }

  /** Shows the snippet of `form` (the chosen one by default); returns it, or null. */
  #render(form = this.#form()) {
    const { workload, preset, capabilities } = this.#getState();
    this.#ids[form] ??= form === 'iframe' ? `playground-${preset?.id ?? 'custom'}-${idSuffix()}` : null;
    const snippet = embedSnippet(workload, { preset, capabilities, form, options: this.#options(), id: this.#ids[form] });
    const e = this.#el;
    if (!snippet) {
      e.code.value = '';
      e.named.textContent = UNCARRIABLE;
      this.#say(UNCARRIABLE);
      return null;
    }
    if (form !== this.#form()) return snippet;
    e.code.value = snippet.code;
    // Room for the code as it wraps in the panel (about 40 characters a line at its narrowest), at most 14 lines.
    e.code.rows = Math.min(14, snippet.code.split('\n').reduce((rows, line) => rows + Math.ceil((line.length + 1) / 40), 0));
    e.named.textContent = namedWords(snippet.named, preset);
    this.#preview(snippet);
    return snippet;
  }

  // A frame of the embed as a reader gets it (both forms show the same frame), reloaded only
  // when its address changes, once the edits pause.
  #preview({ url, title, height }) {
    if (url.href === this.#shown) return;
    clearTimeout(this.#previewTimer);
    this.#previewTimer = setTimeout(() => {
      this.#shown = url.href;
      const frame = Object.assign(document.createElement('iframe'), { src: url.href, title: `Preview: ${title}` });
      frame.style.height = `${height}px`;
      this.#el.preview.replaceChildren(frame);
    }, this.#shown === null ? 0 : PREVIEW_DELAY_MS);
  }
}
