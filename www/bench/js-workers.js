// Plain JavaScript in Web Workers, the alternative the benchmark sets beside wasm threads: a
// pool of module workers (js-worker.js), each taking the next task when it is free, as the
// engine's `parallel` does on its threads.

const WORKER_SCRIPT = new URL('./js-worker.js', import.meta.url);

export class JsWorkerPool {
  #workers = [];

  /** Starts `size` workers and resolves once each has loaded its script. */
  static async start(size) {
    const pool = new JsWorkerPool();
    await Promise.all(Array.from({ length: size }, (_, index) => new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_SCRIPT, { type: 'module', name: `js worker ${index + 1}` });
      worker.onmessage = ({ data }) => { if (data?.ready) resolve(); };
      worker.onerror = (event) => reject(new Error(`a JS worker did not start: ${event.message}`));
      pool.#workers.push(worker);
    })));
    return pool;
  }

  /** Runs every task (`iterations` each) on the workers, the next task to whichever is free. */
  run(tasks) {
    let next = 0;
    let done = 0;
    return new Promise((resolve) => {
      if (tasks.length === 0) resolve();
      const give = (worker) => {
        if (next >= tasks.length) return;
        const id = next++;
        worker.postMessage({ id, iterations: tasks[id] });
      };
      for (const worker of this.#workers) {
        worker.onmessage = () => {
          done++;
          if (done === tasks.length) resolve();
          else give(worker);
        };
        give(worker);
      }
    });
  }

  terminate() {
    this.#workers.forEach((w) => w.terminate());
  }
}
