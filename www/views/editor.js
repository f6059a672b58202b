// The workload editor: strategy, threads, global lock, yield, how tasks update the shared
// counter, and the task groups, each a small
// form of labelled fields that fits a phone and the page's narrow left column alike.
// It only edits; the engine validates, and its messages are shown next to the fields. It never
// coerces: a value a control can't show (a strategy that doesn't exist, threads: "<img>", a
// string where a number goes, a field it has no control for) is kept exactly as given until
// the person edits that control, so the engine names each one, with its value, and Run waits.

import { strategyWords, syncWords } from '../shared/words.js';

/**
 * How the editor shows the group fields it has a control for: the engine's contract says which
 * fields a group has (`pg.groupFields`) and their bounds (`pg.limits`); this says only their
 * words. `optional`: blank is the engine's default. `type: 'list'`: names, comma-separated (a
 * list of text). A field with no entry here is kept as given.
 */
const GROUP_CONTROLS = {
  name: { label: 'Task group', type: 'text' },
  count: { label: 'Tasks', min: 0, step: 1, max: 'maxTasksPerGroup' },
  cpuMs: { label: 'Compute (ms)', min: 0, step: 'any', max: 'maxCpuMs' },
  ioMs: { label: 'Wait (ms)', min: 0, step: 'any', max: 'maxIoMs' },
  steps: { label: 'Steps', min: 1, step: 1, max: 'maxSteps' },
  dataKb: { label: 'Input (KiB)', min: 0, step: 1, max: 'maxDataKb', placeholder: '0', optional: true },
  everyMs: { label: 'Arrive every (ms)', min: 0, step: 'any', max: 'maxEveryMs', placeholder: '0', optional: true },
  increments: { label: 'Counter +1s', min: 0, step: 1, max: 'maxIncrementsPerTask', placeholder: '0', optional: true },
  locks: { label: 'Locks, in order', type: 'list', placeholder: 'none (e.g. A, B)', optional: true },
};

/** A list control's text: its names, comma-separated; null when the value isn't a list of text. */
const listText = (value) => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(', ') : null);

/** A new group, as "+ Add a task group" makes it. */
const NEW_GROUP = { count: 4, cpuMs: 50, ioMs: 50, steps: 1 };

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

let uid = 0;
const nextId = (base) => `${base}-${++uid}`;

const number = (input) => (input.value.trim() === '' ? null : Number(input.value));

/** Where the engine's messages go: one slot per field path, next to its control. */
class ErrorSlots {
  #slots = new Map(); // field path -> { slot, input }

  /** A new slot for `field`, described by (and marking) `input`. */
  add(field, input) {
    const slot = el('span', { className: 'field-error', id: nextId('err') });
    slot.setAttribute('role', 'status');
    if (input) input.setAttribute('aria-describedby', slot.id);
    this.#slots.set(field, { slot, input });
    return slot;
  }

  /** Forgets the slots of the fields whose path starts with `prefix`. */
  drop(prefix) {
    for (const field of this.#slots.keys()) if (field.startsWith(prefix)) this.#slots.delete(field);
  }

  /** Shows `errors` (`[{ field, message }]`); a field with no slot of its own goes to `fallback`'s. */
  show(errors, fallback) {
    for (const { slot, input } of this.#slots.values()) {
      slot.textContent = '';
      input?.removeAttribute('aria-invalid');
    }
    for (const { field, message } of errors) {
      const own = this.#slots.get(field);
      const target = own ?? this.#slots.get(fallback);
      const text = own ? message : `${field}: ${message}`;
      target.slot.textContent = target.slot.textContent ? `${target.slot.textContent} ${text}` : text;
      target.input?.setAttribute('aria-invalid', 'true');
    }
  }
}

/** One task group's fields. */
class GroupRow {
  /** `controls`: `[[key, control]]` the editor shows; `onRemove(row)` when its ✕ is pressed. */
  constructor(group, index, { controls, limits, errors, onRemove }) {
    this.controls = controls;
    this.inputs = {};
    this.kept = {}; // this row's values its inputs can't show
    // The group's fields with no input here (increments, locks, ...): kept as given, for the
    // engine to run or to name.
    this.others = Object.fromEntries(Object.entries(group).filter(([key]) => !controls.some(([k]) => k === key)));
    const fields = controls.map(([key, control]) => this.#field(group, index, key, control, limits, errors));
    this.remove = el('button', { type: 'button', className: 'icon', title: 'Remove this group' }, '✕');
    this.remove.setAttribute('aria-label', `Remove group ${index + 1}`);
    this.remove.addEventListener('click', () => onRemove(this));
    const [name, ...numbers] = fields;
    this.item = el('li', { className: 'group' },
      el('div', { className: 'group-head' }, name, this.remove), el('div', { className: 'group-fields' }, ...numbers));
  }

  #field(group, index, key, control, limits, errors) {
    const text = control.type === 'text' || control.type === 'list';
    const input = el('input', { type: text ? 'text' : 'number', step: control.step ?? '', inputMode: text ? 'text' : 'decimal' });
    if (control.min !== undefined) input.min = control.min;
    if (control.max !== undefined) input.max = limits[control.max];
    if (control.placeholder) input.placeholder = control.placeholder;
    input.setAttribute('aria-label', `${control.label}, group ${index + 1}`);
    const value = group[key];
    const shown = control.type === 'list' ? listText(value) : (text ? typeof value === 'string' : Number.isFinite(value)) ? String(value) : null;
    if (shown !== null) input.value = shown;
    else if (!(control.optional && value === undefined)) this.kept[key] = value; // missing, or not a value this input can hold
    input.addEventListener('input', () => { delete this.kept[key]; });
    this.inputs[key] = input;
    return el('label', { className: `group-field group-${key}` }, el('span', {}, control.label), input,
      errors.add(`groups[${index}].${key}`, input));
  }

