//! One run, from a validated workload to its result: picks what can run here, predicts,
//! executes, and sums up the trace.

use crate::machine::Machine;
use crate::model::predicted_ms;
use crate::plan::Plan;
use crate::probe::{latency, DelayMs, LatencyMs, Probe};
use crate::strategy::{
    self, ComputingMs, CounterResult, Deadlock, Platform, RunState, Status, TaskTime,
};
use crate::trace::{busy_ms, lane_name, lane_role, LaneInfo, Span, Trace, MAIN_LANE};
use crate::workload::{CounterSync, Pool, Strategy, Workload, MAX_POOL_THREADS, MIN_POOL_THREADS};
use futures::future::{select, Either};
use futures::FutureExt;
use serde::Serialize;
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::sync::Arc;

/// How many workers a pool gets on a machine with `cores` cores (threads and processes alike).
pub fn pool_size(cores: u32) -> u32 {
    cores.clamp(MIN_POOL_THREADS, MAX_POOL_THREADS)
}

/// Where a run can execute.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// Workers in the rayon pool; 0 when there is no pool.
    pub pool_threads: u32,
    /// Why there is no thread pool, for the notice (e.g. "this page is not cross-origin
    /// isolated"); empty when there is one.
    pub no_pool_reason: String,
    /// How many processes can be started; 0 when there can be none.
    pub processes: u32,
    /// Cores of the machine (`navigator.hardwareConcurrency`), for the ideal model.
    pub cores: u32,
}

impl Host {
    /// How many workers a pool has here (0: that pool can't run).
    pub fn workers(&self, pool: Pool) -> u32 {
        match pool {
            Pool::Threads => self.pool_threads,
            Pool::Processes => self.processes,
        }
    }
}

/// The strategy a run really uses, and a notice saying why if it isn't the one asked for.
/// Without a thread pool, `parallel` and `hybrid` must not wait for workers that will never
/// come (a `rayon::spawn` nobody picks up hangs forever): parallel runs on processes where
/// there are some (the best a browser without shared memory allows), hybrid on the page's
/// thread.
pub fn effective(requested: Strategy, host: &Host) -> (Strategy, Option<String>) {
    let Some(pool) = requested.pool() else {
        return (requested, None);
    };
    if host.workers(pool) > 0 {
        return (requested, None);
    }
    let why = &host.no_pool_reason;
    match requested {
        Strategy::Parallel if host.processes > 0 => (
            Strategy::Processes,
            Some(format!(
                "Threads are off ({why}), so parallel ran as processes: workers with their \
                 own memory, which copy their input and each have their own global lock."
            )),
        ),
        Strategy::Processes => (
            Strategy::Sequential,
            Some(
                "There are no processes here (this browser can't start workers), so processes \
                 ran as sequential on the page's thread."
                    .to_string(),
            ),
        ),
        _ => {
            let instead = if requested == Strategy::Hybrid {
                Strategy::Concurrent
            } else {
                Strategy::Sequential
            };
            (
                instead,
                Some(format!(
                    "Threads are off ({why}), so {requested} ran as {instead} on the page's thread."
                )),
            )
        }
    }
}

/// The workers a run of `strategy` asking for `asked` gets here: all it asks for, or all its
/// pool has (with a notice), or 1 for the page's thread.
fn workers_for(strategy: Strategy, asked: u32, host: &Host) -> (u32, Option<String>) {
    let Some(pool) = strategy.pool() else {
        return (1, None);
    };
    let has = host.workers(pool);
    if asked <= has {
        return (asked, None);
    }
    let what = match pool {
        Pool::Threads => "worker threads",
        Pool::Processes => "processes",
    };
    let notice = format!("It asked for {asked} {what}; there are {has} here, so it ran on {has}.");
    (has, Some(notice))
}

