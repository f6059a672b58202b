//! From a workload to the plan a run executes: the concrete tasks (ids, steps, jitter
//! applied) and the span budget the trace is sized to, checked against its limit.

use crate::workload::{FieldError, Limits, Workload, WorkloadError};
use serde::{Deserialize, Serialize};

/// How long a thread computes under the global lock before it lets another one take it:
/// CPython's default switch interval (`sys.getswitchinterval()` is 0.005 s).
pub const SWITCH_INTERVAL_MS: f64 = 5.0;

/// One step of a task: `cpu_ms` of computing, then `io_ms` of waiting.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub cpu_ms: f64,
    pub io_ms: f64,
}

/// One task, ready to run (and to send to a process: it crosses as JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Position over all groups, from 0.
    pub id: u32,
    /// Index of its group in the workload.
    pub group: u16,
    /// Input it reads before computing, KiB.
    pub data_kb: u32,
    /// When it arrives, ms after the run starts: no strategy starts it before.
    pub arrival_ms: f64,
    pub steps: Vec<Step>,
}

impl Task {
    pub fn cpu_ms(&self) -> f64 {
        self.steps.iter().map(|s| s.cpu_ms).sum()
    }
    pub fn total_ms(&self) -> f64 {
        self.steps.iter().map(|s| s.cpu_ms + s.io_ms).sum()
    }
}

/// A valid workload and what running it takes. The only way to a run: a workload whose plan
/// would record more spans than [`Limits::max_spans`] is rejected here, once.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub workload: Workload,
    pub tasks: Vec<Task>,
    /// An upper bound on the spans any strategy records (see [`span_budget`]).
    pub span_budget: usize,
}

impl Plan {
    /// Validates JSON text (see [`Workload::from_json`]) and plans it.
    pub fn from_json(text: &str, limits: &Limits) -> Result<Plan, WorkloadError> {
        Plan::new(Workload::from_json(text, limits)?, limits)
    }

    pub fn new(workload: Workload, limits: &Limits) -> Result<Plan, WorkloadError> {
        let spans = span_budget(&workload);
        if spans > limits.max_spans {
            return Err(WorkloadError {
                errors: vec![FieldError {
                    field: "groups".into(),
                    message: format!(
                        "this workload would record about {spans} spans, over the limit of {}: \
                         use fewer tasks or steps, or a larger yieldMs",
                        limits.max_spans
                    ),
                }],
            });
        }
        Ok(Plan {
            tasks: tasks(&workload),
            // Room for a process's start on each lane, too.
            span_budget: spans + crate::workload::MAX_POOL_THREADS as usize,
            workload,
        })
    }
}

/// The tasks of a workload, in order: group by group. With `jitter` > 0, every piece of work
/// is scaled by a factor in `1 +- jitter`, drawn from a generator seeded by `seed` and the
/// task's id, so the same workload always gives the same tasks.
pub fn tasks(workload: &Workload) -> Vec<Task> {
    let mut tasks = Vec::with_capacity(workload.task_count() as usize);
    for (group_index, group) in workload.groups.iter().enumerate() {
        for k in 0..group.count {
            let id = tasks.len() as u32;
            let mut rng = SplitMix::new(((workload.seed as u64) << 32) | id as u64);
            let mut vary = |ms: f64| {
                if workload.jitter == 0.0 || ms == 0.0 {
                    ms
                } else {
                    ms * (1.0 + workload.jitter * rng.signed_unit())
                }
            };
            let steps = (0..group.steps)
                .map(|_| Step {
                    cpu_ms: vary(group.cpu_ms),
                    io_ms: vary(group.io_ms),
                })
                .collect();
            tasks.push(Task {
                id,
                group: group_index as u16,
                data_kb: group.data_kb,
                arrival_ms: k as f64 * group.every_ms,
                steps,
            });
        }
    }
    tasks
}

/// The tasks' indices in the order they arrive (by arrival, then id): the order a worker or
/// process takes them in, and a sequential run runs them in. Without arrivals, id order.
pub fn arrival_order(tasks: &[Task]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by(|&a, &b| {
        tasks[a]
            .arrival_ms
            .total_cmp(&tasks[b].arrival_ms)
            .then(a.cmp(&b))
    });
    order
}

/// The longest slice of computing that runs without a break, if computing is sliced: on the
/// event loop every `yield_ms` (it yields), on workers under the global lock every
/// [`SWITCH_INTERVAL_MS`] (it hands the lock over).
pub fn cpu_quantum(workload: &Workload, on_event_loop: bool) -> Option<f64> {
    if on_event_loop {
        (workload.yield_ms > 0.0).then_some(workload.yield_ms)
    } else {
        workload.global_lock.then_some(SWITCH_INTERVAL_MS)
    }
}