  /** The group as edited. */
  read() {
    const group = { ...this.others };
    for (const [key, control] of this.controls) {
      const input = this.inputs[key];
      if (key in this.kept) group[key] = this.kept[key];
      else if (control.optional && input.value.trim() === '') continue;
      // A list is split at its commas, nothing dropped: an empty name is the engine's to name.
      else if (control.type === 'list') group[key] = input.value.split(',').map((name) => name.trim());
      else group[key] = control.type === 'text' ? input.value : number(input);
    }
    return group;
  }
}

/**
 * `strategies`, `limits` and `fields` are the engine's (`pg.strategies`, `pg.limits`,
 * `pg.groupFields`): the choices, bounds and group fields offered; `workers` is how many
 * workers a pool has here (the slider goes that far, or further for a workload that asks for
 * more: its run says what it got). `onChange(workload)` fires on every edit.
 */
export class Editor {
  #root;
  #limits;
  #onChange;
  #controls;
  #errors = new ErrorSlots();
  #extra = {}; // fields the editor has no control for (jitter, seed): kept as they are
  #given = new Map(); // field -> a value its control can't show, kept as given
  #rows = [];
  #hidden = []; // groups past the most a workload may have: kept, counted, not drawn
  #el = {};
  #onPageThread;
  #workers;
  #syncs;
  #syncChosen = false; // whether the workload says how to update the counter (else: the default, left out)

  constructor(root, { strategies, limits, fields, syncs, workers, onChange }) {
    this.#root = root;
    this.#syncs = syncs;
    this.#limits = limits;
    this.#workers = workers;
    this.#onChange = onChange;
    const unknown = Object.keys(GROUP_CONTROLS).filter((key) => !fields.includes(key));
    if (unknown.length) throw new Error(`editor: controls for fields the engine doesn't have: ${unknown.join(', ')}`);
    this.#controls = fields.filter((key) => key in GROUP_CONTROLS).map((key) => [key, GROUP_CONTROLS[key]]);
    /** The strategies that compute on the page's thread (no pool of workers). */
    this.#onPageThread = new Set(strategies.filter((s) => !s.pool).map((s) => s.name));
    root.append(this.#strategyBox(strategies), this.#settings(), ...this.#groupList());
    this.#listen();
  }

  // One radio group (one name): arrow keys move the choice, and it is one Tab stop.
  #strategyBox(strategies) {
    const box = el('fieldset', { className: 'strategies' }, el('legend', {}, 'How the tasks run'));
    const group = nextId('strategy');
    this.#el.strategies = strategies.map(({ name }) => {
      const input = el('input', { type: 'radio', name: group, value: name });
      const words = strategyWords(name);
      box.append(el('label', { className: 'strategy' }, input,
        el('span', {}, el('strong', {}, words.label), el('small', {}, words.hint))));
      return input;
    });
    box.append(this.#errors.add('strategy'));
    return box;
  }

