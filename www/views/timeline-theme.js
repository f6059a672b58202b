// A timeline's colours: its container's --tl-* custom properties where the page sets them, else
// made from its text colour (so a dark page gets a dark timeline), and the colour of each span:
// its group's, or its kind's own (the lock's red, a neutral grey: shared/kinds.js).

// Twelve mid-tone colours readable on white and on near-black; no red (red means a lock).
export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948',
  '#ff9da7', '#9c755f', '#86bcf0', '#b6992d', '#8f7fd6', '#d37295'];
export const NEUTRAL = '#868e96'; // a process starting; the legend's swatches of the kinds

/** The colour of a colour key (timeline-layout.js's colorKey): a group's index, 'lock' or 'neutral'. */
export function colourOf(theme, key) {
  if (key === 'lock') return theme.lock;
  if (key === 'neutral') return NEUTRAL;
  return PALETTE[key % PALETTE.length];
}

/** The theme of `container` as its CSS says now (read again when the page's scheme changes). */
export function readTheme(container) {
  const css = getComputedStyle(container);
  const prop = (name) => css.getPropertyValue(name).trim();
  const fg = prop('--tl-fg') || css.color || '#1f2328';
  const dark = luminance(fg) > 0.5; // light text: a dark page
  return {
    dark,
    font: css.fontFamily || 'system-ui, sans-serif',
    fg,
    bg: prop('--tl-bg'), // none: transparent, the page shows through
    muted: prop('--tl-muted') || withAlpha(fg, 0.62),
    grid: prop('--tl-grid') || fg,
    gridAlpha: prop('--tl-grid') ? 1 : 0.12,
    waitAlpha: dark ? 0.3 : 0.2, // tint under the hatching
    lock: prop('--tl-lock') || (dark ? '#ff6b6b' : '#e03131'),
    now: prop('--tl-now') || (dark ? '#4dabf7' : '#1971c2'),
    nowText: dark ? '#0b1620' : '#ffffff', // on the cursor's time label
    queue: prop('--tl-queue') || fg,
    veil: prop('--tl-bg') || css.backgroundColor.replace(/^rgba\(0, 0, 0, 0\)$/, '') || (dark ? '#1c1f26' : '#ffffff'),
    tooltipBg: prop('--tl-tooltip-bg') || (dark ? '#202327' : '#ffffff'),
  };
}

/** [r, g, b] of any CSS colour a canvas understands, or null. */
function rgb(color) {
  const probe = (rgb.ctx ??= document.createElement('canvas').getContext('2d'));
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const value = probe.fillStyle; // "#rrggbb" or "rgba(r, g, b, a)"
  if (value.startsWith('#')) return [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16));
  const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(value);
  return m ? [+m[1], +m[2], +m[3]] : null;
}

function luminance(color) {
  const c = rgb(color);
  return c ? (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255 : 0;
}

function withAlpha(color, alpha) {
  const c = rgb(color);
  return c ? `rgba(${c.join(', ')}, ${alpha})` : color;
}
