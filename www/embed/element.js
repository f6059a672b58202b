// <concurrency-playground>: the embed as an HTML element, for a tutorial page that can run one
// script. Importing embed-host.js defines it:
//
//   <script type="module" src="https://<playground host>/embed-host.js"></script>
//   <concurrency-playground preset="cpu" autorun replay></concurrency-playground>
//
// Its attributes are embed.html's URL parameters (embed/params.js reads and checks them in the
// frame, and lists what is wrong there); it is built on the host helper (embed/host.js): its
// events carry the helper's payloads, its methods are the helper's and settle as they do.
// Its height is reserved from the first paint (embed/frame-size.js) and only grows; its frame
// starts when it comes near the viewport (or when the page calls one of its methods).

import { EmbeddedPlayground } from './host.js';
import { PRESET_FRAMES, frameHeight } from './frame-size.js';
import { STRATEGIES } from './protocol.js';

export const TAG = 'concurrency-playground';
const EMBED_URL = new URL('../embed.html', import.meta.url);
/** The attributes: embed.html's parameters, passed on as written (the frame checks them). */
export const ATTRIBUTES = ['preset', 'workload', 'strategies', 'editor', 'autorun', 'theme', 'compact', 'replay', 't', 'lesson'];
const FLAGS = ['editor', 'autorun', 'compact', 'replay']; // present without a value: on
const SETTINGS = ['preset', 'workload', 'strategies']; // changed by message (setWorkload); the rest but theme and t reload the frame
const NEAR_PX = 600; // a frame starts once its element is this near the viewport
const DEFAULT_PRESET = 'io'; // the frame's, without preset or workload (shared/url-state.js)

let frames = 0; // frames made on this page: each iframe gets a name of its own

/**
 * The theme the host page's CSS says for `element`: its `color-scheme` (or the page's
 * <meta name="color-scheme">) naming only dark, or only light; 'auto' (the reader's system
 * setting) where it names both or neither.
 */
export function hostScheme(element) {
  const css = getComputedStyle(element).colorScheme ?? 'normal';
  const meta = document.querySelector('meta[name="color-scheme"]')?.getAttribute('content') ?? '';
  const words = (css && css !== 'normal' ? css : meta).split(/\s+/);
  const dark = words.includes('dark');
  const light = words.includes('light');
  return dark && !light ? 'dark' : light && !dark ? 'light' : 'auto';
}

export class ConcurrencyPlayground extends HTMLElement {
  static observedAttributes = ATTRIBUTES;
  #box; // the element's one child in its shadow root: holds the reserved height and the iframe
  #iframe = null;
  #host = null; // the host helper of the current frame
  #ready = null; // { promise, resolve } for the current frame
  #near = null; // IntersectionObserver, until the frame starts
  #schemes = null; // MutationObserver of the page's colour scheme, for theme="auto"
  #theme = null; // the theme the frame was given
  #ran = false; // the frame has ended a run (so a new t seeks instead of reloading)
  #reserved = 0; // px

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = ':host { display: block; } :host([hidden]) { display: none; } ' +
      '.box { width: 100%; } iframe { display: block; width: 100%; height: 100%; border: 0; color-scheme: normal; }';
    this.#box = Object.assign(document.createElement('div'), { className: 'box' });
    this.#box.setAttribute('part', 'frame');
    root.append(style, this.#box);
    this.#newReady();
  }

  /** Resolves with the frame's capabilities once it is ready (it starts near the viewport, or when a method is called). */
  get ready() {
    return this.#ready.promise;
  }

  /** The frame's capabilities once it is ready (null before). */
  get capabilities() {
    return this.#host?.capabilities ?? null;
  }

  /** The iframe (null until the frame starts). */
  get iframe() {
    return this.#iframe;
  }

