//! The four ways to run a workload, on one shared run state.
//!
//! - `sequential` and `concurrent` run every piece on the page's event loop: computing blocks
//!   it (unless it yields every `yieldMs`), waiting is a timer future. Sequential awaits one
//!   task after another; concurrent polls all of them at once, so waits overlap.
//! - `parallel` hands the whole run to the rayon pool: `threads` workers each take the next
//!   task and run it start to finish, blocking through its waits like a thread in a system call.
//! - `hybrid` keeps the tasks as futures on the event loop but hands every piece of computing
//!   to the pool, at most `threads` at once.
//!
//! The page's main thread never blocks or spins on rayon: it hands work over with
//! `rayon::spawn` and awaits a oneshot channel (see [`on_pool`]).

mod event_loop;
mod lock;
mod parallel;

pub use event_loop::{EventLoop, Permits};
pub use lock::GlobalLock;

use crate::cancel::{Cancel, Cancelled};
use crate::machine::Machine;
use crate::plan::{cpu_quantum, slices, Task};
use crate::trace::{current_lane, Span, SpanKind, Trace};
use crate::workload::Strategy;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// Lock waits shorter than this are not recorded: the uncontended case costs ~0.
pub const MIN_LOCK_WAIT_MS: f64 = 0.02;

/// Everything the threads of one run share.
pub struct RunState {
    pub machine: Arc<dyn Machine>,
    pub trace: Trace,
    pub cancel: Cancel,
    pub lock: Option<GlobalLock>,
    pub tasks: Vec<Task>,
    /// Slice computing on the event loop into pieces this long, yielding between them.
    pub event_loop_quantum: Option<f64>,
    /// Slice computing on workers into pieces this long (the global lock's switch interval).
    pub worker_quantum: Option<f64>,
    tasks_done: AtomicU32,
}

impl RunState {
    pub fn new(
        workload: &crate::workload::Workload,
        tasks: Vec<Task>,
        machine: Arc<dyn Machine>,
        trace: Trace,
    ) -> RunState {
        RunState {
            machine,
            trace,
            cancel: Cancel::new(),
            lock: workload.global_lock.then(GlobalLock::new),
            tasks,
            event_loop_quantum: cpu_quantum(workload, true),
            worker_quantum: cpu_quantum(workload, false),
            tasks_done: AtomicU32::new(0),
        }
    }

    pub fn tasks_done(&self) -> u32 {
        self.tasks_done.load(Ordering::Relaxed)
    }

    fn task_finished(&self) {
        self.tasks_done.fetch_add(1, Ordering::Relaxed);
    }

    fn record(&self, task: &Task, step: usize, kind: SpanKind, start: f64, end: f64) {
        self.trace.record(Span {
            task: task.id,
            group: task.group,
            step: step as u16,
            lane: current_lane(),
            kind,
            start,
            end,
        });
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
        self.record(task, step, SpanKind::Cpu, start, self.machine.now_ms());
        outcome
    }

    /// Computes `ms` on a worker thread: in switch-interval slices under the global lock,
    /// else in one piece.
    fn compute_on_worker(&self, task: &Task, step: usize, ms: f64) -> Result<(), Cancelled> {
        for slice in slices(ms, self.worker_quantum) {
            self.compute_slice(task, step, slice)?;
        }
        Ok(())
    }

    /// Blocks a worker thread for `ms` and records the wait.
    fn block_on_worker(&self, task: &Task, step: usize, ms: f64) -> Result<(), Cancelled> {
        let start = self.machine.now_ms();
        let outcome = self.machine.block(ms, &self.cancel);
        self.record(task, step, SpanKind::Io, start, self.machine.now_ms());
        outcome
    }

    /// Runs a whole task on the calling (worker) thread.
    fn run_task_blocking(&self, task: &Task) -> Result<(), Cancelled> {
        for (step, piece) in task.steps.iter().enumerate() {
            if piece.cpu_ms > 0.0 {
                self.compute_on_worker(task, step, piece.cpu_ms)?;
            }
            if piece.io_ms > 0.0 {
                self.block_on_worker(task, step, piece.io_ms)?;
            }
        }
        self.task_finished();
        Ok(())
    }
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Completed,
    Cancelled,
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
        let _ = sender.send(f());
    });
    // The sender is only dropped unsent if the job panicked; the run can't go on.
    receiver.await.map_err(|_| Cancelled)
}

/// Runs the whole workload with `strategy` (one that can run here: see `runner::effective`).
/// `threads` is how many workers `parallel` and `hybrid` may use.
pub async fn run(
    state: Arc<RunState>,
    strategy: Strategy,
    threads: usize,
    event_loop: std::rc::Rc<dyn EventLoop>,
) -> Status {
    let outcome = match strategy {
        Strategy::Sequential => event_loop::sequential(&state, &*event_loop).await,
        Strategy::Concurrent => event_loop::concurrent(&state, &*event_loop, None).await,
        Strategy::Hybrid => {
            event_loop::concurrent(&state, &*event_loop, Some(Permits::new(threads))).await
        }
        Strategy::Parallel => {
            let shared = state.clone();
            on_pool(move || parallel::run(&shared, threads))
                .await
                .and_then(|r| r)
        }
    };
    match outcome {
        Ok(()) if !state.cancel.is_cancelled() => Status::Completed,
        _ => Status::Cancelled,
    }
}

#[cfg(test)]
mod tests;
