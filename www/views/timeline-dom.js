// A timeline's DOM, made once: the plot (two canvases), its tooltip, and its legend (the groups'
// colours, then how each kind of span looks). What assistive technology reads is the canvas's
// aria-label and the page's words: the tooltip is hidden from it.

import { NEUTRAL, PALETTE, colourOf } from './timeline-theme.js';
import { KINDS, KIND_WORDS, kindOf } from '../shared/kinds.js';
import { groupLabel } from '../shared/text.js';

const TIP_GAP = 12; // px between pointer and tooltip

// Zero-specificity defaults (:where) so the page's CSS wins.
const STYLE = `
:where(.tl-plot){position:relative}
:where(.tl-canvas){display:block;width:100%;touch-action:pan-y}
:where(.tl-overlay){position:absolute;top:0;left:0;width:100%;pointer-events:none}
:where(.tl-canvas:focus-visible){outline:2px solid #4dabf7;outline-offset:2px}
:where(.tl-title){font-weight:600;font-size:13px;margin:0 0 4px}
:where(.tl-legend){display:flex;flex-wrap:wrap;gap:4px 14px;margin-top:6px;font-size:12px;line-height:1.4}
:where(.tl-legend-groups){display:inline-flex;flex-wrap:wrap;gap:4px 14px}
:where(.tl-legend-groups:not(:empty)){padding-right:14px;border-right:1px solid rgba(128,128,128,.4)}
:where(.tl-key){display:inline-flex;align-items:center;gap:5px;white-space:nowrap}
:where(.tl-swatch){display:inline-block;width:16px;height:10px;border-radius:2px;box-sizing:border-box}
:where(.tl-tooltip){position:absolute;top:0;left:0;z-index:10;pointer-events:none;padding:6px 8px;
  border-radius:6px;border:1px solid rgba(128,128,128,.35);font-size:12px;line-height:1.45;
  white-space:nowrap;box-shadow:0 4px 14px rgba(0,0,0,.2)}`;

/**
 * How each way of drawing a span (shared/kinds.js's `draw`) looks in the legend, in `colour`:
 * its swatch's background and border. The legend has one key per way, named by its kinds.
 */
const SWATCHES = {
  solid: (c) => [c, ''],
  wait: (c) => [`repeating-linear-gradient(135deg, ${c} 0 1.5px, transparent 1.5px 4px)`, c],
  lockWait: (c) => [`repeating-linear-gradient(45deg, ${c} 0 2px, transparent 2px 5px)`, c],
  transfer: (c) => [`repeating-linear-gradient(90deg, ${c} 0 1.5px, transparent 1.5px 3.5px)`, c],
  startup: (c) => [`repeating-linear-gradient(45deg, ${c} 0 2px, transparent 2px 5px)`, ''],
  held: (c) => [`linear-gradient(${c} 0 2px, transparent 2px)`, ''],
  mark: (c) => [`linear-gradient(transparent 8px, ${c} 8px)`, ''],
};

/** The legend's keys of the kinds: one per way of drawing, its kinds' words, its colour key. */
function kindKeys() {
  const keys = new Map(); // draw -> { words: [], colour }
  for (const kind of Object.keys(KINDS)) {
    const { draw, colour } = kindOf(kind);
    if (!keys.has(draw)) keys.set(draw, { words: [], colour: colour === 'group' ? 'neutral' : colour });
    keys.get(draw).words.push(KIND_WORDS[kind]);
  }
  return [...keys].map(([draw, { words, colour }]) => ({ draw, colour, text: words.join(' / ') }));
}

export class TimelineDom {
  #made = [];
  #legendGroups = null;
  #legendKey = null;
  #kindSwatches = []; // [{ swatch, draw, colour }]

  constructor(container, { compact = false, title = '' } = {}) {
    if (!document.getElementById('tl-style')) {
      document.head.append(Object.assign(document.createElement('style'), { id: 'tl-style', textContent: STYLE }));
    }
    if (title) this.#make('div', 'tl-title').textContent = title;
    this.plot = this.#make('div', 'tl-plot');
    this.canvas = this.#make('canvas', 'tl-canvas', this.plot);
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.overlay = this.#make('canvas', 'tl-overlay', this.plot);
    this.overlay.setAttribute('aria-hidden', 'true');
    this.#tooltip();
    if (!compact) this.#legend();
    container.append(...this.#made);
  }

  #make(tag, className, parent) {
    const node = Object.assign(document.createElement(tag), { className });
    if (parent) parent.append(node); else this.#made.push(node);
    return node;
  }

