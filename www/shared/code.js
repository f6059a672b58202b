// The code that ran: for each strategy, the core of the real Rust code in src/ (excerpts that
// tests/unit/code.test.mjs compares with the source), and what the same would look like in
// Python and in JavaScript. For each state a lane can be in (a span kind, or idle), the line it
// is on. Pure data and lookups, no DOM: views/replay.js shows them.
//
//   const code = listing('parallel', 'rust');   // { lines: [{ text, role }], marks }
//   lineFor(code, 'worker', 'cpu')              // index of the line a computing worker is on
//
// A Rust excerpt is a few parts, each a block of one file with its own indentation; a line
// that is only `// …` stands for lines left out (any number). Marks name a piece of a line's
// text: the first line of the listing that contains it is the one marked.

export const LANGUAGES = [
  { id: 'rust', label: 'Rust', note: 'the playground’s own code, excerpted from src/' },
  { id: 'python', label: 'Python', note: 'the same in Python: asyncio, threads, processes' },
  { id: 'js', label: 'JavaScript', note: 'the same in JavaScript: promises and Web Workers' },
];

export const ELISION = '// …';

/** Blocks of src/, verbatim (tests/unit/code.test.mjs fails, naming the block, when one changes). */
export const RUST_PARTS = {
  sequential: {
    file: 'src/strategy/event_loop.rs',
    text: `
/// One task at a time, in order.
pub async fn sequential(
    state: &Arc<RunState>,
    event_loop: &dyn EventLoop,
) -> Result<(), Cancelled> {
    let budget = Budget::default();
    for &index in &state.order {
        run_task(state, &state.tasks[index], event_loop, None, &budget).await?;
    }
    Ok(())
}`,
  },
  concurrent: {
    file: 'src/strategy/event_loop.rs',
    text: `
/// All tasks at once, as futures polled together on one thread. With \`pool\`, computing
/// goes to the pool (\`hybrid\`); without, it runs right here (\`concurrent\`).
pub async fn concurrent(
    // …
) -> Result<(), Cancelled> {
    let budget = Budget::default();
    let tasks = state
        .order
        .iter()
        .map(|&index| run_task(state, &state.tasks[index], event_loop, pool, &budget));
    join_all(tasks).await.into_iter().collect()
}`,
  },
  runTask: {
    file: 'src/strategy/event_loop.rs',
    text: `
async fn run_task(
    // …
) -> Result<(), Cancelled> {
    // …
    for (step, piece) in pieces(task, quantum) {
        // …
        match (piece, pool) {
            (Piece::Wait { ms }, _) => wait(state, task, step, ms, event_loop).await?,
            (_, Some(pool)) => compute_on_pool(state, task, step, piece, pool).await?,
            (_, None) => {
                // …
                state.run_piece(task, step, piece)?;
                budget.0.set(budget.0.get() + ms);
            }
        }
    }
    // …
    state.task_finished(task);
    Ok(())
}`,
  },
  computeOnPool: {
    file: 'src/strategy/event_loop.rs',
    text: `
/// Computing handed to a worker and awaited: the event loop stays free meanwhile.
async fn compute_on_pool(
    // …
) -> Result<(), Cancelled> {
    let _permit = cancellable(state, pool.permits.acquire()).await?;
    let shared = state.clone();
    // …
    pool.run(move || {
        // …
        let task = &shared.tasks[task_index];
        match piece {
            Piece::Compute { ms } => shared.compute_on_worker(task, step, ms),
            other => shared.run_piece(task, step, other),
        }
    })
    .await?
}`,
  },
  wait: {
    file: 'src/strategy/event_loop.rs',
    text: `
/// Waiting on the event loop: a timer, cut short by a cancel. Other tasks run meanwhile.
async fn wait(
    // …
) -> Result<(), Cancelled> {
    // …
    let start = state.machine.now_ms();
    let outcome = cancellable(state, event_loop.sleep(ms)).await;
    state.record(task, step, SpanKind::Io, start, state.machine.now_ms());
    outcome.map(|_| ())
}`,
  },
  parallelOnPool: {
    file: 'src/strategy/mod.rs',
    text: `
        Strategy::Parallel => {
            let shared = state.clone();
            on_pool(move || parallel::run(&shared, workers))
                .await`,
  },
  parallel: {
    file: 'src/strategy/parallel.rs',
    text: `
pub fn run(state: &RunState, threads: usize) -> Result<(), Cancelled> {
    let next = AtomicUsize::new(0);
    // …
    rayon::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|_| {
                let work = || {
                    while let Some(&index) = state.order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if state.run_task_blocking(&state.tasks[index]).is_err() {
                        // …`,
  },
  runTaskBlocking: {
    file: 'src/strategy/run_state.rs',
    text: `
    /// Runs a whole task on the calling (worker) thread, once it has arrived: until then the
    /// thread waits, idle, as a server's thread waits for the next request.
    pub(super) fn run_task_blocking(&self, task: &Task) -> Result<(), Cancelled> {
        let wait = self.arrives_at(task) - self.machine.now_ms();
        if wait > 0.0 {
            self.machine.block(wait, &self.cancel)?;
        }
        self.task_started(task);
        // …
        for (step, piece) in pieces(task, self.settings.worker_quantum) {
            // …
            self.run_piece(task, step, piece)?;
        }
        // …
        self.task_finished(task);
        Ok(())
    }`,
  },
  runPiece: {
    file: 'src/strategy/run_state.rs',
    text: `
    pub(super) fn run_piece(
        // …
    ) -> Result<(), Cancelled> {
        match piece {
            // …
            Piece::Compute { ms } => self.compute_slice(task, step, ms),
            Piece::Wait { ms } => {
                let start = self.machine.now_ms();
                let outcome = self.machine.block(ms, &self.cancel);
                // …`,
  },
  computeOnWorker: {
    file: 'src/strategy/run_state.rs',
    text: `
    pub(super) fn compute_on_worker(
        // …
    ) -> Result<(), Cancelled> {
        for slice in slices(ms, self.settings.worker_quantum) {
            self.compute_slice(task, step, slice)?;
        }`,
  },
  computeSlice: {
    file: 'src/strategy/run_state.rs',
    text: `
    pub(super) fn compute_slice(&self, task: &Task, step: usize, ms: f64) -> Result<(), Cancelled> {
        let _held = match &self.lock {
            Some(lock) => {
                let asked = self.machine.now_ms();
                let held = lock.acquire(&self.cancel)?;
                // …
            None => None,
        };
        let start = self.machine.now_ms();
        let outcome = self.machine.compute(ms, &self.cancel);
        let end = self.machine.now_ms();
        self.record(task, step, SpanKind::Cpu, start, end);
        // …
        outcome
    }`,
  },
  processes: {
    file: 'src/strategy/processes.rs',
    text: `
pub async fn run(
    // …
) -> Result<(), Halt> {
    // …
    let lanes = (0..count).map(|index| {
        // …
        async move {
            while let Some(&taken) = state.order.get(next.get()) {
                next.set(next.get() + 1);
                let task = &state.tasks[taken];
                arrival(state, task, event_loop).await?;
                state.task_started(task);
                let input = (task.data_kb > 0)
                    .then(|| &state.input[..(task.data_kb as usize * 1024).min(state.input.len())]);
                // …
                match cancellable(state, pool.run(index, &job, input, events)).await {
                    Ok(Ok(())) => state.task_finished(task),
                    // …
    let outcome = try_join_all(lanes).await.map(|_| ());`,
  },
  processesTrait: {
    file: 'src/strategy/processes.rs',
    text: `
    /// Runs \`job\` on process \`index\` (from 0), starting the process first if it isn't
    /// running, with a copy of \`input\` when the task reads some. Events come through
    /// \`on_event\` as they happen; the future ends when the task is done.
    fn run(`,
  },
  processWork: {
    file: 'src/strategy/processes.rs',
    text: `
    pub fn work(&mut self, budget_ms: f64) -> Option<Span> {
        // …
            let (kind, left) = match piece {
                // Reading is computing too: it happens on the first chunk.
                Piece::Read { .. } => (SpanKind::Cpu, Left::Compute(0.0)),
                Piece::Compute { ms } => (SpanKind::Cpu, Left::Compute(ms)),
                Piece::Wait { ms } => (SpanKind::Io, Left::Until(now + ms)),
                // …
            };
            // …
                let until = now + budget_ms.max(0.0);
                loop {
                    let slice = ms.min(WORK_SLICE_MS);
                    let _ = self.machine.compute(slice, &never);
                    // …
                if left > 0.0 {
                    let _ = self.machine.block(left.min(budget_ms.max(0.0)), &never);`,
  },
  // The shared counter and named locks (issue 19): the pieces a task's plan interleaves with its
  // work (plan.rs), done on a worker thread, and on the event loop.
  instantBlocking: {
    file: 'src/strategy/counter.rs',
    text: `
    pub fn instant_blocking(&mut self, step: usize, piece: Piece) -> Result<(), Cancelled> {
        match piece {
            Piece::Take { lock } => self.take_blocking(lock, step)?,
            Piece::Load => {
                if let Some(lock) = self.state.counter_lock {
                    self.take_blocking(lock, step)?;
                }
                self.load(step);
            }
            Piece::Store => self.store(step),
            Piece::Release => self.release_all(),
            Piece::Read { .. } | Piece::Compute { .. } | Piece::Wait { .. } => {}
        }
        Ok(())
    }`,
  },
  instantAsync: {
    file: 'src/strategy/counter.rs',
    text: `
    pub async fn instant_async(&mut self, step: usize, piece: Piece) -> Result<(), Cancelled> {
        match piece {
            Piece::Take { lock } => self.take_async(lock, step).await?,
            Piece::Load => {
                if let Some(lock) = self.state.counter_lock {
                    self.take_async(lock, step).await?;
                }
                self.load(step);
            }
            Piece::Store => self.store(step),
            Piece::Release => self.release_all(),
            Piece::Read { .. } | Piece::Compute { .. } | Piece::Wait { .. } => {}
        }
        Ok(())
    }`,
  },
  counterUpdate: {
    file: 'src/strategy/counter.rs',
    text: `
    /// An increment begins: reads the counter (under its lock, taken first, with \`sync: lock\`).
    pub fn load(&mut self, _step: usize) {
        let value = match self.state.settings.sync {
            CounterSync::None | CounterSync::Lock => {
                self.state.counter.value.load(Ordering::Relaxed)
            }
            CounterSync::Atomic | CounterSync::Message => 0,
        };
        self.read = Some((value, self.now()));
    }

    /// The increment ends: writes what it read plus one (none, lock: then releases the
    /// counter's lock), adds one atomically (atomic), or counts on its own (message).
    pub fn store(&mut self, step: usize) {
        // …
        match state.settings.sync {
            CounterSync::None | CounterSync::Lock => {
                state.counter.value.store(read + 1, Ordering::Relaxed);
                update(at, read);
                self.release_counter();
            }
            CounterSync::Atomic => {
                let read = state.counter.value.fetch_add(1, Ordering::Relaxed);
                update(now, read);
            }
            CounterSync::Message => {}
        }
        self.counted += 1;
        // …
    }`,
  },
};