  connectedCallback() {
    this.#reserve();
    this.#near = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.#start();
    }, { rootMargin: `${NEAR_PX}px 0px` });
    this.#near.observe(this);
    this.#schemes = new MutationObserver(() => this.#followTheme());
    for (const node of [document.documentElement, document.head, document.body].filter(Boolean)) {
      this.#schemes.observe(node, node === document.head ? { childList: true, subtree: true, attributes: true } : { attributes: true });
    }
  }

  disconnectedCallback() {
    // An iframe taken out of the document unloads: the frame starts again if the element comes back.
    this.#near?.disconnect();
    this.#schemes?.disconnect();
    if (!this.#iframe) return;
    this.#stop('the element left the document');
    this.#newReady(); // a frame of its own if it comes back
  }

  attributeChangedCallback(name, before, after) {
    if (before === after || !this.isConnected) return;
    this.#reserve();
    if (!this.#iframe) return; // it starts with the attributes as they are then
    if (name === 'theme') this.#followTheme();
    else if (name === 't' && this.#ran && after !== null) this.#quietly(this.#host.seek(Number(after)));
    else if (SETTINGS.includes(name)) this.#setWorkload();
    else this.#restart();
  }

  // --- the frame ----------------------------------------------------------------------------

  #newReady() {
    let resolve;
    const promise = new Promise((r) => { resolve = r; });
    this.#ready = { promise, resolve };
  }

  /** The helper of the frame, which starts now if it has not. */
  #started() {
    if (!this.isConnected) return Promise.reject(new Error(`<${TAG}>: not in the document, so there is no frame to ask`));
    this.#start();
    return Promise.resolve(this.#host);
  }

  #start() {
    if (this.#iframe) return;
    this.#near?.disconnect();
    this.#theme = this.#resolvedTheme();
    const iframe = document.createElement('iframe');
    const preset = PRESET_FRAMES[this.getAttribute('preset')];
    iframe.title = preset ? preset.title : this.hasAttribute('lesson') ? 'Concurrency playground: a step of the lesson' : 'Concurrency playground';
    iframe.name = `${TAG}-${++frames}`;
    // Needed where the host page is itself cross-origin isolated (COOP + COEP); harmless elsewhere.
    iframe.setAttribute('allow', 'cross-origin-isolated');
    iframe.src = this.#src();
    this.#iframe = iframe;
    this.#box.replaceChildren(iframe);
    const fire = (type) => (detail) => this.dispatchEvent(new CustomEvent(type, { detail }));
    this.#host = new EmbeddedPlayground(iframe, {
      autoResize: false, // the element holds the height: it only grows
      onResize: (height) => this.#grow(height),
      onReady: (capabilities) => {
        this.#followTheme(); // the page's stylesheets may have loaded since the frame started
        this.#ready.resolve(capabilities);
        fire('ready')(capabilities);
      },
      onProgress: fire('progress'),
      onResult: (result) => { this.#ran = true; fire('result')(result); },
      onCursor: fire('cursor'),
      onError: fire('error'),
      onPrediction: fire('prediction'),
    });
  }

  #stop(why) {
    this.#host?.destroy(why);
    this.#host = null;
    this.#iframe?.remove();
    this.#iframe = null;
    this.#ran = false;
  }

  /** Another frame, with the attributes as they are now (a new iframe: no entry in the page's history). */
  #restart() {
    this.#stop('the frame was reloaded for a changed attribute');
    this.#newReady();
    this.#start();
  }

  #src() {
    const url = new URL(EMBED_URL);
    for (const name of ATTRIBUTES) {
      const value = name === 'theme' ? this.#theme : this.getAttribute(name);
      if (value === null || (name === 'theme' && value === 'auto')) continue;
      url.searchParams.set(name, FLAGS.includes(name) && value === '' ? '1' : value);
    }
    return url.href;
  }

  // --- height -------------------------------------------------------------------------------

  /** Reserves the height the frame will have once it has run, as the attributes say; never less than before. */
  #reserve() {
    const preset = PRESET_FRAMES[this.getAttribute('preset') ?? (this.hasAttribute('workload') ? '' : DEFAULT_PRESET)];
    const listed = (this.getAttribute('strategies') ?? '').split(',').map((s) => s.trim()).filter((s) => STRATEGIES.includes(s));
    const flag = (name) => this.hasAttribute(name) && !/^(0|false|no)$/i.test(this.getAttribute(name));
    const height = frameHeight({
      strategies: listed.length ? listed : preset?.strategies ?? STRATEGIES,
      replay: flag('replay'), compact: flag('compact'), editor: flag('editor'), lesson: this.hasAttribute('lesson'),
      width: this.getBoundingClientRect().width || undefined, cores: navigator.hardwareConcurrency,
    });
    // The page's own reservation (the snippet's min-height, for a frame 720 px wide): the frame
    // fills it, rather than leaving a gap under a shorter frame in a wider column.
    const held = Number.parseFloat(getComputedStyle(this).minHeight) || 0; // px
    this.#grow(Math.max(height, held));
  }

  #grow(height) {
    const px = Math.ceil(height);
    if (px <= this.#reserved) return;
    this.#reserved = px;
    this.#box.style.height = `${px}px`;
  }

  // --- settings by message ------------------------------------------------------------------

  #setWorkload() {
    const fields = {};
    const preset = this.getAttribute('preset');
    const workload = this.getAttribute('workload');
    const strategies = this.getAttribute('strategies');
    if (preset !== null) fields.preset = preset;
    if (workload !== null) {
      try {
        fields.workload = JSON.parse(workload);
      } catch (error) {
        this.#fail('invalid-workload', `the workload attribute is not JSON (${error.message}): nothing changed`);
        return;
      }
    }
    if (strategies !== null) fields.strategies = strategies.split(',').map((s) => s.trim()).filter(Boolean);
    if (Object.keys(fields).length === 0) fields.preset = DEFAULT_PRESET;
    this.#quietly(this.#host.setWorkload(fields));
  }

  #resolvedTheme() {
    const asked = this.getAttribute('theme') ?? 'auto';
    return asked === 'auto' ? hostScheme(this) : asked; // (another value: the frame says what it accepts)
  }

  #followTheme() {
    if (!this.#iframe) return;
    const theme = this.#resolvedTheme();
    if (theme === this.#theme) return;
    this.#theme = theme;
    this.#quietly(this.#host.setTheme(theme));
  }

  /**
   * A request the element made for an attribute: nobody awaits it, so a refusal is an `error`
   * event (the frame's own refusals already are, through the helper's onError).
   */
  #quietly(request) {
    request.catch((error) => {
      if (error.details?.source) return; // the frame's error message: already an event
      this.#fail(error.details?.code ?? 'invalid-request', error.message);
    });
  }

  #fail(code, message) {
    this.dispatchEvent(new CustomEvent('error', { detail: { code, message: `<${TAG}>: ${message}` } }));
  }

  // --- the helper's methods -------------------------------------------------------------------

  /** Runs the frame's runs (or `{ workload?, preset?, strategies? }`); resolves with the `result`. */
  run(fields) {
    return this.#started().then((host) => host.run(fields));
  }

  /** Cancels the run in progress; resolves with its result, or null when nothing ran. */
  cancel() {
    return this.#host ? this.#host.cancel() : Promise.resolve(null);
  }

  /** The replay's cursor at `ms`; resolves with the `cursor` message. */
  seek(ms) {
    return this.#started().then((host) => host.seek(ms));
  }

  /** Replays at `speed` (1, 0.25 or 0.1); resolves with the first `cursor` message. */
  play(speed) {
    return this.#started().then((host) => host.play(speed));
  }

  /** Stops the replay; resolves with the `cursor` message. */
  pause() {
    return this.#started().then((host) => host.pause());
  }

  /** Replaces what Run runs (a workload, or `{ workload?, preset?, strategies? }`); resolves with the frame's `ready` message. */
  setWorkload(workloadOrRequest) {
    return this.#started().then((host) => host.setWorkload(workloadOrRequest));
  }
}

/** Defines <concurrency-playground> (once: a page may import embed-host.js from several scripts). */
export function defineElement() {
  if (!customElements.get(TAG)) customElements.define(TAG, ConcurrencyPlayground);
}