  #settings() {
    const e = this.#el;
    const errors = this.#errors;
    e.threads = el('input', { type: 'range', min: 1, max: this.#workers, step: 1, id: nextId('threads') });
    e.threadsOut = el('output', { htmlFor: e.threads.id });
    e.lock = el('input', { type: 'checkbox', id: nextId('lock') });
    e.yieldMs = el('input', { type: 'number', min: 0, max: this.#limits.maxYieldMs, step: 'any', id: nextId('yield'), inputMode: 'decimal' });
    e.sync = el('select', { id: nextId('sync') }, ...this.#syncs.map((name) => el('option', { value: name }, syncWords(name))));
    e.freezeWarning = el('p', { className: 'freeze-warning', hidden: true });
    return el('div', { className: 'settings' },
      el('div', { className: 'setting' },
        el('label', { htmlFor: e.threads.id }, 'Worker threads'), e.threads, e.threadsOut, errors.add('threads', e.threads)),
      el('div', { className: 'setting' },
        e.lock, el('label', { htmlFor: e.lock.id }, 'Global lock while computing (like Python’s GIL)'), errors.add('globalLock', e.lock)),
      el('div', { className: 'setting' },
        el('label', { htmlFor: e.yieldMs.id }, 'Yield to the page every'), e.yieldMs, el('span', {}, 'ms of computing (0 = never)'),
        errors.add('yieldMs', e.yieldMs)),
      el('div', { className: 'setting' },
        el('label', { htmlFor: e.sync.id }, 'Tasks add to the shared counter by'), e.sync, errors.add('sync', e.sync)),
      e.freezeWarning);
  }

  // Groups: a list, each group its labelled fields (a table of seven columns did not fit).
  #groupList() {
    const e = this.#el;
    const title = el('h3', { className: 'groups-title', id: nextId('groups'), textContent: 'Tasks: each step computes, then waits' });
    e.list = el('ol', { className: 'groups' });
    e.list.setAttribute('aria-labelledby', title.id);
    e.add = el('button', { type: 'button', className: 'secondary' }, '+ Add a task group');
    // Groups past the most a workload may have (a link can hold thousands) are not drawn, so
    // they cost the page no more than a good workload; they are kept as given, counted, and
    // removed only when the person says so.
    e.hiddenText = el('span');
    e.removeHidden = el('button', { type: 'button', className: 'secondary' });
    e.hiddenNote = el('p', { className: 'groups-hidden', hidden: true }, e.hiddenText, ' ', e.removeHidden);
    return [title, e.list, e.hiddenNote, this.#errors.add('groups'), e.add];
  }

  #listen() {
    const e = this.#el;
    e.removeHidden.addEventListener('click', () => {
      this.#hidden = [];
      this.#edit(() => {});
    });
    e.add.addEventListener('click', () => {
      this.#edit((workload) => {
        if (!Array.isArray(workload.groups)) workload.groups = []; // groups given as something else: start over
        workload.groups.push({ name: `group ${workload.groups.length + 1}`, ...NEW_GROUP });
      });
      this.#rows.at(-1).inputs.name.focus();
    });
    // Editing a control replaces the value it couldn't show.
    e.threads.addEventListener('input', () => this.#given.delete('threads'));
    e.lock.addEventListener('input', () => this.#given.delete('globalLock'));
    e.yieldMs.addEventListener('input', () => this.#given.delete('yieldMs'));
    e.sync.addEventListener('input', () => { this.#given.delete('sync'); this.#syncChosen = true; });
    e.strategies.forEach((i) => i.addEventListener('change', () => this.#given.delete('strategy')));
    this.#root.addEventListener('input', () => this.#changed());
    this.#root.addEventListener('change', (event) => { if (event.target.type === 'radio') this.#changed(); });
  }

  /** Changes the workload as `change(workload)` says, shows it, and reports the edit. */
  #edit(change) {
    const workload = this.get();
    change(workload);
    this.set(workload);
    this.#changed();
  }

  #changed() {
    this.#el.threadsOut.value = this.#el.threads.value;
    this.#updateFreezeWarning();
    this.#onChange(this.get());
  }

  /** A field's value: as given, if its control can't show it, else the control's. */
  #pick(key, fromControl) {
    return this.#given.has(key) ? this.#given.get(key) : fromControl();
  }

  /** The workload as edited. */
  get() {
    const e = this.#el;
    const workload = {
      ...this.#extra,
      strategy: this.#pick('strategy', () => e.strategies.find((i) => i.checked)?.value),
      threads: this.#pick('threads', () => Number(e.threads.value)),
      globalLock: this.#pick('globalLock', () => e.lock.checked),
      yieldMs: this.#pick('yieldMs', () => number(e.yieldMs)),
      // Left out while it is the default nobody chose: a preset's or a link's workload reads back as given.
      sync: this.#pick('sync', () => (this.#syncChosen || e.sync.value !== this.#syncs[0] ? e.sync.value : undefined)),
      groups: this.#pick('groups', () => this.#rows.map((row) => row.read()).concat(this.#hidden)),
    };
    // A field given as missing stays missing (JSON would drop it anyway).
    for (const key of Object.keys(workload)) if (workload[key] === undefined) delete workload[key];
    return workload;
  }

  /**
   * Shows `workload` (from a preset, a link, a host page: anything). Each value a control can
   * show goes into it; any other is kept as given for the engine to name.
   */
  set(workload) {
    const e = this.#el;
    const limits = this.#limits;
    const { strategy, threads, globalLock, yieldMs, sync, groups, ...rest } = workload ?? {};
    this.#extra = rest;
    this.#given.clear();
    const keep = (key, value, shows) => { if (!shows) this.#given.set(key, value); };
    e.strategies.forEach((i) => { i.checked = i.value === strategy; });
    keep('strategy', strategy, e.strategies.some((i) => i.checked));
    const wholeThreads = Number.isInteger(threads) && threads >= 1 && threads <= limits.maxThreads;
    keep('threads', threads, threads === undefined || wholeThreads);
    e.threads.max = String(Math.max(this.#workers, wholeThreads ? threads : 1));
    e.threads.value = String(wholeThreads ? threads : 1);
    e.threadsOut.value = e.threads.value;
    keep('globalLock', globalLock, globalLock === undefined || typeof globalLock === 'boolean');
    e.lock.checked = globalLock === true;
    keep('yieldMs', yieldMs, yieldMs === undefined || Number.isFinite(yieldMs));
    e.yieldMs.value = Number.isFinite(yieldMs) ? yieldMs : 0;
    // Missing is the engine's default (the first: none); anything it doesn't list is kept as given.
    const known = this.#syncs.includes(sync);
    if (sync !== undefined) keep('sync', sync, known);
    this.#syncChosen = sync !== undefined;
    e.sync.value = known ? sync : this.#syncs[0];
    const groupList = Array.isArray(groups) && groups.every((g) => g !== null && typeof g === 'object' && !Array.isArray(g));
    keep('groups', groups, groupList);
    this.#setGroups(groupList ? groups : []);
    this.#updateFreezeWarning();
  }

  #setGroups(groups) {
    const e = this.#el;
    const max = this.#limits.maxGroups;
    this.#rows = [];
    e.list.replaceChildren();
    this.#errors.drop('groups[');
    for (const [index, group] of groups.slice(0, max).entries()) {
      const row = new GroupRow(group, index, { controls: this.#controls, limits: this.#limits, errors: this.#errors,
        onRemove: (removed) => this.#edit((workload) => workload.groups.splice(this.#rows.indexOf(removed), 1)) });
      this.#rows.push(row);
      e.list.append(row.item);
    }
    this.#hidden = groups.slice(max);
    const hidden = this.#hidden.length.toLocaleString('en');
    e.hiddenNote.hidden = this.#hidden.length === 0;
    e.hiddenText.textContent = `…and ${hidden} more groups, not shown: a workload has at most ${max}.`;
    e.removeHidden.textContent = `Remove the ${hidden} not shown`;
    e.add.disabled = groups.length >= max;
  }

  /** Warns when the page's thread would compute more than 50 ms without a break. */
  #updateFreezeWarning() {
    const workload = this.get();
    const onPage = this.#onPageThread.has(workload.strategy);
    const cpu = Array.isArray(workload.groups) ? workload.groups.map((g) => (Number.isFinite(g?.cpuMs) ? g.cpuMs : 0)) : [];
    const longest = Math.max(0, ...cpu);
    const freezes = onPage && !(workload.yieldMs > 0) && longest > 50;
    this.#el.freezeWarning.hidden = !freezes;
    this.#el.freezeWarning.textContent = freezes
      ? `Heads up: with no yielding, each task computes on the page’s thread for ${longest} ms at a time: the page will freeze while it does. That is the point of the “Responsiveness” preset.`
      : '';
  }

  /** Marks every field the engine rejected (`[{ field, message }]`); clears the rest. */
  showErrors(errors) {
    this.#errors.show(errors, 'groups');
  }

  setDisabled(disabled) {
    this.#root.querySelectorAll('input, button').forEach((node) => { node.disabled = disabled; });
    if (!disabled) this.#el.add.disabled = this.#rows.length + this.#hidden.length >= this.#limits.maxGroups;
  }
}
