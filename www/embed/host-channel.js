// The embed frame's line to its host page: messages out (to the parent, at the origins the
// URL allows), messages in (from the parent only, checked against the protocol), and the
// frame's height. See embed/protocol.js for the messages and docs/embedding.md.

import { HOST_TYPES, makeMessage, parseMessage } from './protocol.js';

/** The embedding page's origin, when the browser tells (Chromium and Safari do; Firefox via the referrer). */
export function parentOrigin() {
  const ancestor = location.ancestorOrigins?.[0];
  if (ancestor) return ancestor;
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

export class HostChannel {
  #origins; // null: any origin
  #lastHeight = 0; // px
  /** Messages ignored (wrong shape, source or origin). */
  ignored = 0;

  constructor(origins) {
    this.#origins = origins;
    this.framed = window.parent !== window;
  }

  /** Why the host's messages won't be answered, if they won't (for the frame's notices). */
  problem() {
    if (!this.framed || !this.#origins) return null;
    const parent = parentOrigin();
    if (this.#origins.length === 0) return 'The origin parameter lists no valid origin: this frame answers no messages.';
    if (parent && !this.#origins.includes(parent)) {
      return `This page (${parent}) is not in the frame’s origin list (${this.#origins.join(', ')}): its messages are ignored.`;
    }
    return null;
  }

  /** Where messages may go: '*' without an allowlist, else the allowed origin(s) the parent can be. */
  #targets() {
    if (!this.#origins) return ['*'];
    const parent = parentOrigin();
    if (parent) return this.#origins.includes(parent) ? [parent] : [];
    return this.#origins; // unknown parent: only an allowed one can receive it
  }

  post(type, fields = {}) {
    if (!this.framed) return; // opened on its own: nobody to tell
    for (const target of this.#targets()) window.parent.postMessage(makeMessage(type, fields), target);
  }

  /** Tells the host the frame's height, when it changed (or `force`). */
  postHeight(force = false) {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height); // px
    if (height === this.#lastHeight && !force) return;
    this.#lastHeight = height;
    this.post('resize', { height });
  }

  /** Calls `onMessage(message)` with every valid message from the host; warns of the rest. */
  listen(onMessage) {
    window.addEventListener('message', (event) => {
      const from = event.origin || 'an unknown origin';
      const ignore = (why) => {
        this.ignored++;
        console.warn(`playground embed: ignored a message ${why}`);
      };
      if (!this.framed || event.source !== window.parent) return ignore(`that is not from the embedding page (from ${from})`);
      if (this.#origins && !this.#origins.includes(event.origin)) return ignore(`from ${from}: not in origin=${this.#origins.join(',')}`);
      const parsed = parseMessage(event.data, { accept: HOST_TYPES });
      if (!parsed.ok) return ignore(`from ${from}: ${parsed.reason}`);
      return onMessage(parsed.message);
    });
  }
}
