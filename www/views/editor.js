// The workload editor: strategy, threads, global lock, yield, and the task groups, each a small
// form of labelled fields that fits a phone and the page's narrow left column alike.
// It only edits; the engine validates, and its messages are shown next to the fields.

import { strategyWords } from '../shared/words.js';

const GROUP_FIELDS = [
  { key: 'name', label: 'Task group', type: 'text' },
  { key: 'count', label: 'Tasks', type: 'number', min: 0, step: 1 },
  { key: 'cpuMs', label: 'Compute (ms)', type: 'number', min: 0, step: 'any' },
  { key: 'ioMs', label: 'Wait (ms)', type: 'number', min: 0, step: 'any' },
  { key: 'steps', label: 'Steps', type: 'number', min: 1, step: 1 },
  // Optional: blank is the engine's default (no input; all arrive at the start).
  { key: 'dataKb', label: 'Input (KiB)', type: 'number', min: 0, step: 1, placeholder: '0', optional: true },
  { key: 'everyMs', label: 'Arrive every (ms)', type: 'number', min: 0, step: 'any', placeholder: '0', optional: true },
];

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

let uid = 0;
const nextId = (base) => `${base}-${++uid}`;

/**
 * `strategies` and `limits` are the engine's (`pg.strategies`, `pg.limits`): the choices and
 * bounds offered; `workers` is how many workers a pool has here (the slider goes that far, or
 * further for a workload that asks for more: its run says what it got). `onChange(workload)`
 * fires on every edit.
 */