// Per strategy and language: the text (Rust: which parts, in reading order) and, per lane state,
// the text of the line a lane in that state is on. A key `main.idle` or `worker.idle` is for
// one kind of lane (main: the page's event loop; worker: a worker thread or a process) and
// wins over a plain `idle`.
const PYTHON_GIL = `
# The global lock: CPython's GIL is that lock. One thread at a time runs Python code; a
# computing thread gives it up every sys.getswitchinterval() (5 ms) and waits for its next
# turn. Free-threaded builds (Python 3.13+, python3.13t) have no GIL.`;

export const CODE = {
  sequential: {
    rust: {
      parts: ['sequential', 'runTask', 'wait'],
      marks: { cpu: 'state.run_piece(task, step, piece)?;', io: 'event_loop.sleep(ms)', idle: 'for &index in &state.order {' },
    },
    python: {
      text: `
import asyncio

async def task(cpu_ms, io_ms, steps):
    for step in range(steps):
        compute(cpu_ms)                     # computing: the event loop's thread is busy
        await asyncio.sleep(io_ms / 1000)   # waiting (I/O): a timer; nothing else to run

async def main(tasks):
    for t in tasks:                         # one task at a time, in order
        await task(*t)

asyncio.run(main(tasks))`,
      marks: { cpu: 'compute(cpu_ms)', io: 'await asyncio.sleep', idle: 'for t in tasks:' },
    },
    js: {
      text: `
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function task({ cpuMs, ioMs, steps }) {
  for (let step = 0; step < steps; step++) {
    compute(cpuMs);      // computing: the page's thread is busy
    await sleep(ioMs);   // waiting (I/O): a timer; the thread is free
  }
}

for (const t of tasks) await task(t);   // one task at a time, in order`,
      marks: { cpu: 'compute(cpuMs);', io: 'await sleep(ioMs);', idle: 'for (const t of tasks)' },
    },
  },

  concurrent: {
    rust: {
      parts: ['concurrent', 'runTask', 'wait'],
      marks: { cpu: 'state.run_piece(task, step, piece)?;', io: 'event_loop.sleep(ms)', idle: 'join_all(tasks).await' },
    },
    python: {
      text: `
import asyncio

async def task(cpu_ms, io_ms, steps):
    for step in range(steps):
        compute(cpu_ms)                     # computing: the one thread; other tasks wait
        await asyncio.sleep(io_ms / 1000)   # waiting (I/O): other tasks run meanwhile

async def main(tasks):
    await asyncio.gather(*(task(*t) for t in tasks))   # all at once, on one thread

asyncio.run(main(tasks))`,
      marks: { cpu: 'compute(cpu_ms)', io: 'await asyncio.sleep', idle: 'await asyncio.gather' },
    },
    js: {
      text: `
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function task({ cpuMs, ioMs, steps }) {
  for (let step = 0; step < steps; step++) {
    compute(cpuMs);      // computing: the one thread; other tasks wait
    await sleep(ioMs);   // waiting (I/O): other tasks run meanwhile
  }
}

await Promise.all(tasks.map(task));   // all at once, on the page's thread`,
      marks: { cpu: 'compute(cpuMs);', io: 'await sleep(ioMs);', idle: 'await Promise.all' },
    },
  },

  parallel: {
    rust: {
      parts: ['parallelOnPool', 'parallel', 'runTaskBlocking', 'runPiece', 'computeSlice'],
      marks: {
        cpu: 'let outcome = self.machine.compute(ms, &self.cancel);',
        io: 'let outcome = self.machine.block(ms, &self.cancel);',
        lockWait: 'let held = lock.acquire(&self.cancel)?;',
        'main.idle': 'on_pool(move || parallel::run(&shared, workers))',
        'worker.idle': 'while let Some(&index) = state.order.get(next.fetch_add(1, Ordering::Relaxed))',
      },
    },
    python: {
      text: `
import time
from concurrent.futures import ThreadPoolExecutor

def task(cpu_ms, io_ms, steps):
    for step in range(steps):
        # (waiting for the global lock: the GIL, before running Python code)
        compute(cpu_ms)                 # computing, on this worker thread
        time.sleep(io_ms / 1000)        # waiting (I/O): this thread blocks, the others go on

with ThreadPoolExecutor(max_workers=threads) as pool:   # the page's thread waits for the pool
    for t in tasks:
        pool.submit(task, *t)           # a free worker takes the next task
${PYTHON_GIL}`,
      marks: {
        cpu: 'compute(cpu_ms)', io: 'time.sleep', lockWait: '(waiting for the global lock',
        'main.idle': 'with ThreadPoolExecutor', 'worker.idle': 'pool.submit(task, *t)',
      },
    },
    js: {
      text: `
// worker.js: a Web Worker runs one task at a time, blocking through its waits
onmessage = ({ data: t }) => {
  for (let step = 0; step < t.steps; step++) {
    if (t.globalLock) lock.acquire();           // waiting for the global lock (JS has none: an Atomics lock)
    compute(t.cpuMs);                           // computing, on this worker's thread
    if (t.globalLock) lock.release();
    Atomics.wait(sleeper, 0, 0, t.ioMs);        // waiting (I/O): this worker blocks
  }
  postMessage('done');
};

// the page: each worker takes the next task; the page's thread stays free
const workers = Array.from({ length: threads }, () => new Worker('worker.js'));
await Promise.all(workers.map(async (worker) => {
  for (let t; (t = queue.shift()); ) await runOn(worker, t);   // a free worker takes the next task
}));`,
      marks: {
        cpu: 'compute(t.cpuMs);', io: 'Atomics.wait(sleeper', lockWait: 'lock.acquire();',
        'main.idle': 'await Promise.all(workers.map', 'worker.idle': 'for (let t; (t = queue.shift()); )',
      },
    },
  },

  hybrid: {
    rust: {
      parts: ['concurrent', 'runTask', 'computeOnPool', 'wait', 'computeOnWorker', 'computeSlice'],
      marks: {
        cpu: 'let outcome = self.machine.compute(ms, &self.cancel);',
        io: 'event_loop.sleep(ms)',
        lockWait: 'let held = lock.acquire(&self.cancel)?;',
        'main.idle': 'join_all(tasks).await',
        'worker.idle': 'pool.run(move || {',
      },
    },
    python: {
      text: `
import asyncio
from concurrent.futures import ThreadPoolExecutor

async def task(cpu_ms, io_ms, steps, pool):
    loop = asyncio.get_running_loop()
    for step in range(steps):
        await loop.run_in_executor(pool, compute, cpu_ms)   # computing, handed to a worker thread
        await asyncio.sleep(io_ms / 1000)                   # waiting (I/O), on the event loop

async def main(tasks):
    with ThreadPoolExecutor(max_workers=threads) as pool:   # workers wait for computing to do
        await asyncio.gather(*(task(*t, pool) for t in tasks))

def compute(ms):
    # (waiting for the global lock: the GIL, before running Python code)
    ...                                                     # computing, on a worker thread
${PYTHON_GIL}`,
      marks: {
        cpu: '...                                                     # computing, on a worker thread',
        io: 'await asyncio.sleep', lockWait: '(waiting for the global lock',
        'main.idle': 'await asyncio.gather', 'worker.idle': 'with ThreadPoolExecutor',
      },
    },
    js: {
      text: `
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function task({ cpuMs, ioMs, steps }) {
  for (let step = 0; step < steps; step++) {
    await pool.compute(cpuMs);   // computing, handed to a Web Worker; the page's thread is free
    await sleep(ioMs);           // waiting (I/O), a timer on the page
  }
}

await Promise.all(tasks.map(task));   // all at once; computing on the workers

// worker.js: computes what the page hands it
onmessage = ({ data: { cpuMs } }) => {
  if (globalLock) lock.acquire();   // waiting for the global lock (JS has none: an Atomics lock)
  compute(cpuMs);                   // computing, on this worker's thread
  postMessage('done');
};`,
      marks: {
        cpu: 'compute(cpuMs);                   // computing', io: 'await sleep(ioMs);', lockWait: 'lock.acquire();',
        'main.idle': 'await Promise.all(tasks.map(task));', 'worker.idle': 'onmessage = ',
      },
    },
  },

  processes: {
    rust: {
      parts: ['processes', 'processesTrait', 'processWork'],
      marks: {
        cpu: 'let _ = self.machine.compute(slice, &never);',
        io: 'let _ = self.machine.block(',
        transfer: 'let input = (task.data_kb > 0)',
        startup: 'starting the process first if it isn\'t',
        'main.idle': 'match cancellable(state, pool.run(index, &job, input, events)).await {',
        'worker.idle': 'while let Some(&taken) = state.order.get(next.get()) {',
      },
    },
    python: {
      text: `
import time
from concurrent.futures import ProcessPoolExecutor   # or multiprocessing.Pool

def task(data, cpu_ms, io_ms, steps):   # runs in another process, on its own copy of data
    checksum(data)
    for step in range(steps):
        compute(cpu_ms)                 # computing: this process's own GIL, nobody else wants it
        time.sleep(io_ms / 1000)        # waiting (I/O)

if __name__ == '__main__':
    with ProcessPoolExecutor(max_workers=threads) as pool:   # starting a process: a new interpreter
        for t in tasks:
            pool.submit(task, *t)       # copying input: each argument is pickled, a copy
    # the main process waits; a free process takes the next task`,
      marks: {
        cpu: 'compute(cpu_ms)', io: 'time.sleep', transfer: 'pool.submit(task, *t)', startup: 'with ProcessPoolExecutor',
        'main.idle': '# the main process waits', 'worker.idle': '# the main process waits',
      },
    },
    js: {
      text: `
// process.js: a Web Worker with its own memory (and its own instance of the module)
onmessage = ({ data: { t, input } }) => {   // input arrived as a copy
  checksum(input);
  for (let step = 0; step < t.steps; step++) {
    compute(t.cpuMs);                          // computing, in this process
    Atomics.wait(sleeper, 0, 0, t.ioMs);       // waiting (I/O): this process blocks
  }
  postMessage('done');
};

// the page: a free process takes the next task
const processes = Array.from({ length: threads }, () =>
  new Worker('process.js', { type: 'module' }));   // starting a process: it loads the module
await Promise.all(processes.map(async (worker) => {
  for (let t; (t = queue.shift()); ) {            // a free process takes the next task
    worker.postMessage({ t, input: bytes.slice(0, t.dataKb * 1024) });   // copying input: structured clone
    await done(worker);
  }
}));`,
      marks: {
        cpu: 'compute(t.cpuMs);', io: 'Atomics.wait(sleeper', transfer: 'worker.postMessage({ t, input',
        startup: "new Worker('process.js'", 'main.idle': 'await Promise.all(processes.map',
        'worker.idle': 'for (let t; (t = queue.shift()); )',
      },
    },
  },
};