/// The slices `ms` of computing is cut into: pieces of at most `quantum` (see
/// [`cpu_quantum`]), or one piece when computing isn't sliced.
pub fn slices(ms: f64, quantum: Option<f64>) -> impl Iterator<Item = f64> {
    let quantum = quantum.unwrap_or(f64::INFINITY);
    let mut left = ms;
    std::iter::from_fn(move || {
        (left > 0.0).then(|| {
            let slice = left.min(quantum);
            left -= slice;
            slice
        })
    })
}

/// One piece of a task's work, as a thread does it: the steps of [`pieces`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Piece {
    /// Read (checksum) the task's input: computing on data.
    Read { kb: u32 },
    /// A slice of computing.
    Compute { ms: f64 },
    /// Waiting.
    Wait { ms: f64 },
}

/// The pieces of `task` in order, each with its step: the input read first (if any), then per
/// step its computing in slices of at most `quantum` (see [`cpu_quantum`]), then its wait.
pub fn pieces(task: &Task, quantum: Option<f64>) -> Vec<(usize, Piece)> {
    let read = (task.data_kb > 0).then_some((0, Piece::Read { kb: task.data_kb }));
    let steps = task.steps.iter().enumerate().flat_map(move |(step, s)| {
        let compute = slices(s.cpu_ms, quantum).map(move |ms| (step, Piece::Compute { ms }));
        let wait = (s.io_ms > 0.0).then_some((step, Piece::Wait { ms: s.io_ms }));
        compute.chain(wait)
    });
    read.into_iter().chain(steps).collect()
}

/// An upper bound on the spans any strategy records for this workload (before jitter, which
/// is accounted for by its largest factor). The trace is preallocated to this size.
pub fn span_budget(workload: &Workload) -> usize {
    let stretch = 1.0 + workload.jitter;
    let smallest_quantum = [cpu_quantum(workload, true), cpu_quantum(workload, false)]
        .into_iter()
        .flatten()
        .fold(f64::INFINITY, f64::min);
    // Under the lock each slice may also record the wait for the lock.
    let spans_per_slice = if workload.global_lock { 2 } else { 1 };
    workload
        .groups
        .iter()
        .map(|g| {
            let cpu_slices = if g.cpu_ms == 0.0 {
                0
            } else if smallest_quantum.is_finite() {
                (g.cpu_ms * stretch / smallest_quantum).ceil() as usize
            } else {
                1
            };
            let io = usize::from(g.io_ms > 0.0);
            // Reading the input, and in a process also copying it in.
            let input = if g.data_kb > 0 { 2 } else { 0 };
            g.count as usize * (g.steps as usize * (cpu_slices * spans_per_slice + io) + input)
        })
        .sum()
}

