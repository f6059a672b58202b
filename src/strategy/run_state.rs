//! The state every thread of one run shares: the tasks and their times, the trace, the cancel,
//! the global lock, the shared counter and the named locks, and how fast computing went.

use super::counter::TaskCtx;
use super::locks::LockTable;
use super::{input_bytes, Counter, Deadlock, GlobalLock, Settings, COUNTER_LOCK, MIN_LOCK_WAIT_MS};
use crate::cancel::{Cancel, Cancelled};
use crate::machine::{checksum, Machine, SINK};
use crate::plan::{arrival_order, pieces, slices, Piece, Task};
use crate::trace::{current_lane, Detail, Span, SpanKind, Trace};
use crate::workload::{CounterSync, Workload};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

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
    pub(super) deadlock: wasm_sync::Mutex<Option<Deadlock>>,
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
    pub(super) fn task_started(&self, task: &Task) {
        self.started[task.id as usize].set_once(self.machine.now_ms());
    }

    pub(super) fn task_finished(&self, task: &Task) {
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

    pub(super) fn record(&self, task: &Task, step: usize, kind: SpanKind, start: f64, end: f64) {
        self.record_detail(task, step, kind, start, end, Detail::None);
    }

    pub(super) fn record_detail(
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
    pub(super) fn read_input(&self, task: &Task, step: usize, kb: u32) {
        let start = self.machine.now_ms();
        let bytes = &self.input[..(kb as usize * 1024).min(self.input.len())];
        SINK.fetch_xor(checksum(bytes), Ordering::Relaxed);
        self.record(task, step, SpanKind::Cpu, start, self.machine.now_ms());
    }

    /// Computes one slice on the calling thread, holding the global lock if there is one.
    /// Records the lock wait (if it was long enough to matter) and the computing, including
    /// the part done before a cancel.
    pub(super) fn compute_slice(&self, task: &Task, step: usize, ms: f64) -> Result<(), Cancelled> {
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
    pub(super) fn compute_on_worker(
        &self,
        task: &Task,
        step: usize,
        ms: f64,
    ) -> Result<(), Cancelled> {
        for slice in slices(ms, self.settings.worker_quantum) {
            self.compute_slice(task, step, slice)?;
        }
        Ok(())
    }

    /// Does one piece of work of a task on the calling (worker or process) thread: reading, a
    /// slice of computing, or waiting, which blocks the thread as a system call would. (The
    /// counter's and the locks' instants need the task's context: [`TaskCtx`].)
    pub(super) fn run_piece(
        &self,
        task: &Task,
        step: usize,
        piece: Piece,
    ) -> Result<(), Cancelled> {
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
    pub(super) fn run_task_blocking(&self, task: &Task) -> Result<(), Cancelled> {
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
