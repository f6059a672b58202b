//! The five ways to run a workload, on one shared run state.
//!
//! - `sequential` and `concurrent` run every piece on the page's event loop: computing blocks
//!   it (unless it yields every `yieldMs`), waiting is a timer future. Sequential awaits one
//!   task after another; concurrent polls all of them at once, so waits overlap.
//! - `parallel` hands the whole run to the rayon pool: `threads` workers each take the next
//!   task and run it start to finish, blocking through its waits like a thread in a system call.
//! - `hybrid` keeps the tasks as futures on the event loop but hands every piece of computing
//!   to the pool, at most `threads` at once.
//! - `processes` hands each task, by message, to a free process: a worker with its own memory
//!   and its own instance of the module, which runs it start to finish (see [`processes`]).
//!
//! The page's main thread never blocks or spins on rayon: it hands work over with
//! `rayon::spawn` and awaits a oneshot channel (see [`on_pool`]).

mod counter;
mod event_loop;
mod lock;
pub mod locks;
mod parallel;
pub mod processes;

pub use counter::{Counter, CounterResult, Deadlock, DeadlockedTask};
pub use event_loop::{EventLoop, Permits};
pub use lock::GlobalLock;
pub use processes::{ProcessEvent, ProcessFailed, ProcessJob, ProcessTask, Processes};

use crate::cancel::{Cancel, Cancelled};
use crate::machine::{checksum, Machine, SINK};
use crate::plan::{arrival_order, cpu_quantum, pieces, slices, Piece, SplitMix, Task};
use crate::trace::{current_lane, Detail, Span, SpanKind, Trace};
use crate::workload::{CounterSync, Strategy, Workload};
use counter::TaskCtx;
use locks::LockTable;
use std::rc::Rc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

/// Lock waits shorter than this are not recorded: the uncontended case costs ~0.
pub const MIN_LOCK_WAIT_MS: f64 = 0.02;

/// How a run's threads compute: with or without the global lock, and in slices how long.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    pub global_lock: bool,
    /// Slice computing on the event loop into pieces this long, yielding between them.
    pub event_loop_quantum: Option<f64>,
    /// Slice computing on workers into pieces this long (the global lock's switch interval).
    pub worker_quantum: Option<f64>,
    /// How tasks update the shared counter.
    pub sync: CounterSync,
}

impl Settings {
    pub fn of(workload: &Workload) -> Settings {
        Settings {
            global_lock: workload.global_lock,
            event_loop_quantum: cpu_quantum(workload, true),
            worker_quantum: cpu_quantum(workload, false),
            sync: workload.sync,
        }
    }
}

/// The input the tasks of a run read: `kb` KiB of bytes drawn from `seed`, the same every time.
pub fn input_bytes(kb: u32, seed: u32) -> Vec<u8> {
    let mut rng = SplitMix::new(seed as u64 ^ 0xDA7A);
    let mut bytes = Vec::with_capacity(kb as usize * 1024);
    while bytes.len() < kb as usize * 1024 {
        bytes.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    bytes
}

/// An instant on the machine's clock held in an atomic (f64 bits), unset until stored.
struct Instant(AtomicU64);

impl Instant {
    const UNSET: u64 = u64::MAX; // a NaN: no clock reads it

    fn new() -> Instant {
        Instant(AtomicU64::new(Instant::UNSET))
    }

    fn get(&self) -> Option<f64> {
        let bits = self.0.load(Ordering::Relaxed);
        (bits != Instant::UNSET).then(|| f64::from_bits(bits))
    }

    /// Stores `at` unless an instant is already stored.
    fn set_once(&self, at: f64) {
        let _ = self.0.compare_exchange(
            Instant::UNSET,
            at.to_bits(),
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }
}

/// How fast a run's threads computed: the calibrated work they did (`nominal`) against the time
/// they took doing it (`measured`), over every completed piece of computing (not reading input,
/// not waiting for a lock). At the calibrated speed the two agree; a busy machine, or more
/// workers than cores taking turns, makes `measured` longer.
#[derive(Default)]
pub struct Computing {
    nominal_ns: AtomicU64,
    measured_ns: AtomicU64,
}

/// [`Computing`] as a result carries it, ms.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComputingMs {
    pub nominal_ms: f64,
    pub measured_ms: f64,
}

impl Computing {
    /// A piece of `nominal_ms` of calibrated work took `measured_ms`.
    pub fn add(&self, nominal_ms: f64, measured_ms: f64) {
        let ns = |ms: f64| (ms.max(0.0) * 1e6).round() as u64;
        self.nominal_ns.fetch_add(ns(nominal_ms), Ordering::Relaxed);
        self.measured_ns
            .fetch_add(ns(measured_ms), Ordering::Relaxed);
    }

    /// What was computed so far; `None` if nothing was.
    pub fn total(&self) -> Option<ComputingMs> {
        let nominal = self.nominal_ns.load(Ordering::Relaxed);
        let measured = self.measured_ns.load(Ordering::Relaxed);
        (nominal > 0 && measured > 0).then(|| ComputingMs {
            nominal_ms: nominal as f64 / 1e6,
            measured_ms: measured as f64 / 1e6,
        })
    }
}

/// When a task arrived, started (was taken by a thread, worker or process) and ended, on the
/// machine's clock (in a result: ms from the run's start; null: not yet).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct TaskTime {
    pub task: u32,
    pub group: u16,
    pub arrival: f64,
    pub start: Option<f64>,
    pub end: Option<f64>,
}