  #tooltip() {
    this.tip = this.#make('div', 'tl-tooltip', this.plot);
    this.tip.hidden = true;
    this.tip.setAttribute('aria-hidden', 'true'); // the page's text summary says the same
    const head = this.#make('div', '', this.tip);
    this.tipSwatch = this.#make('span', 'tl-swatch', head);
    this.tipSwatch.style.marginRight = '6px';
    this.tipGroup = this.#make('b', '', head);
    this.tipLines = [0, 1, 2].map(() => this.#make('div', '', this.tip));
  }

  #legend() {
    const legend = this.#make('div', 'tl-legend');
    this.#legendGroups = this.#make('span', 'tl-legend-groups', legend);
    for (const { draw, colour, text } of kindKeys()) {
      const item = this.#make('span', 'tl-key', legend);
      const swatch = this.#make('i', 'tl-swatch', item);
      item.append(text);
      this.#kindSwatches.push({ swatch, draw, colour });
    }
  }

  /** The theme's colours on what the canvases don't draw: the tooltip and the legend's swatches. */
  applyTheme(theme) {
    this.tip.style.color = theme.fg;
    this.tip.style.background = theme.tooltipBg;
    for (const { swatch, draw, colour } of this.#kindSwatches) {
      const c = colour === 'lock' ? theme.lock : NEUTRAL;
      const [background, border] = SWATCHES[draw]?.(c) ?? SWATCHES.solid(c);
      swatch.style.background = background;
      swatch.style.border = border ? `1px solid ${border}` : '';
    }
  }

  /** The groups' keys, in their colours (again only when the names change). */
  setGroups(groupNames) {
    const key = groupNames.join('\n');
    if (!this.#legendGroups || key === this.#legendKey) return;
    this.#legendKey = key;
    this.#legendGroups.replaceChildren(...groupNames.map((name, i) => {
      const item = Object.assign(document.createElement('span'), { className: 'tl-key' });
      const swatch = Object.assign(document.createElement('i'), { className: 'tl-swatch' });
      swatch.style.background = PALETTE[i % PALETTE.length];
      item.append(swatch, groupLabel(i, groupNames));
      return item;
    }));
  }

  /**
   * The tooltip for `span` at the pointer (x, y), inside a plot of `size` ({ w, h }): what the
   * span's task was doing, when, and on which lane (`lane`: `{ name, role }`).
   */
  showTip(span, lane, { theme, groupNames, x, y, size }) {
    const { tip, tipSwatch, tipGroup, tipLines } = this;
    tip.hidden = false;
    const own = kindOf(span.kind).forTask !== false;
    const colour = kindOf(span.kind).colour;
    tipSwatch.style.background = colourOf(theme, colour === 'group' ? span.group : colour);
    tipGroup.textContent = own ? `${span.groupName ?? groupLabel(span.group, groupNames)} · task ${span.task + 1}` : 'a new process';
    tipLines[0].textContent = `${KIND_WORDS[span.kind] ?? span.kind} · step ${span.step + 1}`;
    tipLines[1].textContent = `${span.start.toFixed(1)}–${span.end.toFixed(1)} ms (${(span.end - span.start).toFixed(1)} ms)`;
    tipLines[2].textContent = lane?.role === 'main' ? `${lane.name} (event loop)` : lane?.name ?? '';
    const left = x + TIP_GAP + tip.offsetWidth > size.w ? x - TIP_GAP - tip.offsetWidth : x + TIP_GAP;
    const top = y + TIP_GAP + tip.offsetHeight > size.h ? y - TIP_GAP - tip.offsetHeight : y + TIP_GAP;
    const maxLeft = Math.max(0, size.w - tip.offsetWidth);
    tip.style.transform = `translate(${Math.min(maxLeft, Math.max(0, left))}px, ${Math.max(0, top)}px)`;
  }

  hideTip() {
    this.tip.hidden = true;
  }

  destroy() {
    for (const node of this.#made) node.remove();
  }
}