/// What a run on processes can't share, in words: their counters and their locks are their
/// own (none when the workload has neither).
fn own_memory_notice(workload: &Workload) -> Option<String> {
    let mut parts = Vec::new();
    if workload.total_increments() > 0 && workload.sync != CounterSync::Message {
        parts.push(
            "Each process has its own memory: it counted in its own copy of the counter \
             (counter.perProcess), and the page's counter stayed 0, as a global changed in a \
             child process is unchanged in its parent; only sync: message brings the counts back."
                .to_string(),
        );
    }
    let locks = workload.lock_names();
    if !locks.is_empty() {
        parts.push(format!(
            "Each process has its own locks ({}): no process ever waits for another's, so they \
             neither exclude each other nor deadlock.",
            locks.join(", ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The lanes a run with `strategy` reports: the event loop, and every worker of the pool it
/// really uses here (those beyond the run's `threads` stay empty, which is worth seeing).
pub fn lanes(strategy: Strategy, host: &Host) -> Vec<LaneInfo> {
    let (ran, _) = effective(strategy, host);
    let pool = ran.pool();
    let workers = pool.map_or(0, |p| host.workers(p)) as u16;
    (MAIN_LANE..=workers)
        .map(|id| LaneInfo {
            id,
            name: lane_name(pool, id),
            role: lane_role(pool, id),
            busy_ms: 0.0,
        })
        .collect()
}

/// What a run will be, known as it is set up from the one reading of its workload: what JS
/// draws it with before its first span (its lanes, the ideal time that sizes its live axis,
/// its groups' names as the engine keeps them).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSetup<'a> {
    pub strategy: Strategy,
    pub requested_strategy: Strategy,
    pub threads: u32,
    pub predicted_ms: f64,
    /// Tasks in all.
    pub tasks: u32,
    pub lanes: &'a [LaneInfo],
    pub group_names: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<&'a str>,
}

/// A run that is set up and can be started, watched and cancelled.
pub struct PreparedRun {
    pub workload: Workload,
    pub requested: Strategy,
    pub strategy: Strategy,
    /// The workers it runs on (1: the page's thread).
    pub threads: u32,
    pub notice: Option<String>,
    pub predicted_ms: f64,
    pub state: Arc<RunState>,
    pub lanes: Vec<LaneInfo>,
}

impl PreparedRun {
    /// `traced`: record spans (turned off only to measure what tracing costs).
    pub fn new(plan: Plan, host: &Host, machine: Arc<dyn Machine>, traced: bool) -> PreparedRun {
        let Plan {
            workload,
            tasks,
            span_budget,
        } = plan;
        let requested = workload.strategy;
        let (strategy, fell_back) = effective(requested, host);
        let (threads, fewer) = workers_for(strategy, workload.threads, host);
        let own = (strategy == Strategy::Processes)
            .then(|| own_memory_notice(&workload))
            .flatten();
        let notices: Vec<String> = [fell_back, fewer, own].into_iter().flatten().collect();
        let notice = (!notices.is_empty()).then(|| notices.join(" "));
        let predicted_ms = predicted_ms(&workload, &tasks, strategy, threads, host.cores);
        let trace = Trace::new(span_budget, traced);
        let lanes = lanes(requested, host);
        let state = Arc::new(RunState::for_workload(&workload, tasks, machine, trace));
        PreparedRun {
            workload,
            requested,
            strategy,
            threads,
            notice,
            predicted_ms,
            state,
            lanes,
        }
    }

    pub fn cancel(&self) {
        self.state.cancel.cancel();
    }

    /// What this run will be (see [`RunSetup`]).
    pub fn setup(&self) -> RunSetup<'_> {
        RunSetup {
            strategy: self.strategy,
            requested_strategy: self.requested,
            threads: self.threads,
            predicted_ms: self.predicted_ms,
            tasks: self.state.tasks.len() as u32,
            lanes: &self.lanes,
            group_names: self
                .workload
                .groups
                .iter()
                .map(|g| g.name.as_str())
                .collect(),
            notice: self.notice.as_deref(),
        }
    }

    /// Runs to the end (or to a cancel) and sums up. `start` (on the machine's clock) is
    /// the run's time zero: wall time and span times count from it, so a live view that
    /// read spans relative to the same instant agrees with the result. Fails only when the
    /// platform fails the run (a process that can't start): the message says how.
    pub async fn execute(self, start: f64, platform: Platform) -> Result<RunResult, String> {
        self.state.begin(start);
        // The probe watches the page's event loop while the run goes; polled first, so its
        // first timer is set before the run's first piece of work.
        let probe = Probe::new();
        let event_loop = platform.event_loop.clone();
        let watching = probe.watch(&*event_loop, &*self.state.machine);
        let processes = platform.processes.clone();
        // A panic in the run (here or raised again from a worker: see `crate::panic`) ends it
        // with an error; whatever still works for it stops.
        let running = AssertUnwindSafe(strategy::run(
            self.state.clone(),
            self.strategy,
            self.threads as usize,
            platform,
        ))
        .catch_unwind();
        let status = match select(pin!(watching), pin!(running)).await {
            Either::Right((Ok(outcome), _)) => outcome?,
            Either::Right((Err(panic), _)) => {
                self.state.cancel.cancel();
                if let Some(processes) = processes {
                    processes.stop();
                }
                return Err(crate::panic::run_error(&*panic));
            }
            Either::Left(((), _)) => unreachable!("the probe watches until the run ends"),
        };
        let end = self.state.machine.now_ms();
        let event_loop_delay_ms = probe.finish(end);
        let task_times: Vec<TaskTime> = self
            .state
            .task_times()
            .into_iter()
            .map(|t| TaskTime {
                arrival: t.arrival - start,
                start: t.start.map(|s| s - start),
                end: t.end.map(|e| e - start),
                ..t
            })
            .collect();
        let spans: Vec<Span> = self
            .state
            .trace
            .spans()
            .into_iter()
            .map(|s| Span {
                start: s.start - start,
                end: s.end - start,
                ..s
            })
            .collect();
        let lanes: Vec<LaneInfo> = self
            .lanes
            .iter()
            .map(|lane| LaneInfo {
                busy_ms: busy_ms(&spans, lane.id),
                ..lane.clone()
            })
            .collect();
        let tasks_done = self.state.tasks_done();
        let deadlock = self.state.take_deadlock().map(|d| Deadlock {
            at_ms: d.at_ms - start,
            detected_ms: d.detected_ms - start,
            ..d
        });
        let processes = (self.strategy == Strategy::Processes).then_some(self.threads as usize);
        let counter = (self.workload.total_increments() > 0)
            .then(|| self.state.counter.result(self.workload.sync, processes));
        Ok(RunResult {
            counter,
            deadlock,
            lock_names: self.state.lock_names.clone(),
            counter_lock: self.state.counter_lock,
            strategy: self.strategy,
            requested_strategy: self.requested,
            threads: self.threads,
            status,
            wall_ms: end - start,
            latency_ms: latency(&task_times),
            throughput_per_s: if end > start {
                tasks_done as f64 / ((end - start) / 1e3)
            } else {
                0.0
            },
            event_loop_delay_ms,
            task_times,
            busy_ms: lanes.iter().map(|l| l.busy_ms).sum(),
            computing: self.state.computing.total(),
            predicted_ms: self.predicted_ms,
            lanes,
            notice: self.notice,
            tasks: self.state.tasks.len() as u32,
            tasks_done,
            dropped_spans: self.state.trace.dropped(),
            started_at_ms: start,
            group_names: self
                .workload
                .groups
                .iter()
                .map(|g| g.name.clone())
                .collect(),
            spans,
        })
    }
}

/// What a run measured. Span times are ms from the run's start.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunResult {
    pub strategy: Strategy,
    pub requested_strategy: Strategy,
    pub threads: u32,
    pub status: Status,
    pub wall_ms: f64,
    /// From each finished task's arrival to its end; null when none finished.
    pub latency_ms: Option<LatencyMs>,
    /// Finished tasks per second of wall time.
    pub throughput_per_s: f64,
    /// How late the page's event loop answered a timer set every 10 ms during the run; null
    /// for a run too short to ask.
    pub event_loop_delay_ms: Option<DelayMs>,
    /// When each task arrived, started (was taken) and ended, ms from the run's start.
    pub task_times: Vec<TaskTime>,
    /// Time spent computing, summed over lanes.
    pub busy_ms: f64,
    /// The calibrated work the run's completed pieces of computing did, and the time they took:
    /// their ratio is how fast its threads computed against the calibration (1: at full speed;
    /// lower: a busy machine, or more workers than cores). Null when nothing computed.
    pub computing: Option<ComputingMs>,
    /// The ideal model's wall time for this strategy (no overhead).
    pub predicted_ms: f64,
    pub lanes: Vec<LaneInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub tasks: u32,
    pub tasks_done: u32,
    pub dropped_spans: usize,
    /// The run's start on the shared clock (`performance.timeOrigin + now()` in the browser).
    pub started_at_ms: f64,
    pub group_names: Vec<String>,
    /// The shared counter: expected, final and lost; null when no group has increments.
    pub counter: Option<CounterResult>,
    /// The deadlock that stopped the run (`status: deadlocked`), times in ms from the start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadlock: Option<Deadlock>,
    /// The run's locks by index (a lock span's `lock`): the workload's names in the order they
    /// first appear, then the counter's lock (`sync: lock`).
    pub lock_names: Vec<String>,
    /// The index of the counter's lock in `lock_names`, if it has one.
    pub counter_lock: Option<u16>,
    /// Sent to JS as packed numbers, not JSON (see `web`).
    #[serde(skip)]
    pub spans: Vec<Span>,
}