/// Everything the threads of one run share.
pub struct RunState {
    pub machine: Arc<dyn Machine>,
    pub trace: Trace,
    pub cancel: Cancel,
    pub lock: Option<GlobalLock>,
    pub tasks: Vec<Task>,
    /// The tasks' indices in the order they arrive: the order they are taken in.
    pub order: Vec<usize>,
    pub settings: Settings,
    /// The tasks' input, in memory every thread of the run shares (a process gets a copy).
    pub input: Arc<[u8]>,
    /// The shared counter, in memory every thread of the run shares (a process has its own).
    pub counter: Counter,
    /// The run's named locks (and, with `sync: lock`, the counter's), by index.
    pub locks: LockTable,
    /// Their names: the workload's lock names, then the counter's lock if it has one.
    pub lock_names: Vec<String>,
    /// The index of the counter's lock (`sync: lock` with increments), if there is one.
    pub counter_lock: Option<u16>,
    /// The deadlock that ended the run, if one did.
    deadlock: wasm_sync::Mutex<Option<Deadlock>>,
    /// How fast the run's threads computed (see [`Computing`]).
    pub computing: Computing,
    tasks_done: AtomicU32,
    /// The run's start (see [`RunState::begin`]): arrivals count from it.
    origin: Instant,
    started: Box<[Instant]>,
    ended: Box<[Instant]>,
}

impl RunState {
    /// `lock_names`: the named locks the tasks take (their `locks` index it).
    pub fn new(
        settings: Settings,
        tasks: Vec<Task>,
        input: Arc<[u8]>,
        machine: Arc<dyn Machine>,
        trace: Trace,
        mut lock_names: Vec<String>,
    ) -> RunState {
        let times = || tasks.iter().map(|_| Instant::new()).collect();
        let increments = tasks.iter().any(|t| t.increments > 0);
        let counter_lock = (settings.sync == CounterSync::Lock && increments).then(|| {
            lock_names.push(COUNTER_LOCK.to_string());
            (lock_names.len() - 1) as u16
        });
        RunState {
            machine,
            trace,
            cancel: Cancel::new(),
            lock: settings.global_lock.then(GlobalLock::new),
            order: arrival_order(&tasks),
            started: times(),
            ended: times(),
            counter: Counter::new(tasks.len()),
            locks: LockTable::new(lock_names.len()),
            lock_names,
            counter_lock,
            deadlock: wasm_sync::Mutex::new(None),
            tasks,
            settings,
            input,
            computing: Computing::default(),
            tasks_done: AtomicU32::new(0),
            origin: Instant::new(),
        }
    }

    /// The state of a run of `workload`'s `tasks`, with their input drawn from its seed.
    pub fn for_workload(
        workload: &Workload,
        tasks: Vec<Task>,
        machine: Arc<dyn Machine>,
        trace: Trace,
    ) -> RunState {
        let kb = tasks.iter().map(|t| t.data_kb).max().unwrap_or(0);
        let input = input_bytes(kb, workload.seed).into();
        RunState::new(
            Settings::of(workload),
            tasks,
            input,
            machine,
            trace,
            workload.lock_names(),
        )
    }

