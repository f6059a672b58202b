// For tutorial authors: drive an embedded playground from the page that embeds it.
//
//   import { embedPlayground } from 'https://<playground host>/embed-host.js';
//   const pg = embedPlayground('#my-frame', { onResult: (r) => console.log(r.runs) });
//   const capabilities = await pg.ready;   // { threads, poolThreads, ... }
//   const result = await pg.run();         // the frame's Run button, from the host
//   const at = await pg.seek(200);         // the replay's cursor at 200 ms: what each lane did then
//
// It fits the iframe's height to the frame's content (the frame posts `resize`), and listens
// only to messages whose source is that iframe's window and whose origin is its src's origin.
// The message format is in embed-protocol.js and docs/embedding.md.

import { FRAME_TYPES, makeMessage, parseMessage } from './embed/protocol.js';

let nextRequest = 0;

/**
 * `target`: an <iframe> element or a selector for one. Options (all optional):
 *   onReady(capabilities), onProgress(message), onResult(message), onError(message),
 *   onResize(heightPx), onCursor(message) (the replay's cursor moved), autoResize (default
 *   true), origin (default: the origin of the iframe's src).
 * Returns `{ ready, run(request?), cancel(), setWorkload(workloadOrRequest), seek(ms),
 * play(speed?), pause(), destroy(), iframe }`.
 */
export function embedPlayground(target, options = {}) {
  const iframe = typeof target === 'string' ? document.querySelector(target) : target;
  if (!(iframe instanceof HTMLIFrameElement)) {
    throw new Error(`embedPlayground: ${typeof target === 'string' ? `“${target}” matches` : 'the target is'} no <iframe>`);
  }
  return new EmbeddedPlayground(iframe, options);
}

class EmbeddedPlayground {
  #options;
  #pending = new Map(); // request id -> { resolve, reject }
  #resolveReady;
  #capabilities = null;
  #onMessage = (event) => this.#receive(event);
  #onLoad = () => { if (this.#loaded()) this.#hello(); };

  constructor(iframe, { onReady, onProgress, onResult, onError, onResize, onCursor, autoResize = true, origin = null }) {
    this.iframe = iframe;
    this.#options = { onReady, onProgress, onResult, onError, onResize, onCursor, autoResize, origin };
    this.ready = new Promise((resolve) => { this.#resolveReady = resolve; });
    // The frame posts `ready` once when it starts; `hello` makes it say it again (with its
    // current height), for a helper created after that.
    window.addEventListener('message', this.#onMessage);
    iframe.addEventListener('load', this.#onLoad);
    if (iframe.contentWindow && this.#loaded()) this.#hello();
  }

  #frameOrigin() {
    const { iframe } = this;
    return this.#options.origin ?? new URL(iframe.getAttribute('src') || iframe.src, document.baseURI).origin;
  }

  // Posting into the iframe while it still holds its initial about:blank would be refused with
  // a console error (wrong target origin), so wait for the frame's own document (reading a
  // cross-origin frame's location throws).
  #loaded() {
    try {
      return this.iframe.contentWindow.location.href !== 'about:blank';
    } catch {
      return true; // another origin's document: the playground's
    }
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
    const message = parsed.message;
    const o = this.#options;
    switch (message.type) {
      case 'ready':
        if (!this.#capabilities) o.onReady?.(message.capabilities);
        this.#capabilities = message.capabilities;
        this.#resolveReady(message.capabilities);
        break;
      case 'resize':
        if (o.autoResize) this.iframe.style.height = `${Math.ceil(message.height)}px`;
        o.onResize?.(message.height);
        break;
      case 'progress':
        o.onProgress?.(message);
        break;
      case 'result':
        o.onResult?.(message);
        this.#settle(message.id, (p) => p.resolve(message));
        break;
      case 'cursor':
        o.onCursor?.(message);
        this.#settle(message.id, (p) => p.resolve(message));
        break;
      case 'error':
        o.onError?.(message);
        this.#settle(message.id, (p) => p.reject(Object.assign(new Error(message.message), { details: message })));
        break;
      default:
    }
  }

  #settle(id, how) {
    const request = this.#pending.get(id);
    if (!request) return;
    this.#pending.delete(id);
    how(request);
  }

  /** Sends a request once the frame is ready; resolves with its `result` (rejects on `error`). */
  async #request(type, fields) {
    await this.ready;
    const id = `req-${++nextRequest}`;
    const answer = new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#post(makeMessage(type, { ...fields, id }));
    return answer;
  }

  /** Runs the frame's runs, or `{ workload?, preset?, strategies? }` (which then stay set). */
  run(fields = {}) {
    return this.#request('run', fields);
  }

  /** Cancels the run in progress; its `run()` resolves with the runs done so far. */
  async cancel() {
    await this.ready;
    this.#post(makeMessage('cancel'));
  }

  /** Puts the replay's cursor at `ms`; resolves with the frame's `cursor` message (what each lane did then). */
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

  /** Replaces the frame's workload (a workload object, or `{ workload?, preset?, strategies? }`). */
  async setWorkload(workloadOrRequest) {
    const fields = 'groups' in (workloadOrRequest ?? {}) ? { workload: workloadOrRequest } : workloadOrRequest;
    await this.ready;
    this.#post(makeMessage('setWorkload', fields));
  }

  destroy() {
    window.removeEventListener('message', this.#onMessage);
    this.iframe.removeEventListener('load', this.#onLoad);
    for (const p of this.#pending.values()) p.reject(new Error('embedPlayground: destroyed'));
    this.#pending.clear();
  }
}
