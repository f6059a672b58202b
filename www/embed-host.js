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
export function embedPlayground(target, {
  onReady, onProgress, onResult, onError, onResize, onCursor, autoResize = true, origin = null,
} = {}) {
  const iframe = typeof target === 'string' ? document.querySelector(target) : target;
  if (!(iframe instanceof HTMLIFrameElement)) {
    throw new Error(`embedPlayground: ${typeof target === 'string' ? `“${target}” matches` : 'the target is'} no <iframe>`);
  }
  const frameOrigin = () => origin ?? new URL(iframe.getAttribute('src') || iframe.src, document.baseURI).origin;
  const pending = new Map(); // request id -> { resolve, reject }
  let resolveReady;
  const ready = new Promise((resolve) => { resolveReady = resolve; });
  let capabilities = null;

  function onMessage(event) {
    // Only this iframe's window, only from the origin it was loaded from.
    if (event.source !== iframe.contentWindow || event.origin !== frameOrigin()) return;
    const parsed = parseMessage(event.data, { accept: FRAME_TYPES });
    if (!parsed.ok) {
      console.warn(`embedPlayground: ignored a message from ${event.origin}: ${parsed.reason}`);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'ready':
        if (!capabilities) onReady?.(message.capabilities);
        capabilities = message.capabilities;
        resolveReady(message.capabilities);
        break;
      case 'resize':
        if (autoResize) iframe.style.height = `${Math.ceil(message.height)}px`;
        onResize?.(message.height);
        break;
      case 'progress':
        onProgress?.(message);
        break;
      case 'result':
        onResult?.(message);
        settle(message.id, (p) => p.resolve(message));
        break;
      case 'cursor':
        onCursor?.(message);
        settle(message.id, (p) => p.resolve(message));
        break;
      case 'error':
        onError?.(message);
        settle(message.id, (p) => p.reject(Object.assign(new Error(message.message), { details: message })));
        break;
      default:
    }
  }

  function settle(id, how) {
    const request = pending.get(id);
    if (!request) return;
    pending.delete(id);
    how(request);
  }

  // The frame posts `ready` once when it starts; `hello` makes it say it again (with its
  // current height), for a helper created after that. Posting into the iframe while it still
  // holds its initial about:blank would be refused with a console error (wrong target origin),
  // so wait for the frame's own document (reading a cross-origin frame's location throws).
  const hello = () => post(makeMessage('hello'));
  const loaded = () => {
    try {
      return iframe.contentWindow.location.href !== 'about:blank';
    } catch {
      return true; // another origin's document: the playground's
    }
  };
  const onLoad = () => { if (loaded()) hello(); };
  window.addEventListener('message', onMessage);
  iframe.addEventListener('load', onLoad);
  if (iframe.contentWindow && loaded()) hello();

  function post(message) {
    iframe.contentWindow?.postMessage(message, frameOrigin());
  }

  /** Sends a request once the frame is ready; resolves with its `result` (rejects on `error`). */
  async function request(type, fields) {
    await ready;
    const id = `req-${++nextRequest}`;
    const answer = new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    post(makeMessage(type, { ...fields, id }));
    return answer;
  }

  return {
    iframe,
    ready,
    /** Runs the frame's runs, or `{ workload?, preset?, strategies? }` (which then stay set). */
    run(fields = {}) {
      return request('run', fields);
    },
    /** Cancels the run in progress; its `run()` resolves with the runs done so far. */
    async cancel() {
      await ready;
      post(makeMessage('cancel'));
    },
    /** Puts the replay's cursor at `ms`; resolves with the frame's `cursor` message (what each lane did then). */
    seek(ms) {
      return request('seek', { ms });
    },
    /** Replays the runs from the cursor at `speed` (1, 0.25 or 0.1); resolves with the first `cursor` message. */
    play(speed) {
      return request('play', speed === undefined ? {} : { speed });
    },
    /** Stops the replay; resolves with the `cursor` message where it stopped. */
    pause() {
      return request('pause', {});
    },
    /** Replaces the frame's workload (a workload object, or `{ workload?, preset?, strategies? }`). */
    async setWorkload(workloadOrRequest) {
      const fields = 'groups' in (workloadOrRequest ?? {}) ? { workload: workloadOrRequest } : workloadOrRequest;
      await ready;
      post(makeMessage('setWorkload', fields));
    },
    destroy() {
      window.removeEventListener('message', onMessage);
      iframe.removeEventListener('load', onLoad);
      for (const p of pending.values()) p.reject(new Error('embedPlayground: destroyed'));
      pending.clear();
    },
  };
}