    /// Whether the run was stopped by a deadlock.
    pub fn deadlocked_run(&self) -> bool {
        self.deadlock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// The deadlock that ended the run, if one did (taken: once, for the result).
    pub fn take_deadlock(&self) -> Option<Deadlock> {
        self.deadlock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    pub fn tasks_done(&self) -> u32 {
        self.tasks_done.load(Ordering::Relaxed)
    }

    /// The run starts now, at `at` on the machine's clock: tasks arrive from then on.
    pub fn begin(&self, at: f64) {
        self.origin.set_once(at);
    }

    /// When `task` arrives, on the machine's clock.
    pub fn arrives_at(&self, task: &Task) -> f64 {
        self.origin.get().unwrap_or(0.0) + task.arrival_ms
    }

    /// `task` is taken (by a thread, a worker or a process): it is no longer waiting to start.
    fn task_started(&self, task: &Task) {
        self.started[task.id as usize].set_once(self.machine.now_ms());
    }

    fn task_finished(&self, task: &Task) {
        self.ended[task.id as usize].set_once(self.machine.now_ms());
        self.tasks_done.fetch_add(1, Ordering::Relaxed);
    }

    /// When each task arrived, started and ended (so far), in task order.
    pub fn task_times(&self) -> Vec<TaskTime> {
        self.tasks
            .iter()
            .map(|task| TaskTime {
                task: task.id,
                group: task.group,
                arrival: self.arrives_at(task),
                start: self.started[task.id as usize].get(),
                end: self.ended[task.id as usize].get(),
            })
            .collect()
    }

    fn record(&self, task: &Task, step: usize, kind: SpanKind, start: f64, end: f64) {
        self.record_detail(task, step, kind, start, end, Detail::None);
    }

    fn record_detail(
        &self,
        task: &Task,
        step: usize,
        kind: SpanKind,
        start: f64,
        end: f64,
        detail: Detail,
    ) {
        self.trace.record(Span {
            task: task.id,
            group: task.group,
            step: step as u16,
            lane: current_lane(),
            kind,
            start,
            end,
            detail,
        });
    }

    /// Reads (checksums) the task's `kb` KiB of input where it is, and records it as computing.
    fn read_input(&self, task: &Task, step: usize, kb: u32) {
        let start = self.machine.now_ms();
        let bytes = &self.input[..(kb as usize * 1024).min(self.input.len())];
        SINK.fetch_xor(checksum(bytes), Ordering::Relaxed);
        self.record(task, step, SpanKind::Cpu, start, self.machine.now_ms());
    }

    /// Computes one slice on the calling thread, holding the global lock if there is one.
    /// Records the lock wait (if it was long enough to matter) and the computing, including
    /// the part done before a cancel.
    fn compute_slice(&self, task: &Task, step: usize, ms: f64) -> Result<(), Cancelled> {
        let _held = match &self.lock {
            Some(lock) => {
                let asked = self.machine.now_ms();
                let held = lock.acquire(&self.cancel)?;
                let got = self.machine.now_ms();
                if got - asked >= MIN_LOCK_WAIT_MS {
                    self.record(task, step, SpanKind::LockWait, asked, got);
                }
                Some(held)
            }
            None => None,
        };
        let start = self.machine.now_ms();
        let outcome = self.machine.compute(ms, &self.cancel);
        let end = self.machine.now_ms();
        self.record(task, step, SpanKind::Cpu, start, end);
        if outcome.is_ok() {
            self.computing.add(ms, end - start);
        }
        outcome
    }

    /// Computes `ms` on a worker thread: in switch-interval slices under the global lock,
    /// else in one piece.
    fn compute_on_worker(&self, task: &Task, step: usize, ms: f64) -> Result<(), Cancelled> {
        for slice in slices(ms, self.settings.worker_quantum) {
            self.compute_slice(task, step, slice)?;
        }
        Ok(())
    }

    /// Does one piece of work of a task on the calling (worker or process) thread: reading, a
    /// slice of computing, or waiting, which blocks the thread as a system call would. (The
    /// counter's and the locks' instants need the task's context: [`TaskCtx`].)
    fn run_piece(&self, task: &Task, step: usize, piece: Piece) -> Result<(), Cancelled> {
        match piece {
            Piece::Read { kb } => {
                self.read_input(task, step, kb);
                self.cancel.check()
            }
            Piece::Compute { ms } => self.compute_slice(task, step, ms),
            Piece::Wait { ms } => {
                let start = self.machine.now_ms();
                let outcome = self.machine.block(ms, &self.cancel);
                self.record(task, step, SpanKind::Io, start, self.machine.now_ms());
                outcome
            }
            Piece::Take { .. } | Piece::Load | Piece::Store | Piece::Release => Ok(()),
        }
    }

    /// Runs a whole task on the calling (worker) thread, once it has arrived: until then the
    /// thread waits, idle, as a server's thread waits for the next request.
    fn run_task_blocking(&self, task: &Task) -> Result<(), Cancelled> {
        let wait = self.arrives_at(task) - self.machine.now_ms();
        if wait > 0.0 {
            self.machine.block(wait, &self.cancel)?;
        }
        self.task_started(task);
        // Its locks (and the counter's) are taken blocking this thread, as a thread waits
        // for a mutex.
        let mut ctx = TaskCtx::new(self, task);
        for (step, piece) in pieces(task, self.settings.worker_quantum) {
            if piece.is_instant() {
                ctx.instant_blocking(step, piece)?;
                continue;
            }
            self.run_piece(task, step, piece)?;
        }
        ctx.finish();
        self.task_finished(task);
        Ok(())
    }
}

/// The name the counter's own lock goes by among the run's locks (`sync: lock`). Workload lock
/// names are letters, digits, `_` and `-`: this one, with its space, is never one of them.
pub const COUNTER_LOCK: &str = "the counter's lock";

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Completed,
    Cancelled,
    /// Its tasks waited for each other's locks in a cycle: the engine stopped it.
    Deadlocked,
}

/// Why a run stopped before its end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Halt {
    /// Someone cancelled it.
    Cancelled,
    /// The platform failed it (a process could not start, or died): the message says how.
    Failed(String),
}

