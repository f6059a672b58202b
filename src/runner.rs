//! One run, from a validated workload to its result: picks what can run here, predicts,
//! executes, and sums up the trace.

use crate::machine::Machine;
use crate::model::predicted_ms;
use crate::plan::Plan;
use crate::strategy::{self, EventLoop, RunState, Status};
use crate::trace::{busy_ms, lane_name, LaneInfo, Span, Trace, MAIN_LANE};
use crate::workload::{Limits, Strategy, Workload, MAX_POOL_THREADS, MIN_POOL_THREADS};
use serde::Serialize;
use std::rc::Rc;
use std::sync::Arc;

/// How many workers to start on a machine with `cores` cores.
pub fn pool_size(cores: u32) -> u32 {
    cores.clamp(MIN_POOL_THREADS, MAX_POOL_THREADS)
}

/// Where a run can execute.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// Workers in the rayon pool; 0 when there is no pool.
    pub pool_threads: u32,
    /// Why there is no pool, for the notice (e.g. "this page is not cross-origin isolated").
    pub no_pool_reason: String,
    /// Cores of the machine (`navigator.hardwareConcurrency`), for the ideal model.
    pub cores: u32,
}

/// The strategy a run really uses, and a notice saying why if it isn't the one asked for.
/// Without a pool, `parallel` and `hybrid` must not wait for workers that will never come
/// (a `rayon::spawn` nobody picks up hangs forever): they run on the page's thread instead.
pub fn effective(requested: Strategy, host: &Host) -> (Strategy, Option<String>) {
    if host.pool_threads > 0 || !requested.uses_workers() {
        return (requested, None);
    }
    let instead = match requested {
        Strategy::Hybrid => Strategy::Concurrent,
        _ => Strategy::Sequential,
    };
    let notice = format!(
        "Threads are off ({}), so {requested} ran as {instead} on the page's thread. \
         Open the playground in its own tab, or serve it with the cross-origin isolation \
         headers, to run on workers.",
        host.no_pool_reason
    );
    (instead, Some(notice))
}

impl Host {
    /// What a workload may ask for here: runs of up to the pool's size (at least 1).
    pub fn limits(&self) -> Limits {
        Limits::with_threads(self.pool_threads.max(1))
    }
}

/// The lanes a run with `strategy` reports: the event loop, and every worker of the pool
/// when the strategy really uses workers here (those beyond the run's `threads` stay empty,
/// which is worth seeing).
pub fn lanes(strategy: Strategy, host: &Host) -> Vec<LaneInfo> {
    let (ran, _) = effective(strategy, host);
    let workers = if ran.uses_workers() {
        host.pool_threads as u16
    } else {
        0
    };
    (MAIN_LANE..=workers)
        .map(|id| LaneInfo {
            id,
            name: lane_name(id),
            busy_ms: 0.0,
        })
        .collect()
}

/// A run that is set up and can be started, watched and cancelled.
pub struct PreparedRun {
    pub workload: Workload,
    pub requested: Strategy,
    pub strategy: Strategy,
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
        let (strategy, notice) = effective(requested, host);
        let threads = if strategy.uses_workers() {
            workload.threads.min(host.pool_threads)
        } else {
            1
        };
        let predicted_ms = predicted_ms(&workload, &tasks, strategy, host.cores);
        let trace = Trace::new(span_budget, traced);
        let lanes = lanes(requested, host);
        let state = Arc::new(RunState::new(&workload, tasks, machine, trace));
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

    /// Runs to the end (or to a cancel) and sums up. `start` (on the machine's clock) is
    /// the run's time zero: wall time and span times count from it, so a live view that
    /// read spans relative to the same instant agrees with the result.
    pub async fn execute(self, start: f64, event_loop: Rc<dyn EventLoop>) -> RunResult {
        let status = strategy::run(
            self.state.clone(),
            self.strategy,
            self.threads as usize,
            event_loop,
        )
        .await;
        let end = self.state.machine.now_ms();
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
        RunResult {
            strategy: self.strategy,
            requested_strategy: self.requested,
            threads: self.threads,
            status,
            wall_ms: end - start,
            busy_ms: lanes.iter().map(|l| l.busy_ms).sum(),
            predicted_ms: self.predicted_ms,
            lanes,
            notice: self.notice,
            tasks: self.state.tasks.len() as u32,
            tasks_done: self.state.tasks_done(),
            dropped_spans: self.state.trace.dropped(),
            started_at_ms: start,
            group_names: self
                .workload
                .groups
                .iter()
                .map(|g| g.name.clone())
                .collect(),
            spans,
        }
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
    /// Time spent computing, summed over lanes.
    pub busy_ms: f64,
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
    /// Sent to JS as packed numbers, not JSON (see `web`).
    #[serde(skip)]
    pub spans: Vec<Span>,
}
