// Processes: parallelism without shared memory, as Python's multiprocessing does it. Each
// process is a dedicated module worker with its own instance of the wasm module and its own
// memory; it shares nothing with the page, so it needs no cross-origin isolation and works in
// every browser, in a frame on any page. The engine (src/strategy/processes.rs) decides which
// task goes where; this pool starts the workers, carries the messages and stops them.
//
// A process starts the first time a run needs it (it instantiates the page's compiled module;
// the run shows it as a `startup` span) and is kept for later runs. A cancel reaches a busy
// process between two chunks of its work (process.js); one that doesn't answer in time, or
// whose task failed, is terminated and starts again when next needed.

import { compiledModule, sharedNow } from '../pkg/playground.js';

// From the root's folder, not this one's: in dist/ this module is part of a page's bundle, in
// another folder one level below the root (tools/minify.mjs).
const PROCESS_SCRIPT = new URL('../engine/process.js', import.meta.url);
/** A process that hasn't answered a cancel after this long is terminated. */
const STOP_TIMEOUT_MS = 1000;
/**
 * A process that isn't ready after this long has failed (a worker whose script throws where
 * no error event reaches the page would otherwise keep its run waiting for ever). Generous:
 * WebKitGTK in a frame took 4.5 s to start the page on 2 busy cores.
 */
const START_TIMEOUT_MS = 30_000;

/** What a process's worker posts while it works (see process.js). */
const EVENTS = new Set(['began', 'spans', 'counter']);
const ENDS = new Set(['done', 'cancelled', 'failed']);

export class ProcessPool {
  #slots;
  #module = compiledModule();

  /** `size`: how many processes there can be (the engine's pool size rule). */
  constructor(size) {
    this.#slots = Array.from({ length: size }, () => null);
  }

  get size() {
    return this.#slots.length;
  }

  /** How many processes are started now (for tests and the soak test). */
  get running() {
    return this.#slots.filter(Boolean).length;
  }

  /** The slot of process `index`, starting its worker if it has none. */
  #slot(index) {
    let slot = this.#slots[index];
    if (slot) return slot;
    const spawnedAt = sharedNow();
    const worker = new Worker(PROCESS_SCRIPT, { type: 'module', name: `process ${index + 1}` });
    // `idle`: resolves once the process is ready and has no task (after a start, a task or a cancel).
    slot = { worker, spawnedAt, readyAt: null, task: null, idle: null };
    slot.idle = new Promise((resolve, reject) => {
      const late = setTimeout(() => reject(new Error(`it did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      worker.onmessage = ({ data }) => {
        if (data?.type === 'ready') {
          clearTimeout(late);
          slot.readyAt = data.readyAt;
          resolve();
        } else if (data?.type === 'failed') {
          clearTimeout(late);
          reject(new Error(data.message));
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        clearTimeout(late);
        reject(new Error(`it could not start (${event.message || 'the worker script failed to load'})`));
      };
    });
    slot.idle.catch(() => { if (this.#slots[index] === slot) this.#forget(index); });
    this.#slots[index] = slot;
    // The compiled module, so the process only instantiates it (with its own memory). A
    // browser that can't send a module to a worker lets the process fetch and compile it.
    try {
      worker.postMessage({ type: 'start', module: this.#module });
    } catch {
      worker.postMessage({ type: 'start' });
    }
    return slot;
  }

  /** Terminates process `index`; a task waiting for it fails (it starts again for the next). */
  #forget(index) {
    const slot = this.#slots[index];
    if (!slot) return;
    slot.worker.terminate();
    this.#slots[index] = null;
    slot.task?.reject(new Error('it stopped answering and was terminated'));
  }

  /**
   * Runs one task (the engine's job JSON, and a copy of its input or undefined) on process
   * `index`. `onEvent(name, numbers)` gets `startup` (if it had to start), `began`, `spans` and
   * `counter` as they happen. Resolves when the task is done; rejects with an Error if the process
   * failed, or with 'stopped' if stop() ended it.
   */
  runTask(index, job, input, onEvent) {
    const slot = this.#slot(index);
    const starting = slot.readyAt === null;
    return new Promise((resolve, reject) => {
      const task = { reject };
      slot.task = task;
      slot.idle.then(() => {
        if (slot.task !== task) return; // stopped while it started or finished a cancel
        if (starting) onEvent('startup', new Float64Array([slot.spawnedAt, slot.readyAt]));
        slot.idle = new Promise((idle) => {
          slot.worker.onmessage = ({ data }) => {
            if (EVENTS.has(data?.type)) {
              if (slot.task !== task) return;
              try {
                onEvent(data.type, data.numbers);
              } catch (error) {
                // The engine couldn't take the event (a bug): the task fails with it.
                this.#forget(index);
                reject(error);
              }
            } else if (ENDS.has(data?.type)) {
              idle();
              if (slot.task !== task) return; // already stopped: it only says it has stopped
              slot.task = null;
              if (data.type === 'done') {
                resolve();
              } else {
                // A process whose task failed (a panic, say) is not trusted with the next one.
                if (data.type === 'failed') this.#forget(index);
                reject(new Error(data.message ?? 'it stopped'));
              }
            }
          };
        });
        slot.worker.onerror = (event) => {
          event.preventDefault();
          this.#forget(index);
          reject(new Error(event.message || 'it stopped with an error'));
        };
        const buffers = input ? [input.buffer] : [];
        slot.worker.postMessage({ type: 'run', job, input, readyAt: slot.readyAt }, buffers);
      }, reject);
    });
  }

  /**
   * Stops every busy process now: its task's promise rejects at once, and the process drops
   * the task at its next chunk (or, if it doesn't answer, is terminated). Idle processes stay.
   */
  stop() {
    this.#slots.forEach((slot, index) => {
      const task = slot?.task;
      if (!task) return;
      slot.task = null;
      task.reject('stopped');
      if (slot.readyAt === null) {
        this.#forget(index); // still starting: nothing to keep
        return;
      }
      slot.worker.postMessage({ type: 'cancel' });
      const answered = slot.idle;
      const timeout = setTimeout(() => { if (this.#slots[index] === slot) this.#forget(index); }, STOP_TIMEOUT_MS);
      answered.then(() => clearTimeout(timeout));
    });
  }
}
