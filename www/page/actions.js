// The page's secondary actions: Copy link, Copy embed code, Download trace. Each says what it did
// next to its buttons (controls.note).

import { MAX_LINK, urlFor } from '../shared/url-state.js';
import { whenIdle } from '../shared/session.js';

/** Wires the three buttons; `editor` gives the workload, `page` the preset, the cursor and the last result. */
export function wireSecondaryActions(ui, { pg, editor, page }) {
  const { el } = ui;
  el.copyLink.addEventListener('click', () => copyLink(ui, editor.get(), page));
  // The embed code's panel (page/embed-code.js) loads in idle time once the page is ready, or at
  // the first click: the first screen doesn't show it (issue 22).
  let embedPanel = null;
  const loadEmbedPanel = () => (embedPanel ??= import('./embed-code.js').then(({ createEmbedPanel }) => createEmbedPanel(el.embedPanel, {
    getState: () => ({ workload: editor.get(), preset: page.preset, capabilities: pg.capabilities }),
    say: (text) => ui.note(text),
    watched: [el.editor, el.presets],
  })));
  el.copyEmbed.addEventListener('click', () => loadEmbedPanel().then((panel) => panel.copy(), (error) => ui.note(`The embed code could not load: ${error.message}`)));
  whenIdle(loadEmbedPanel);
  el.exportTrace.addEventListener('click', () => {
    const result = page.lastResult;
    if (!result) return;
    const blob = new Blob([pg.exportTrace(result)], { type: 'application/json' });
    const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: `trace-${result.strategy}.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    ui.note('Trace downloaded: open it at ui.perfetto.dev or chrome://tracing.');
  });
}

async function copyLink(ui, workload, page) {
  const url = urlFor(workload, { presetId: page.preset?.id ?? null, cursorMs: page.cursorMs })?.href;
  if (url === undefined) {
    ui.note('This workload has values a link can’t carry as they are (a number that is not finite, or lists nested too deep): fix the marked fields first.');
    return;
  }
  if (url.length > MAX_LINK) {
    ui.note(`This workload’s link would be ${url.length} characters: too long to share (servers refuse links over about 16 KB). Shorten the group names or use fewer groups.`);
    return;
  }
  try {
    await navigator.clipboard.writeText(url);
    ui.note('Link copied: it opens this workload.');
  } catch {
    ui.note(`Copy this link: ${url}`);
  }
}