impl From<Cancelled> for Halt {
    fn from(_: Cancelled) -> Halt {
        Halt::Cancelled
    }
}

/// What the platform gives a run besides rayon's threads: the page's event loop, and
/// processes where it can start them.
#[derive(Clone)]
pub struct Platform {
    pub event_loop: Rc<dyn EventLoop>,
    pub processes: Option<Rc<dyn Processes>>,
}

/// Races `future` against the run's cancel.
pub(crate) async fn cancellable<T>(
    state: &RunState,
    future: impl std::future::Future<Output = T>,
) -> Result<T, Cancelled> {
    use futures::future::{select, Either};
    use std::pin::pin;
    state.cancel.check()?;
    match select(pin!(future), pin!(state.cancel.cancelled())).await {
        Either::Left((value, _)) => Ok(value),
        Either::Right((cancelled, _)) => Err(cancelled),
    }
}

/// Runs `f` on the rayon pool and awaits its result without blocking the calling thread:
/// the pattern that keeps the page's main thread free (measured 1.9x and 60 fps, where a
/// `par_iter` called from the main thread froze the page at 1.2x). Callers must check that a
/// pool exists: without one (a page that isn't cross-origin isolated) nothing picks the job up.
pub async fn on_pool<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, Cancelled> {
    let (sender, receiver) = futures::channel::oneshot::channel();
    rayon::spawn(move || {
        let _ = sender.send(crate::panic::catch(f));
    });
    returned(receiver.await)
}

/// What a job on the pool returned, or its panic raised again on this thread (the run's own
/// catch ends the run with it: see [`crate::panic`]).
fn returned<R>(
    received: Result<Result<R, crate::panic::Payload>, futures::channel::oneshot::Canceled>,
) -> Result<R, Cancelled> {
    match received {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(panic)) => crate::panic::raise(panic),
        // Dropped unsent: the queue's jobs ended (the run is over).
        Err(_) => Err(Cancelled),
    }
}

/// A piece of work for a [`PoolQueue`].
type Job = Box<dyn FnOnce() + Send>;

/// Pieces handed to a [`PoolQueue`] at most, per worker: the one computing and the next ones
/// waiting for it.
const QUEUED_PER_WORKER: usize = 8;

/// Hands many short pieces of work to `workers` jobs on the rayon pool, through a queue, for
/// as long as it lives (one `hybrid` run); dropping it ends those jobs once the queue is empty.
///
/// [`on_pool`] per piece costs a round trip for each: the worker's result wakes the event loop
/// (the waker, `Atomics.waitAsync`, a task), which hands the next piece over, and rayon wakes a
/// worker that went to sleep meanwhile. Measured (./build.sh bench): a worker stood idle a
/// median 0.2 ms between pieces, and 1,000 pieces of 0.2 ms ran at 1.05x on 2 workers. Here up to
/// [`QUEUED_PER_WORKER`] pieces per worker are handed over ahead, so a worker that finishes one
/// takes the next at once, and the event loop's round trip overlaps computing.
///
/// Only `workers` jobs take from the queue: at most that many pieces compute at once (the
/// run's `threads`), however many the pool has.
///
/// The queue's lock is `wasm_sync`'s, which the page's thread spins for instead of waiting:
/// a browser throws on `Atomics.wait` there. (With `std::sync::mpsc` the page's thread
/// sometimes had to wait for the channel's own lock while a worker held it, as it handed a
/// piece over or dropped the queue: "Atomics.wait cannot be called in this context", the
/// module terminated and the run never ended. Measured: once in about 40 hybrid runs
/// cancelled while 4 tasks computed on 2 workers.)
pub struct PoolQueue {
    shared: Arc<QueueShared>,
    /// How many pieces are handed over (computing or queued) at once.
    pub permits: Permits,
}

