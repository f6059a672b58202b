// "Copy embed code": the <iframe> snippet that puts the current workload on another page.

import { linkJson } from '../shared/url-state.js';

const EMBED_PAGE = 'embed.html';
const HEIGHT_BASE = 170; // px: controls, verdict and padding of the embed view
const HEIGHT_PER_RUN = 150; // px: one run's timeline (4 lanes) and its numbers
const HEIGHT_MAX = 900; // px: beyond that the frame scrolls until the host helper fits it

/** Escapes a value for a double-quoted HTML attribute. */
function attribute(value) {
  return String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The absolute URL of the embed view for a workload (and its preset, if any); null when a
 * link can't carry the workload as it is (see linkJson).
 */
export function embedUrl(workload, { presetId = null, base = location.href, params = {} } = {}) {
  const json = linkJson(workload);
  if (json === null) return null;
  const url = new URL(EMBED_PAGE, base);
  if (presetId) url.searchParams.set('preset', presetId);
  url.searchParams.set('workload', json);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

/**
 * The HTML to paste into a page: an iframe of the embed view with the right `allow` and a
 * height that fits `runs` runs, plus (in a comment) the one line that fits the height exactly.
 */
export function embedSnippet(workload, { presetId = null, base = location.href, runs = 3, title = null, helper = true } = {}) {
  const url = embedUrl(workload, { presetId, base });
  if (url === null) return null;
  const height = Math.min(HEIGHT_MAX, HEIGHT_BASE + HEIGHT_PER_RUN * runs); // px
  const name = title ?? `Concurrency playground${presetId ? `: ${presetId}` : ''}`;
  // allow="cross-origin-isolated": needed when the host page is itself isolated (COOP + COEP);
  // on a plain page the frame's Document-Isolation-Policy header gives it threads anyway.
  const id = `playground-${presetId ?? 'custom'}`; // rename it if a page has two of the same
  const iframe = `<iframe id="${attribute(id)}" src="${attribute(url.href)}" title="${attribute(name)}" ` +
    `allow="cross-origin-isolated" loading="lazy" style="width:100%;border:0" height="${height}"></iframe>`;
  if (!helper) return iframe;
  const hostHelper = new URL('embed-host.js', url).href;
  return `${iframe}
<!-- Optional: fit the frame's height to its content and read its results.
<script type="module">
  import { embedPlayground } from '${hostHelper}';
  embedPlayground('#${id}', {
    onResult: (result) => console.log(result.runs, result.verdict),
  });
</script>
-->`;
}

/**
 * Wires a "Copy embed code" button: `getState()` returns `{ workload, presetId, runs }` of
 * what the page shows; `say(text)` tells the person what happened (with the snippet itself
 * when the clipboard refuses).
 */
export function wireEmbedButton(button, getState, say) {
  button.addEventListener('click', async () => {
    const { workload, presetId = null, runs = 3 } = getState();
    const snippet = embedSnippet(workload, { presetId, runs });
    if (snippet === null) {
      say('This workload has values a link can’t carry as they are (a number that is not finite, or lists nested too deep): fix the marked fields first.');
      return;
    }
    try {
      await navigator.clipboard.writeText(snippet);
      say('Embed code copied: paste it into your page’s HTML (see docs/embedding.md).');
    } catch {
      say(`Copy this embed code into your page: ${snippet}`);
    }
  });
}
