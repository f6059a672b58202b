// The replay's controls: Play, its speeds, the time slider (arrow keys to the previous or next
// event, Home/End, Page Up/Down) and what time it is. They say what the reader did; the replay
// (views/replay.js) decides what that means.

import { REPLAY_SPEEDS } from '../shared/replay-model.js';

/** The replay's speeds, as the buttons say them. */
const SPEED_WORDS = { 1: ['1x', 'real time'], 0.25: ['¼x', 'a quarter of real time'], 0.1: ['1/10x', 'a tenth of real time'] };
export const SPEEDS = REPLAY_SPEEDS.map((value) => ({ value, label: SPEED_WORDS[value]?.[0] ?? `${value}x`, name: SPEED_WORDS[value]?.[1] ?? '' }));

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

/** "12.5 ms" */
export const ms = (t) => `${t.toFixed(1)} ms`;

export class ReplayControls {
  #play;
  #speedButtons;
  #slider;
  #time;

  /**
   * `bar`: where they go (null: none, an embed without replay=1). Callbacks: `onPlay()` (Play
   * or Pause pressed), `onSpeed(value)`, `onSeek(ms)` (the slider moved), `onKey(key)` (a key on
   * the slider: return the time it moves to, or null to let the slider have it).
   */
  constructor(bar, { onPlay, onSpeed, onSeek, onKey }) {
    this.bar = bar;
    this.#play = el('button', { type: 'button', className: 'replay-play', textContent: 'Play' });
    this.#play.setAttribute('aria-label', 'Play the replay');
    this.#play.addEventListener('click', () => onPlay());
    const speeds = el('div', { className: 'replay-speeds' });
    speeds.setAttribute('role', 'group');
    speeds.setAttribute('aria-label', 'Replay speed');
    this.#speedButtons = SPEEDS.map((s) => {
      const button = el('button', { type: 'button', className: 'replay-speed', textContent: s.label, title: s.name });
      button.addEventListener('click', () => onSpeed(s.value));
      speeds.append(button);
      return button;
    });
    this.#slider = el('input', { type: 'range', className: 'replay-slider', min: '0', max: '0', step: 'any', value: '0' });
    this.#slider.setAttribute('role', 'slider');
    this.#slider.setAttribute('aria-label', 'Replay time (ms)');
    this.#slider.addEventListener('input', () => onSeek(Number(this.#slider.value)));
    this.#slider.addEventListener('keydown', (event) => {
      const to = onKey(event.key);
      if (to === null) return;
      event.preventDefault();
      onSeek(to);
    });
    this.#time = el('output', { className: 'replay-time' });
    const caption = el('span', { className: 'replay-caption', textContent: 'A replay of the measured spans, not a new run' });
    if (bar) {
      bar.classList.add('replay-bar');
      bar.setAttribute('role', 'group');
      bar.setAttribute('aria-label', 'Replay');
      bar.replaceChildren(this.#play, speeds, this.#slider, this.#time, caption);
      bar.hidden = true;
    }
  }

  /** Shows the controls (or hides them). */
  show(visible) {
    if (this.bar) this.bar.hidden = !visible;
  }

  /** The slider's range: [0, endMs]. */
  setEnd(endMs) {
    this.#slider.max = String(endMs);
    this.#slider.setAttribute('aria-valuemin', '0');
    this.#slider.setAttribute('aria-valuemax', String(Math.round(endMs * 10) / 10));
  }

  /** Where the cursor is, and the words a screen reader hears for it. */
  setTime(cursor, endMs, valueText) {
    this.#slider.value = String(cursor);
    this.#slider.setAttribute('aria-valuenow', String(Math.round(cursor * 10) / 10));
    this.#slider.setAttribute('aria-valuetext', valueText);
    this.#time.value = `${ms(cursor)} / ${ms(endMs)}`;
  }

  setPlaying(playing) {
    this.#play.textContent = playing ? 'Pause' : 'Play';
    this.#play.setAttribute('aria-label', playing ? 'Pause the replay' : 'Play the replay');
    this.#play.setAttribute('aria-pressed', String(playing));
  }

  setSpeed(speed) {
    this.#speedButtons.forEach((b, i) => b.setAttribute('aria-pressed', String(SPEEDS[i].value === speed)));
  }
}