/// A small deterministic generator (SplitMix64) for jitter: no dependency, same on every
/// platform.
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    pub fn signed_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Limits, Workload};
    use serde_json::json;

    fn workload(json: &str) -> Workload {
        Workload::from_json(json, &Limits::DEFAULT).unwrap()
    }

    #[test]
    fn tasks_are_numbered_group_by_group() {
        let w = workload(
            r#"{"strategy":"sequential","groups":[
            {"name":"a","count":2,"cpuMs":10,"ioMs":5,"steps":3},
            {"name":"b","count":1,"cpuMs":0,"ioMs":7}]}"#,
        );
        let t = tasks(&w);
        assert_eq!(
            t.iter()
                .map(|t| (t.id, t.group, t.steps.len()))
                .collect::<Vec<_>>(),
            vec![(0, 0, 3), (1, 0, 3), (2, 1, 1)]
        );
        assert_eq!(t[0].total_ms(), 45.0);
        assert_eq!(t[0].cpu_ms(), 30.0);
        assert_eq!(
            t[2].steps[0],
            Step {
                cpu_ms: 0.0,
                io_ms: 7.0
            }
        );
    }

    #[test]
    fn tasks_arrive_every_ms_of_their_group_and_are_taken_in_arrival_order() {
        let w = workload(
            r#"{"strategy":"sequential","groups":[
            {"name":"a","count":3,"cpuMs":1,"ioMs":0,"everyMs":40},
            {"name":"b","count":2,"cpuMs":1,"ioMs":0,"everyMs":30}]}"#,
        );
        let t = tasks(&w);
        let arrivals: Vec<f64> = t.iter().map(|t| t.arrival_ms).collect();
        assert_eq!(arrivals, vec![0.0, 40.0, 80.0, 0.0, 30.0]);
        assert_eq!(arrival_order(&t), vec![0, 3, 4, 1, 2]);
    }

    #[test]
    fn jitter_is_bounded_deterministic_and_seeded() {
        let json = |seed: u32| {
            format!(
                r#"{{"strategy":"sequential","jitter":0.5,"seed":{seed},
            "groups":[{{"name":"a","count":50,"cpuMs":100,"ioMs":0}}]}}"#
            )
        };
        let a = tasks(&workload(&json(7)));
        assert_eq!(a, tasks(&workload(&json(7))), "same seed, same tasks");
        assert_ne!(a, tasks(&workload(&json(8))), "another seed, other tasks");
        let cpu: Vec<f64> = a.iter().map(Task::cpu_ms).collect();
        assert!(
            cpu.iter().all(|&ms| (50.0..=150.0).contains(&ms)),
            "{cpu:?}"
        );
        let spread =
            cpu.iter().cloned().fold(0.0, f64::max) - cpu.iter().cloned().fold(f64::MAX, f64::min);
        assert!(spread > 40.0, "jitter should vary the tasks: {cpu:?}");
        // zero stays zero: jitter never invents work
        assert!(a.iter().all(|t| t.steps[0].io_ms == 0.0));
    }

    #[test]
    fn span_budget_counts_slices_lock_waits_and_waits() {
        let w = workload(
            r#"{"strategy":"concurrent","groups":[{"name":"a","count":2,"cpuMs":10,"ioMs":5,"steps":3}]}"#,
        );
        assert_eq!(span_budget(&w), 2 * 3 * 2);
        let w = workload(
            r#"{"strategy":"concurrent","yieldMs":4,"groups":[{"name":"a","count":2,"cpuMs":10,"ioMs":0,"steps":1}]}"#,
        );
        assert_eq!(span_budget(&w), 2 * 3, "10 ms in 4 ms slices is 3 slices");
        let w = workload(
            r#"{"strategy":"parallel","globalLock":true,"groups":[{"name":"a","count":1,"cpuMs":12,"ioMs":1,"steps":1}]}"#,
        );
        assert_eq!(
            span_budget(&w),
            3 * 2 + 1,
            "3 switch intervals, each with a lock wait, and a wait"
        );
    }

    #[test]
    fn computing_is_sliced_by_the_quantum_as_the_budget_counts() {
        let all = |ms, q| slices(ms, q).collect::<Vec<f64>>();
        assert_eq!(all(25.0, Some(10.0)), vec![10.0, 10.0, 5.0]);
        assert_eq!(all(20.0, Some(10.0)), vec![10.0, 10.0]);
        assert_eq!(all(7.5, None), vec![7.5]);
        assert_eq!(all(0.0, Some(10.0)), Vec::<f64>::new());
        assert_eq!(
            slices(250.0, Some(10.0)).count(),
            (250.0_f64 / 10.0).ceil() as usize
        );
    }

    #[test]
    fn quantum_depends_on_where_computing_runs() {
        let w = workload(
            r#"{"strategy":"hybrid","yieldMs":8,"globalLock":true,"groups":[{"name":"a","count":1,"cpuMs":1,"ioMs":0}]}"#,
        );
        assert_eq!(cpu_quantum(&w, true), Some(8.0));
        assert_eq!(cpu_quantum(&w, false), Some(SWITCH_INTERVAL_MS));
        let w = workload(
            r#"{"strategy":"hybrid","groups":[{"name":"a","count":1,"cpuMs":1,"ioMs":0}]}"#,
        );
        assert_eq!(
            (cpu_quantum(&w, true), cpu_quantum(&w, false)),
            (None, None)
        );
    }

    #[test]
    fn span_budget_over_the_limit_is_rejected() {
        // Under the global lock each computing piece records a lock wait and a slice, and each
        // wait one more span: 1000 tasks x 100 steps x 3 = 300,000 spans.
        let v = json!({ "strategy": "parallel", "globalLock": true, "groups": [
            { "name": "chatty", "count": 1000, "cpuMs": 1, "ioMs": 0.1, "steps": 100 }]});
        let limits = Limits::DEFAULT;
        let e = Plan::from_json(&v.to_string(), &limits).unwrap_err();
        assert_eq!(e.errors.len(), 1, "{e:?}");
        let e = &e.errors[0];
        assert!(e.message.contains("spans, over the limit of 200000"), "{e}");
    }
}