/**
 * How tasks update the shared counter (a workload's `sync`), and how they take named locks:
 * listed after the strategy's code when a run has increments or locks. Rust: the pieces a
 * task's plan puts between its work (taken blocking on workers, awaited on the event loop) and
 * the update itself; Python and JavaScript: the same, one snippet per `sync`.
 */
export const SHARED_STATE_CODE = {
  rust: {
    parts: (strategy) => [strategy === 'parallel' || strategy === 'processes' ? 'instantBlocking' : 'instantAsync', 'counterUpdate'],
    marks: (sync) => ({
      update: sync === 'atomic' ? 'let read = state.counter.value.fetch_add(1, Ordering::Relaxed);'
        : sync === 'message' ? 'self.counted += 1;' : 'state.counter.value.store(read + 1, Ordering::Relaxed);',
      namedLockWait: 'Piece::Take { lock } =>',
      lockHeld: 'Piece::Release => self.release_all(),',
    }),
  },
  python: {
    counter: {
      none: `
counter = 0                     # shared by threads and asyncio tasks (a process has its own copy)

def add_one(work_ms):           # asyncio: async def, its work an await asyncio.sleep(...)
    global counter
    read = counter              # read
    compute(work_ms)            # this increment's share of the work: another task may run now
    counter = read + 1          # write: a write by another since the read is lost`,
      atomic: `
# Python has no atomic add on a plain int (counter += 1 is a read, then a write, even under
# the GIL); the nearest is a lock held for the add alone.
counter_lock = threading.Lock()

def add_one(work_ms):
    global counter
    compute(work_ms)
    with counter_lock:
        counter += 1            # one add at a time: none lost`,
      lock: `
counter_lock = threading.Lock()   # asyncio.Lock() on the event loop; multiprocessing.Value(...).get_lock() across processes

def add_one(work_ms):
    global counter
    with counter_lock:          # waiting for the lock while another task holds it
        read = counter
        compute(work_ms)
        counter = read + 1      # no other write can come between: none lost`,
      message: `
from queue import Queue         # multiprocessing.Queue between processes
counts = Queue()

def task(increments, work_ms):
    mine = 0                    # this task's own count: nothing shared
    for _ in range(increments):
        compute(work_ms)
        mine += 1
    counts.put(mine)            # sends its count

# when every task is done: counter = sum(counts.get() for _ in tasks)`,
    },
    locks: `
locks = {name: threading.Lock() for name in names}   # asyncio.Lock() on the event loop

def task(order, work_ms):       # order: ['A', 'B'] in one task, ['B', 'A'] in another
    for name in order:
        locks[name].acquire()   # waits while another task holds it: in opposite orders, forever
        compute(work_ms / len(order))   # holding every lock taken so far
    for name in reversed(order):
        locks[name].release()`,
    marks: { update: /counter = read \+ 1|counter \+= 1|mine \+= 1/, namedLockWait: /locks\[name\]\.acquire\(\)|with counter_lock:/, lockHeld: 'locks[name].release()' },
  },
  js: {
    counter: {
      none: `
// counter: an Int32Array on a SharedArrayBuffer every worker shares (on the event loop: a let)
async function addOne(workMs) {
  const read = Atomics.load(counter, 0);   // read
  await work(workMs);                       // this increment's share of the work: another task may run now
  Atomics.store(counter, 0, read + 1);      // write: a write by another since the read is lost
}`,
      atomic: `
async function addOne(workMs) {
  await work(workMs);
  Atomics.add(counter, 0, 1);               // one atomic add: none lost
}`,
      lock: `
// JS has no lock: on workers a mutex built on Atomics.wait; on the event loop a promise queue
async function addOne(workMs) {
  await counterLock.acquire();              // waiting for the lock while another task holds it
  const read = counter[0];
  await work(workMs);
  counter[0] = read + 1;                    // no other write can come between: none lost
  counterLock.release();
}`,
      message: `
// in each task (a worker: postMessage; the page: a resolved value)
let mine = 0;                               // this task's own count: nothing shared
for (let i = 0; i < increments; i++) {
  await work(workMs);
  mine += 1;
}
postMessage({ count: mine });               // sends its count; the page adds them up`,
    },
    locks: `
// one mutex per name: Atomics on shared memory in workers, a promise queue on the event loop
async function task(order, workMs) {       // order: ['A', 'B'] in one task, ['B', 'A'] in another
  for (const name of order) {
    await locks[name].acquire();            // waits while another task holds it: in opposite orders, forever
    await work(workMs / order.length);      // holding every lock taken so far
  }
  for (const name of [...order].reverse()) locks[name].release();
}`,
    marks: { update: /Atomics\.store\(counter|Atomics\.add\(counter|counter\[0\] = read \+ 1|mine \+= 1/, namedLockWait: /locks\[name\]\.acquire\(\)|counterLock\.acquire\(\)/, lockHeld: 'locks[name].release()' },
  },
};

/** The lines of the shared state's code for a run (`shared`: `{ sync, locks }`), as listing's lines. */
function sharedStateLines(strategy, language, { sync, locks }) {
  const lines = [];
  const push = (text, role = 'code') => lines.push({ text, role });
  const entry = SHARED_STATE_CODE[language];
  if (language === 'rust') {
    for (const name of entry.parts(strategy)) {
      const part = RUST_PARTS[name];
      push('');
      push(`// ${part.file}`, 'file');
      for (const text of dedent(part.text)) push(text, text.trim() === ELISION ? 'elided' : 'code');
    }
    return lines;
  }
  const comment = language === 'python' ? '#' : '//';
  if (sync) {
    push('');
    push(`${comment} the shared counter (sync: ${sync})`, 'file');
    dedent(entry.counter[sync] ?? '').forEach((text) => push(text));
  }
  if (locks) {
    push('');
    push(`${comment} named locks, taken in order`, 'file');
    dedent(entry.locks).forEach((text) => push(text));
  }
  return lines;
}

/** The marks of the shared state's code: the first line from `from` that matches each. */
function sharedStateMarks(language, sync, lines, from) {
  const entry = SHARED_STATE_CODE[language];
  const needles = language === 'rust' ? entry.marks(sync) : entry.marks;
  const marks = {};
  for (const [key, needle] of Object.entries(needles)) {
    const index = lines.findIndex((line, i) => i >= from && line.role === 'code'
      && (typeof needle === 'string' ? line.text.includes(needle) : needle.test(line.text)));
    if (index >= 0) marks[key] = index;
  }
  return marks;
}

/** `text` split into lines, the first empty line dropped, the common indentation removed. */
function dedent(text) {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() && l.trim() !== ELISION).map((l) => l.length - l.trimStart().length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => (l.trim() === ELISION ? l.slice(Math.min(cut, l.length - l.trimStart().length)) : l.slice(cut)));
}

/**
 * The listing of a strategy in a language: `{ strategy, language, lines: [{ text, role }],
 * marks: { key: index } }`. `role` is 'code', 'file' (the file a Rust part comes from) or
 * 'elided' (lines left out). Null for a strategy with no code here. `shared` (optional):
 * `{ sync, locks }` of a run whose tasks update the shared counter (`sync`: how; null: they
 * don't) or take named locks (`locks`: true): their code follows the strategy's.
 */
export function listing(strategy, language, shared = {}) {
  const entry = CODE[strategy]?.[language];
  if (!entry) return null;
  const lines = [];
  if (language === 'rust') {
    entry.parts.forEach((name, i) => {
      const part = RUST_PARTS[name];
      if (i > 0) lines.push({ text: '', role: 'code' });
      lines.push({ text: `// ${part.file}`, role: 'file' });
      for (const text of dedent(part.text)) lines.push({ text, role: text.trim() === ELISION ? 'elided' : 'code' });
    });
  } else {
    for (const text of dedent(entry.text)) lines.push({ text, role: 'code' });
  }
  const marks = {};
  for (const [key, needle] of Object.entries(entry.marks)) {
    const index = lines.findIndex((line) => line.role === 'code' && line.text.includes(needle));
    if (index >= 0) marks[key] = index;
  }
  if (!shared.sync && !shared.locks) return { strategy, language, lines, marks };
  const from = lines.length;
  lines.push(...sharedStateLines(strategy, language, shared));
  return { strategy, language, lines, marks: { ...sharedStateMarks(language, shared.sync, lines, from), ...marks } };
}

/** The line a lane of `role` ('main' or 'worker') in `state` (a span kind or 'idle') is on, or null. */
export function lineFor(code, role, state) {
  if (!code) return null;
  return code.marks[`${role}.${state}`] ?? code.marks[state] ?? null;
}

/** The role of a lane for lineFor: the page's event loop (lane 0) or a worker or process. */
/** The role a lane's code is listed for: the page's thread ('main') or a worker's (threads and processes alike). */
export const codeRole = (lane) => (lane?.role === 'main' ? 'main' : 'worker');
