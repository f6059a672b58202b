// The host helper: drives an embedded playground (an <iframe> of embed.html) from the page that
// embeds it. Public through embed-host.js (embedPlayground), and what <concurrency-playground>
// (embed/element.js) is built on: one implementation of the host's side of the protocol.
//
// Every request settles: it is checked here first, with the protocol's own checks (a bad
// argument rejects at once, naming the field, the value and what is allowed), then answered by
// the frame, or rejected when the frame says nothing for a bounded time (the reason says which
// bound). A request waits for the run this helper started before it: seek() right after run()
// finds that run's replay.

import { HOST_TYPES, FRAME_TYPES, makeMessage, parseMessage } from './protocol.js';
import { describe } from '../shared/text.js';

/** ms a request waits for the frame's `ready` (its engine started: 0.4-0.7 s measured; 2 frames on 2 busy cores take longer). */
export const READY_MS = 45_000;
/** ms the frame has to answer a request that starts no run (seek, play, pause, setWorkload, theme). */
export const ANSWER_MS = 10_000;
/** ms a run may go without a word from the frame (it posts progress at least once a second while it runs). */
export const SILENCE_MS = 30_000;

let nextRequest = 0;

/** An Error whose `details` says what failed: `{ code, message, ... }` (the frame's error message, or the helper's own). */
function failure(code, message, details = {}) {
  return Object.assign(new Error(message), { details: { code, message, ...details } });
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

export class EmbeddedPlayground {
  #options;
  #bounds; // ms: { readyMs, answerMs, silenceMs }
  #floor; // px: autoResize keeps the iframe at least this tall
  #pending = new Map(); // request id -> { type, resolve, reject, timer, bound }
  #resolveReady;
  #capabilities = null;
  #documentId = null; // the frame's document, as its last `ready` named it
  #after = Promise.resolve(); // the run this helper was asked for last: the next request waits for it
  #running = null; // the run this helper sent to the frame, until it settles
  #readerRunning = false; // a run the reader started in the frame (its Run button) goes
  #idle = []; // cancel()s waiting for the reader's run to end
  #cancels = 0; // cancel() calls: a run queued before one is not started
  #destroyed = null; // why the helper was destroyed, once it is
  #gone; // rejects when the helper is destroyed: what waits for the frame stops waiting
  #leave;
  #onMessage = (event) => this.#receive(event);
  #onLoad = () => this.#loaded();

  constructor(iframe, { onReady, onProgress, onResult, onError, onResize, onCursor, onPrediction, autoResize = true, origin = null, bounds = {} } = {}) {
    this.iframe = iframe;
    this.#options = { onReady, onProgress, onResult, onError, onResize, onCursor, onPrediction, autoResize, origin };
    const { readyMs = READY_MS, answerMs = ANSWER_MS, silenceMs = SILENCE_MS } = bounds ?? {};
    this.#bounds = { readyMs, answerMs, silenceMs };
    // The space the page reserved (the snippet's height attribute: the frame's height once it
    // has run): fitting never goes below it, so the page doesn't shrink on load and grow back on Run.
    this.#floor = Number.parseInt(iframe.getAttribute('height') ?? '', 10) || 0; // px
    this.#newReady();
    this.#gone = new Promise((_, reject) => { this.#leave = reject; });
    this.#gone.catch(() => {}); // (nobody need be waiting)
    // The frame posts `ready` once when it starts; `hello` makes it say it again (with its
    // current height), for a helper created after that.
    window.addEventListener('message', this.#onMessage);
    iframe.addEventListener('load', this.#onLoad);
    if (iframe.contentWindow && this.#hasDocument()) this.#hello();
  }

  /** The frame's capabilities once it has said it is ready (null before). */
  get capabilities() {
    return this.#capabilities;
  }

  #newReady() {
    this.ready = new Promise((resolve) => { this.#resolveReady = resolve; });
  }

  #frameOrigin() {
    const { iframe } = this;
    return this.#options.origin ?? new URL(iframe.getAttribute('src') || iframe.src, document.baseURI).origin;
  }

  // Posting into the iframe while it still holds its initial about:blank would be refused with
  // a console error (wrong target origin), so wait for the frame's own document (reading a
  // cross-origin frame's location throws).
  #hasDocument() {
    try {
      return this.iframe.contentWindow.location.href !== 'about:blank';
    } catch {
      return true; // another origin's document: the playground's
    }
  }

  #loaded() {
    if (!this.#hasDocument()) return;
    // (Not a sign of a new document by itself: in Firefox the frame's first `load` can come after
    // its `ready`. A new document says so with a new documentId in its `ready`.)
    this.#hello();
  }

  /** A `ready` from another document than the last one's (its src changed, or it reloaded): it knows nothing of what the old one was asked. */
  #newDocument(documentId) {
    const reloaded = this.#documentId !== null && documentId !== undefined && documentId !== this.#documentId;
    if (documentId !== undefined) this.#documentId = documentId;
    if (!reloaded || !this.#capabilities) return;
    this.#capabilities = null;
    this.#newReady();
    this.#rejectAll('reloaded', 'the frame loaded a new page before it answered');
  }

  #hello() {
    this.#post(makeMessage('hello'));
  }

  #post(message) {
    this.iframe.contentWindow?.postMessage(message, this.#frameOrigin());
  }

  #receive(event) {
    // Only this iframe's window, only from the origin it was loaded from.
    if (event.source !== this.iframe.contentWindow || event.origin !== this.#frameOrigin()) return;
    const parsed = parseMessage(event.data, { accept: FRAME_TYPES });
    if (!parsed.ok) {
      console.warn(`embedPlayground: ignored a message from ${event.origin}: ${parsed.reason}`);
      return;
    }
    this.#heard();
    const message = parsed.message;
    const o = this.#options;
    const byReader = message.id === null; // a run the reader started with the frame's own button
    switch (message.type) {
      case 'ready':
        this.#newDocument(message.documentId);
        if (!this.#capabilities) o.onReady?.(message.capabilities);
        this.#capabilities = message.capabilities;
        this.#resolveReady(message.capabilities);
        this.#settle(message.id, (p) => p.resolve(message)); // the answer to setWorkload or theme
        break;
      case 'resize':
        if (o.autoResize) this.iframe.style.height = `${Math.max(this.#floor, Math.ceil(message.height))}px`;
        o.onResize?.(message.height);
        break;
      case 'progress':
        if (byReader) this.#readerRunning = true;
        o.onProgress?.(message);
        break;
      case 'result':
        if (byReader) this.#readerEnded(message);
        o.onResult?.(message);
        this.#settle(message.id, (p) => p.resolve(message));
        break;
      case 'cursor':
        o.onCursor?.(message);
        this.#settle(message.id, (p) => p.resolve(message));
        break;
      case 'prediction':
        o.onPrediction?.(message);
        break;
      case 'error':
        if (byReader) this.#readerEnded(null);
        o.onError?.(message);
        this.#settle(message.id, (p) => p.reject(Object.assign(new Error(message.message), { details: message })));
        break;
      default:
    }
  }

  #readerEnded(result) {
    this.#readerRunning = false;
    this.#idle.splice(0).forEach((resolve) => resolve(result));
  }

  #settle(id, how) {
    const request = this.#pending.get(id);
    if (!request) return;
    this.#pending.delete(id);
    clearTimeout(request.timer);
    how(request);
  }

  /** The frame spoke: a run waiting for its result has another SILENCE_MS. */
  #heard() {
    for (const [id, request] of this.#pending) {
      if (request.type === 'run') this.#arm(id, request);
    }
  }

  #arm(id, request) {
    clearTimeout(request.timer);
    const s = (ms) => `${ms / 1000} s`;
    request.timer = setTimeout(() => this.#settle(id, (p) => p.reject(failure('timeout', request.type === 'run'
      ? `embedPlayground: run: the frame said nothing for ${s(request.bound)} (it posts progress every second while it runs: it is gone, or frozen by a run that computes on its own thread without yielding); its result, if it comes, still reaches onResult`
      : `embedPlayground: ${request.type}: no answer within ${s(request.bound)} (the frame is gone or frozen)`))), request.bound);
  }

  #rejectAll(code, why) {
    for (const [id, request] of this.#pending) this.#settle(id, (p) => p.reject(failure(code, `embedPlayground: ${request.type}: ${why}`)));
  }

  /** Waits for the frame's `ready`, starting a lazy frame now (the host asked for it), for at most READY_MS. */
  async #whenReady(type) {
    if (this.#capabilities) return;
    if (this.iframe.loading === 'lazy') this.iframe.loading = 'eager'; // starts a frame that is still far from view
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(failure('timeout', `embedPlayground: ${type}: the frame did not say it was ready within ${this.#bounds.readyMs / 1000} s ` +
        `(${describe(this.iframe.src)}: is it the playground's embed.html, and does its server answer?)`)), this.#bounds.readyMs);
    });
    try {
      await Promise.race([this.ready, late, this.#gone]);
    } finally {
      clearTimeout(timer);
    }
  }

  #checkAlive(type) {
    if (this.#destroyed) throw failure('destroyed', `embedPlayground: ${type}: ${this.#destroyed}`);
  }

  /**
   * Sends a request of `type` once the frame is ready and the helper's last run has ended;
   * resolves with the frame's answer, rejects with its `error` or when a bound passes.
   */
  async #request(type, fields, { after = true } = {}) {
    this.#checkAlive(type);
    if (!isPlainObject(fields)) throw failure('invalid-request', `embedPlayground: ${type}: expected an object of fields, got ${describe(fields)}`);
    const checked = parseMessage(makeMessage(type, { ...fields, id: 'checked' }), { accept: HOST_TYPES });
    if (!checked.ok) throw failure('invalid-request', `embedPlayground: ${checked.reason}`);
    const cancels = this.#cancels;
    if (after) await this.#after;
    await this.#whenReady(type).catch((error) => { this.#checkAlive(type); throw error; });
    this.#checkAlive(type);
    if (type === 'run' && cancels !== this.#cancels) throw failure('cancelled', 'embedPlayground: run: cancelled before it started');
    const id = `req-${++nextRequest}`;
    const answer = new Promise((resolve, reject) => {
      const request = { type, resolve, reject, timer: 0, bound: type === 'run' ? this.#bounds.silenceMs : this.#bounds.answerMs };
      this.#pending.set(id, request);
      this.#arm(id, request);
      this.#post(makeMessage(type, { ...fields, id }));
    });
    if (type === 'run') {
      this.#running = answer;
      answer.catch(() => {}).finally(() => { if (this.#running === answer) this.#running = null; });
    }
    return answer;
  }

  /** Runs the frame's runs, or `{ workload?, preset?, strategies? }` (which then stay set); resolves with the `result`. */
  run(fields = {}) {
    const run = this.#request('run', fields);
    this.#after = run.then(() => {}, () => {});
    return run;
  }

  /**
   * Cancels the run in progress (the helper's, or the reader's own); resolves with its `result`
   * (`cancelled: true`, the runs done so far), or null when nothing ran. A run() not yet started
   * is not started (it rejects with code `cancelled`).
   */
  async cancel() {
    this.#cancels++;
    if (!this.#capabilities || this.#destroyed) return null; // the frame has not started: nothing runs
    this.#post(makeMessage('cancel'));
    if (this.#running) return this.#running.catch(() => null);
    if (!this.#readerRunning) return null;
    let timer;
    const ended = new Promise((resolve) => this.#idle.push(resolve));
    const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), this.#bounds.silenceMs); });
    return Promise.race([ended, late]).finally(() => clearTimeout(timer));
  }

  /** Puts the replay's cursor at `ms` (0 or more); resolves with the frame's `cursor` message (what each lane did then). */
  seek(ms) {
    return this.#request('seek', { ms });
  }

  /** Replays the runs from the cursor at `speed` (1, 0.25 or 0.1); resolves with the first `cursor` message. */
  play(speed) {
    return this.#request('play', speed === undefined ? {} : { speed });
  }

  /** Stops the replay; resolves with the `cursor` message where it stopped. */
  pause() {
    return this.#request('pause', {});
  }

  /**
   * Replaces what the frame's Run runs (a workload object, or `{ workload?, preset?, strategies? }`);
   * resolves with the frame's `ready` message (what Run runs now); rejects with the engine's
   * message when it refuses the workload. The runs on screen, and their verdict, go.
   */
  setWorkload(workloadOrRequest) {
    const fields = isPlainObject(workloadOrRequest) && 'groups' in workloadOrRequest ? { workload: workloadOrRequest } : workloadOrRequest;
    return this.#request('setWorkload', fields);
  }

  /** The frame's colours: 'light', 'dark' or 'auto' (the reader's system); resolves with its `ready` message. */
  setTheme(theme) {
    return this.#request('theme', { theme }, { after: false });
  }

  /** Stops listening; a request still waiting rejects (code `destroyed`) with `reason`. */
  destroy(reason = 'the helper was destroyed') {
    this.#destroyed = reason;
    this.#leave(failure('destroyed', `embedPlayground: ${reason}`));
    window.removeEventListener('message', this.#onMessage);
    this.iframe.removeEventListener('load', this.#onLoad);
    this.#rejectAll('destroyed', reason);
    this.#readerEnded(null);
  }
}

/**
 * `target`: an <iframe> element or a selector for one. Options (all optional):
 *   onReady(capabilities), onProgress(message), onResult(message), onError(message),
 *   onResize(heightPx), onCursor(message) (the replay's cursor moved), onPrediction(message) (a
 *   lesson's step answered), autoResize (default true: the iframe's height follows its content,
 *   never below its height attribute), origin (default: the origin of the
 *   iframe's src), bounds ({ readyMs, answerMs, silenceMs }: how long a request waits for the
 *   frame's ready, for an answer, and through a run's silence; READY_MS, ANSWER_MS, SILENCE_MS).
 * Returns `{ ready, capabilities, run(request?), cancel(), setWorkload(workloadOrRequest),
 * seek(ms), play(speed?), pause(), setTheme(theme), destroy(), iframe }`.
 */
export function embedPlayground(target, options = {}) {
  const iframe = typeof target === 'string' ? document.querySelector(target) : target;
  if (!(iframe instanceof HTMLIFrameElement)) {
    throw new Error(`embedPlayground: ${typeof target === 'string' ? `“${target}” matches` : 'the target is'} no <iframe>`);
  }
  return new EmbeddedPlayground(iframe, options);
}