export function createEditor(root, { strategies, limits, workers, onChange }) {
  let extra = {}; // fields the editor has no control for (jitter, seed): kept as they are
  // Values a control can't show (a strategy that doesn't exist, threads: "<img>", a string
  // where a number goes...), kept exactly as given until the person edits that control: the
  // editor never coerces, so the engine names each one, with its value, and Run waits.
  const given = new Map();
  const errorSlots = new Map(); // field path -> element that shows its message

  const errorSlot = (field, input) => {
    const slot = el('span', { className: 'field-error', id: nextId('err') });
    slot.setAttribute('role', 'status');
    if (input) input.setAttribute('aria-describedby', slot.id);
    errorSlots.set(field, { slot, input });
    return slot;
  };

  // Strategy
  // One radio group (one name): arrow keys move the choice, and it is one Tab stop.
  const strategyBox = el('fieldset', { className: 'strategies' }, el('legend', {}, 'How the tasks run'));
  const strategyGroup = nextId('strategy');
  const strategyInputs = strategies.map(({ name }) => {
    const input = el('input', { type: 'radio', name: strategyGroup, value: name });
    const words = strategyWords(name);
    strategyBox.append(el('label', { className: 'strategy' }, input,
      el('span', {}, el('strong', {}, words.label), el('small', {}, words.hint))));
    return input;
  });
  /** The strategies that compute on the page's thread (no pool of workers). */
  const onPageThread = new Set(strategies.filter((s) => !s.pool).map((s) => s.name));
  strategyBox.append(errorSlot('strategy'));

  // Threads, lock, yield
  const threads = el('input', { type: 'range', min: 1, max: workers, step: 1, id: nextId('threads') });
  const threadsOut = el('output', { htmlFor: threads.id });
  const lock = el('input', { type: 'checkbox', id: nextId('lock') });
  const yieldMs = el('input', { type: 'number', min: 0, max: limits.maxYieldMs, step: 'any', id: nextId('yield'), inputMode: 'decimal' });
  const freezeWarning = el('p', { className: 'freeze-warning', hidden: true });
  const settings = el('div', { className: 'settings' },
    el('div', { className: 'setting' },
      el('label', { htmlFor: threads.id }, 'Worker threads'), threads, threadsOut, errorSlot('threads', threads)),
    el('div', { className: 'setting' },
      lock, el('label', { htmlFor: lock.id }, 'Global lock while computing (like Python’s GIL)'), errorSlot('globalLock', lock)),
    el('div', { className: 'setting' },
      el('label', { htmlFor: yieldMs.id }, 'Yield to the page every'), yieldMs, el('span', {}, 'ms of computing (0 = never)'),
      errorSlot('yieldMs', yieldMs)),
    freezeWarning);

  // Groups: a list, each group its labelled fields (a table of seven columns did not fit).
  const groupsTitle = el('h3', { className: 'groups-title', id: nextId('groups'), textContent: 'Tasks: each step computes, then waits' });
  const list = el('ol', { className: 'groups' });
  list.setAttribute('aria-labelledby', groupsTitle.id);
  const addButton = el('button', { type: 'button', className: 'secondary' }, '+ Add a task group');
  const groupsError = errorSlot('groups');
  // Groups past the most a workload may have (a link can hold thousands) are not drawn, so
  // they cost the page no more than a good workload; they are kept as given, counted, and
  // removed only when the person says so.
  let hidden = [];
  const hiddenText = el('span');
  const removeHidden = el('button', { type: 'button', className: 'secondary' });
  const hiddenNote = el('p', { className: 'groups-hidden', hidden: true }, hiddenText, ' ', removeHidden);
  removeHidden.addEventListener('click', () => {
    hidden = [];
    set(read());
    changed();
  });

  root.append(strategyBox, settings, groupsTitle, list, hiddenNote, groupsError, addButton);

  const rows = [];
  function addRow(group) {
    const inputs = {};
    const index = rows.length;
    const kept = {}; // this row's values its inputs can't show
    // The group's fields that have no input here (increments, locks, ...): kept as given, for
    // the engine to run or to name.
    const others = Object.fromEntries(Object.entries(group).filter(([key]) => !GROUP_FIELDS.some((f) => f.key === key)));
    const cells = GROUP_FIELDS.map((f) => {
      const input = el('input', { type: f.type, step: f.step ?? '', inputMode: f.type === 'number' ? 'decimal' : 'text' });
      if (f.min !== undefined) input.min = f.min;
      if (f.placeholder) input.placeholder = f.placeholder;
      input.setAttribute('aria-label', `${f.label}, group ${index + 1}`);
      const value = group[f.key];
      const shows = f.type === 'text' ? typeof value === 'string' : Number.isFinite(value);
      if (shows) input.value = String(value);
      else if (!(f.optional && value === undefined)) kept[f.key] = value; // missing or not a value this input can hold
      input.addEventListener('input', () => { delete kept[f.key]; });
      inputs[f.key] = input;
      return el('label', { className: `group-field group-${f.key}` }, el('span', {}, f.label), input, errorSlot(`groups[${index}].${f.key}`, input));
    });
    const remove = el('button', { type: 'button', className: 'icon', title: 'Remove this group' }, '✕');
    remove.setAttribute('aria-label', `Remove group ${index + 1}`);
    remove.addEventListener('click', () => {
      const workload = read();
      workload.groups.splice(rows.indexOf(row), 1);
      set(workload);
      changed();
    });
    const [name, ...numbers] = cells;
    const item = el('li', { className: 'group' }, el('div', { className: 'group-head' }, name, remove), el('div', { className: 'group-fields' }, ...numbers));
    const row = { item, inputs, remove, kept, others };
    rows.push(row);
    list.append(item);
  }

  addButton.addEventListener('click', () => {
    const workload = read();
    if (!Array.isArray(workload.groups)) workload.groups = []; // groups given as something else: start over
    workload.groups.push({ name: `group ${workload.groups.length + 1}`, count: 4, cpuMs: 50, ioMs: 50, steps: 1 });
    set(workload);
    changed();
    rows.at(-1).inputs.name.focus();
  });

  const number = (input) => (input.value.trim() === '' ? null : Number(input.value));

  /** A field's value: as given, if its control can't show it, else the control's. */
  const pick = (key, fromControl) => (given.has(key) ? given.get(key) : fromControl());

  function read() {
    const workload = {
      ...extra,
      strategy: pick('strategy', () => strategyInputs.find((i) => i.checked)?.value),
      threads: pick('threads', () => Number(threads.value)),
      globalLock: pick('globalLock', () => lock.checked),
      yieldMs: pick('yieldMs', () => number(yieldMs)),
      groups: pick('groups', () => rows.map(({ inputs, kept, others }) => {
        const group = { ...others };
        for (const f of GROUP_FIELDS) {
          const input = inputs[f.key];
          if (f.key in kept) group[f.key] = kept[f.key];
          else if (f.optional && input.value.trim() === '') continue;
          else group[f.key] = f.type === 'text' ? input.value : number(input);
        }
        return group;
      }).concat(hidden)),
    };
    // A field given as missing stays missing (JSON would drop it anyway).
    for (const key of Object.keys(workload)) if (workload[key] === undefined) delete workload[key];
    return workload;
  }

  /**
   * Shows `workload` (from a preset, a link, a host page: anything). Each value a control can
   * show goes into it; any other is kept as given (see `given`) for the engine to name.
   */
  function set(workload) {
    const { strategy, threads: t, globalLock, yieldMs: y, groups, ...rest } = workload ?? {};
    extra = rest;
    given.clear();
    const keep = (key, value, shows) => { if (!shows) given.set(key, value); };
    strategyInputs.forEach((i) => { i.checked = i.value === strategy; });
    keep('strategy', strategy, strategyInputs.some((i) => i.checked));
    const wholeThreads = Number.isInteger(t) && t >= 1 && t <= limits.maxThreads;
    keep('threads', t, t === undefined || wholeThreads);
    threads.max = String(Math.max(workers, wholeThreads ? t : 1));
    threads.value = String(wholeThreads ? t : 1);
    threadsOut.value = threads.value;
    keep('globalLock', globalLock, globalLock === undefined || typeof globalLock === 'boolean');
    lock.checked = globalLock === true;
    keep('yieldMs', y, y === undefined || Number.isFinite(y));
    yieldMs.value = Number.isFinite(y) ? y : 0;
    const groupList = Array.isArray(groups) && groups.every((g) => g !== null && typeof g === 'object' && !Array.isArray(g));
    keep('groups', groups, groupList);
    rows.length = 0;
    list.replaceChildren();
    for (const [field] of errorSlots) if (field.startsWith('groups[')) errorSlots.delete(field);
    if (groupList) groups.slice(0, limits.maxGroups).forEach(addRow);
    hidden = groupList ? groups.slice(limits.maxGroups) : [];
    hiddenNote.hidden = hidden.length === 0;
    hiddenText.textContent = `…and ${hidden.length.toLocaleString('en')} more groups, not shown: a workload has at most ${limits.maxGroups}.`;
    removeHidden.textContent = `Remove the ${hidden.length.toLocaleString('en')} not shown`;
    addButton.disabled = rows.length + hidden.length >= limits.maxGroups;
    updateFreezeWarning();
  }

  /** The longest stretch the page's thread computes without a break, if it freezes the page. */
  function updateFreezeWarning() {
    const workload = read();
    const onPage = onPageThread.has(workload.strategy);
    const cpu = Array.isArray(workload.groups) ? workload.groups.map((g) => (Number.isFinite(g?.cpuMs) ? g.cpuMs : 0)) : [];
    const longest = Math.max(0, ...cpu);
    const freezes = onPage && !(workload.yieldMs > 0) && longest > 50;
    freezeWarning.hidden = !freezes;
    freezeWarning.textContent = freezes
      ? `Heads up: with no yielding, each task computes on the page’s thread for ${longest} ms at a time: the page will freeze while it does. That is the point of the “Responsiveness” preset.`
      : '';
  }

  function changed() {
    threadsOut.value = threads.value;
    updateFreezeWarning();
    onChange(read());
  }

  // Editing a control replaces the value it couldn't show.
  threads.addEventListener('input', () => given.delete('threads'));
  lock.addEventListener('input', () => given.delete('globalLock'));
  yieldMs.addEventListener('input', () => given.delete('yieldMs'));
  strategyInputs.forEach((i) => i.addEventListener('change', () => given.delete('strategy')));
  root.addEventListener('input', changed);
  root.addEventListener('change', (event) => { if (event.target.type === 'radio') changed(); });

  /** Marks every field the engine rejected; clears the rest. */
  function showErrors(errors) {
    for (const { slot, input } of errorSlots.values()) {
      slot.textContent = '';
      input?.removeAttribute('aria-invalid');
    }
    for (const { field, message } of errors) {
      const target = errorSlots.get(field) ?? errorSlots.get('groups');
      const prefix = errorSlots.has(field) ? '' : `${field}: `;
      target.slot.textContent = (target.slot.textContent ? `${target.slot.textContent} ` : '') + prefix + message;
      target.input?.setAttribute('aria-invalid', 'true');
    }
  }

  function setDisabled(disabled) {
    root.querySelectorAll('input, button').forEach((node) => { node.disabled = disabled; });
    if (!disabled) addButton.disabled = rows.length + hidden.length >= limits.maxGroups;
  }

  return { get: read, set, showErrors, setDisabled };
}