/// The pieces waiting for a worker, and whether the queue is closed (its run is over).
struct QueueShared {
    state: wasm_sync::Mutex<QueueState>,
    /// Signalled when a piece is queued or the queue closes. Only workers wait on it.
    ready: wasm_sync::Condvar,
}

#[derive(Default)]
struct QueueState {
    jobs: std::collections::VecDeque<Job>,
    closed: bool,
}

impl QueueShared {
    /// The next piece, waiting for one (on a worker); `None` once the queue is closed and
    /// empty.
    fn next(&self) -> Option<Job> {
        let mut state = self.state.lock().ok()?;
        loop {
            if let Some(job) = state.jobs.pop_front() {
                return Some(job);
            }
            if state.closed {
                return None;
            }
            state = self.ready.wait(state).ok()?;
        }
    }

    /// Queues `job` for a worker; `false` if the queue is closed.
    fn push(&self, job: Job) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        if state.closed {
            return false;
        }
        state.jobs.push_back(job);
        drop(state);
        self.ready.notify_one();
        true
    }

    /// Closes the queue: workers take what is left in it, then their jobs end.
    fn close(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.closed = true;
        }
        self.ready.notify_all();
    }
}

impl PoolQueue {
    /// Starts `workers` jobs on the pool that run queued pieces until the queue is dropped.
    /// Callers must check that a pool exists (see [`on_pool`]).
    pub fn start(workers: usize) -> PoolQueue {
        let shared = Arc::new(QueueShared {
            state: wasm_sync::Mutex::new(QueueState::default()),
            ready: wasm_sync::Condvar::new(),
        });
        for _ in 0..workers.max(1) {
            let shared = shared.clone();
            rayon::spawn(move || {
                while let Some(job) = shared.next() {
                    job();
                }
            });
        }
        PoolQueue {
            shared,
            permits: Permits::new(workers.max(1) * QUEUED_PER_WORKER),
        }
    }

    /// Runs `f` on one of the queue's workers and awaits its result without blocking the
    /// calling thread. Take a permit first: it bounds how many pieces are handed over.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, Cancelled> {
        let (sender, receiver) = futures::channel::oneshot::channel();
        let queued = self.shared.push(Box::new(move || {
            let _ = sender.send(crate::panic::catch(f));
        }));
        if !queued {
            return Err(Cancelled);
        }
        returned(receiver.await)
    }
}

impl Drop for PoolQueue {
    fn drop(&mut self) {
        self.shared.close();
    }
}

/// Runs the whole workload with `strategy` (one that can run here: see `runner::effective`).
/// `workers` is how many workers `parallel`, `hybrid` and `processes` may use. Fails only
/// when the platform does (a process that can't start): the message says how.
pub async fn run(
    state: Arc<RunState>,
    strategy: Strategy,
    workers: usize,
    platform: Platform,
) -> Result<Status, String> {
    let event_loop = &*platform.event_loop;
    let outcome: Result<(), Halt> = match strategy {
        Strategy::Sequential => event_loop::sequential(&state, event_loop)
            .await
            .map_err(Halt::from),
        Strategy::Concurrent => event_loop::concurrent(&state, event_loop, None)
            .await
            .map_err(Halt::from),
        Strategy::Hybrid => {
            let pool = PoolQueue::start(workers);
            event_loop::concurrent(&state, event_loop, Some(&pool))
                .await
                .map_err(Halt::from)
        }
        Strategy::Parallel => {
            let shared = state.clone();
            on_pool(move || parallel::run(&shared, workers))
                .await
                .and_then(|r| r)
                .map_err(Halt::from)
        }
        Strategy::Processes => match &platform.processes {
            Some(pool) => processes::run(&state, &**pool, workers, event_loop).await,
            None => Err(Halt::Failed("there are no processes here".into())),
        },
    };
    match outcome {
        Ok(()) if !state.cancel.is_cancelled() => Ok(Status::Completed),
        Err(Halt::Failed(message)) => Err(message),
        _ if state.deadlocked_run() => Ok(Status::Deadlocked),
        _ => Ok(Status::Cancelled),
    }
}

#[cfg(test)]
mod tests;
