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
mod on_pool;
mod parallel;
pub mod processes;
mod run_state;

pub use counter::{Counter, CounterResult, Deadlock, DeadlockedTask};
pub use event_loop::{EventLoop, Permits};
pub use lock::GlobalLock;
pub use on_pool::{on_pool, PoolQueue};
pub use processes::{ProcessEvent, ProcessFailed, ProcessJob, ProcessTask, Processes};
pub use run_state::{Computing, ComputingMs, RunState, TaskTime};

use crate::cancel::Cancelled;
use crate::plan::{cpu_quantum, SplitMix};
use crate::workload::{CounterSync, Strategy, Workload};
use std::rc::Rc;
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
