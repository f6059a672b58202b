// For tutorial authors: the playground on your page, from one script.
//
//   <script type="module" src="https://<playground host>/embed-host.js"></script>
//   <concurrency-playground preset="cpu" autorun replay></concurrency-playground>
//
// Importing this module defines <concurrency-playground> (embed/element.js): attributes, DOM
// events and methods. For an <iframe> of embed.html you place yourself, the helper the element
// is built on (embed/host.js):
//
//   import { embedPlayground } from 'https://<playground host>/embed-host.js';
//   const pg = embedPlayground('#my-frame', { onResult: (r) => console.log(r.runs) });
//   const capabilities = await pg.ready;   // { threads, poolThreads, ... }
//   const result = await pg.run();         // the frame's Run button, from the host
//   const at = await pg.seek(200);         // the replay's cursor at 200 ms: what each lane did then
//
// Every request settles: a bad argument rejects at once, and the frame's silence after a bound.
// The message format is in embed-protocol.js and docs/embedding.md.

import { defineElement } from './embed/element.js';

export { embedPlayground, EmbeddedPlayground } from './embed/host.js';
export { ConcurrencyPlayground, hostScheme } from './embed/element.js';

defineElement();
