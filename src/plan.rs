//! From a workload to the plan a run executes: the concrete tasks (ids, steps, jitter
//! applied) and the span budget the trace is sized to, checked against its limit.

use crate::workload::{CounterSync, FieldError, Limits, Workload, WorkloadError};
use serde::Serialize;

/// How long a thread computes under the global lock before it lets another one take it:
/// CPython's default switch interval (`sys.getswitchinterval()` is 0.005 s).
pub const SWITCH_INTERVAL_MS: f64 = 5.0;

/// One step of a task: `cpu_ms` of computing, then `io_ms` of waiting.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub cpu_ms: f64,
    pub io_ms: f64,
}

/// One task, ready to run (and to send to a process: it crosses as JSON, read by
/// [`crate::strategy::ProcessJob::from_json`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
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
    /// Times it adds 1 to the run's shared counter, spread over its work.
    pub increments: u32,
    /// The named locks it takes, in order: indices in the run's lock names
    /// ([`Workload::lock_names`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locks: Vec<u16>,
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
            let increments = if workload.total_increments() > 0 {
                ", fewer increments"
            } else {
                ""
            };
            return Err(WorkloadError {
                errors: vec![FieldError {
                    field: "groups".into(),
                    message: format!(
                        "this workload would record about {spans} spans, over the limit of {}: \
                         use fewer tasks or steps{increments}, or a larger yieldMs",
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
    let lock_names = workload.lock_names();
    for (group_index, group) in workload.groups.iter().enumerate() {
        let locks: Vec<u16> = group
            .locks
            .iter()
            .filter_map(|name| lock_names.iter().position(|n| n == name))
            .map(|index| index as u16)
            .collect();
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
                increments: group.increments,
                locks: locks.clone(),
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
    /// Take named lock `lock` (an index in the run's lock names), held until [`Piece::Release`].
    Take { lock: u16 },
    /// An increment of the shared counter begins: its read.
    Load,
    /// The increment ends: its write.
    Store,
    /// The task releases every lock it holds: its end.
    Release,
}

impl Piece {
    /// Whether the piece is an instant on the counter or a lock rather than work that lasts
    /// (taking a lock may wait, but it does no work).
    pub fn is_instant(&self) -> bool {
        matches!(
            self,
            Piece::Take { .. } | Piece::Load | Piece::Store | Piece::Release
        )
    }
}

/// The pieces of `task` in order, each with its step: the input read first (if any), then per
/// step its computing in slices of at most `quantum` (see [`cpu_quantum`]), then its wait.
///
/// A task with increments or locks does the same work, cut where they fall: increment `k` of
/// `n` reads the counter when `k/n` of the task's work (computing and waiting) is done and
/// writes it when `(k+1)/n` is, so its share of the work comes between its read and its write;
/// lock `j` of `l` is taken when `j/l` of the work is done, so the task works after taking each;
/// it releases them all at its end. Where two fall on the same instant, a write comes before a
/// take and a take before a read: a lock is never taken between an increment's read and its
/// write unless some work separates them.
pub fn pieces(task: &Task, quantum: Option<f64>) -> Vec<(usize, Piece)> {
    let mut out = Vec::new();
    if task.data_kb > 0 {
        out.push((0, Piece::Read { kb: task.data_kb }));
    }
    let mut work = Vec::with_capacity(2 * task.steps.len());
    for (step, s) in task.steps.iter().enumerate() {
        for (compute, ms) in [(true, s.cpu_ms), (false, s.io_ms)] {
            if ms > 0.0 {
                work.push(Work { step, compute, ms });
            }
        }
    }
    let total: f64 = work.iter().map(|w| w.ms).sum();
    let last_step = task.steps.len().saturating_sub(1);
    let mut cutter = Cutter {
        work,
        index: 0,
        used: 0.0,
        done: 0.0,
        quantum,
    };
    for (numerator, denominator, piece) in events(task) {
        cutter.emit_until(total * numerator as f64 / denominator as f64, &mut out);
        out.push((cutter.step().unwrap_or(last_step), piece));
    }
    cutter.emit_until(f64::INFINITY, &mut out);
    if !task.locks.is_empty() {
        out.push((last_step, Piece::Release));
    }
    out
}

/// A piece of a task's work before it is cut: a step's computing or its wait.
struct Work {
    step: usize,
    compute: bool,
    ms: f64,
}

/// The counter's and the locks' instants of `task`, in order: each at a fraction of its work
/// (numerator, denominator: compared exactly), as [`pieces`] describes. The increments' and
/// the locks' instants are each in order already: they are merged.
fn events(task: &Task) -> Vec<(u64, u64, Piece)> {
    let n = task.increments as u64;
    let l = task.locks.len() as u64;
    let mut events = Vec::with_capacity((2 * n + l) as usize);
    let mut locks = task.locks.iter().enumerate().peekable();
    // Increment k's read at k/n, its write at (k+1)/n; lock j at j/l. A take comes after a
    // write at the same instant and before a read.
    let mut takes_until =
        |events: &mut Vec<(u64, u64, Piece)>, at: u64, of: u64, inclusive: bool| {
            while let Some(&(j, &lock)) = locks.peek() {
                let (left, right) = (j as u64 * of, at * l);
                if left < right || (inclusive && left == right) {
                    events.push((j as u64, l, Piece::Take { lock }));
                    locks.next();
                } else {
                    return;
                }
            }
        };
    for k in 0..n {
        takes_until(&mut events, k, n, true);
        events.push((k, n, Piece::Load));
        takes_until(&mut events, k + 1, n, false);
        events.push((k + 1, n, Piece::Store));
    }
    takes_until(&mut events, 1, 1, true);
    events
}

/// Emits a task's work up to a point, cutting a piece where the point falls inside it.
struct Cutter {
    work: Vec<Work>,
    /// The piece under way, and how much of it is emitted.
    index: usize,
    used: f64,
    /// Work emitted so far, ms.
    done: f64,
    quantum: Option<f64>,
}

impl Cutter {
    /// Below this (ms) a remainder is rounding, not work.
    const EPS: f64 = 1e-9;

    fn emit_until(&mut self, until: f64, out: &mut Vec<(usize, Piece)>) {
        while let Some(work) = self.work.get(self.index) {
            let left = work.ms - self.used;
            if left <= Self::EPS {
                self.index += 1;
                self.used = 0.0;
                continue;
            }
            let room = until - self.done;
            if room <= Self::EPS {
                return;
            }
            let ms = if left <= room + Self::EPS { left } else { room };
            if work.compute {
                out.extend(slices(ms, self.quantum).map(|ms| (work.step, Piece::Compute { ms })));
            } else {
                out.push((work.step, Piece::Wait { ms }));
            }
            self.used += ms;
            self.done += ms;
        }
    }

    /// The step of the work at the cut (none once the work is all emitted).
    fn step(&mut self) -> Option<usize> {
        while let Some(work) = self.work.get(self.index) {
            if work.ms - self.used > Self::EPS {
                return Some(work.step);
            }
            self.index += 1;
            self.used = 0.0;
        }
        None
    }
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
    // The update (from read to write), and under the counter's lock the wait for it.
    let spans_per_increment = match workload.sync {
        CounterSync::None | CounterSync::Atomic => 1,
        CounterSync::Lock => 2,
        CounterSync::Message => 0,
    };
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
            let (increments, locks) = (g.increments as usize, g.locks.len());
            // Each increment and each lock cuts at most one piece of work in two.
            let cuts = (increments + locks) * spans_per_slice;
            // A lock: the wait for it, and the time it is held.
            let counter_and_locks = increments * spans_per_increment + locks * 2;
            g.count as usize
                * (g.steps as usize * (cpu_slices * spans_per_slice + io)
                    + input
                    + cuts
                    + counter_and_locks)
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

    /// The pieces of the first task of a one-group workload, in short: `C5` computing 5 ms,
    /// `W5` waiting, `T0` taking lock 0, `L` and `S` an increment's read and write, `R` the
    /// release.
    fn program(group: &str) -> Vec<String> {
        let w = workload(&format!(
            r#"{{"strategy":"concurrent","groups":[{group}]}}"#
        ));
        pieces(&tasks(&w)[0], None)
            .into_iter()
            .map(|(step, piece)| {
                let short = match piece {
                    Piece::Read { kb } => format!("I{kb}"),
                    Piece::Compute { ms } => format!("C{ms}"),
                    Piece::Wait { ms } => format!("W{ms}"),
                    Piece::Take { lock } => format!("T{lock}"),
                    Piece::Load => "L".into(),
                    Piece::Store => "S".into(),
                    Piece::Release => "R".into(),
                };
                format!("{short}@{step}")
            })
            .collect()
    }

    #[test]
    fn an_increments_share_of_the_work_comes_between_its_read_and_its_write() {
        assert_eq!(
            program(r#"{"name":"a","count":1,"cpuMs":10,"ioMs":10,"increments":4}"#),
            [
                "L@0", "C5@0", "S@0", "L@0", "C5@0", "S@0", "L@0", "W5@0", "S@0", "L@0", "W5@0",
                "S@0"
            ]
        );
        // Over steps: each step's work is cut where an increment falls.
        assert_eq!(
            program(r#"{"name":"a","count":1,"cpuMs":6,"ioMs":0,"steps":2,"increments":3}"#),
            ["L@0", "C4@0", "S@0", "L@0", "C2@0", "C2@1", "S@1", "L@1", "C4@1", "S@1"]
        );
        // No work at all: the increments back to back.
        assert_eq!(
            program(r#"{"name":"a","count":1,"cpuMs":0,"ioMs":0,"increments":2}"#),
            ["L@0", "S@0", "L@0", "S@0"]
        );
    }

    #[test]
    fn a_task_works_after_taking_each_lock_and_releases_them_at_its_end() {
        let w = workload(
            r#"{"strategy":"parallel","groups":[
            {"name":"ab","count":1,"cpuMs":10,"ioMs":10,"locks":["A","B"]},
            {"name":"ba","count":1,"cpuMs":10,"ioMs":10,"locks":["B","A"]}]}"#,
        );
        assert_eq!(w.lock_names(), ["A", "B"]);
        let t = tasks(&w);
        assert_eq!(
            (t[0].locks.clone(), t[1].locks.clone()),
            (vec![0, 1], vec![1, 0])
        );
        assert_eq!(
            program(r#"{"name":"ab","count":1,"cpuMs":10,"ioMs":10,"locks":["A","B"]}"#),
            ["T0@0", "C10@0", "T1@0", "W10@0", "R@0"]
        );
        // Locks and increments on one instant: a write, then a take, then a read.
        assert_eq!(
            program(
                r#"{"name":"a","count":1,"cpuMs":0,"ioMs":0,"increments":2,"locks":["A","B"]}"#
            ),
            ["T0@0", "L@0", "S@0", "T1@0", "L@0", "S@0", "R@0"]
        );
        // A lock taken inside an increment when work separates them.
        assert_eq!(
            program(
                r#"{"name":"a","count":1,"cpuMs":30,"ioMs":0,"increments":1,"locks":["A","B","C"]}"#
            ),
            ["T0@0", "L@0", "C10@0", "T1@0", "C10@0", "T2@0", "C10@0", "S@0", "R@0"]
        );
    }

    #[test]
    fn without_increments_or_locks_the_pieces_are_the_steps_work_sliced() {
        let w = workload(
            r#"{"strategy":"concurrent","yieldMs":4,"groups":[{"name":"a","count":1,"cpuMs":10,"ioMs":3,"steps":2,"dataKb":2}]}"#,
        );
        let all = pieces(&tasks(&w)[0], cpu_quantum(&w, true));
        let expected = [
            (0, Piece::Read { kb: 2 }),
            (0, Piece::Compute { ms: 4.0 }),
            (0, Piece::Compute { ms: 4.0 }),
            (0, Piece::Compute { ms: 2.0 }),
            (0, Piece::Wait { ms: 3.0 }),
            (1, Piece::Compute { ms: 4.0 }),
            (1, Piece::Compute { ms: 4.0 }),
            (1, Piece::Compute { ms: 2.0 }),
            (1, Piece::Wait { ms: 3.0 }),
        ];
        assert_eq!(all, expected);
    }

    #[test]
    fn span_budget_counts_updates_cuts_and_locks() {
        let json = |sync: &str| {
            format!(
                r#"{{"strategy":"parallel","sync":"{sync}","groups":[{{"name":"a","count":2,"cpuMs":10,"ioMs":0,"increments":5,"locks":["A","B"]}}]}}"#
            )
        };
        // Per task: 1 slice, 7 cuts, per increment an update (and a wait for the counter's
        // lock), per lock a wait and a hold.
        assert_eq!(span_budget(&workload(&json("none"))), 2 * (1 + 7 + 5 + 4));
        assert_eq!(span_budget(&workload(&json("lock"))), 2 * (1 + 7 + 10 + 4));
        assert_eq!(span_budget(&workload(&json("message"))), 2 * (1 + 7 + 4));
        // The budget holds what a run records: no span is dropped (see strategy tests).
    }

    #[test]
    fn too_many_spans_from_increments_says_to_use_fewer() {
        // Per task: 20 switch intervals (each with a lock wait), 1,000 increments each cutting
        // a slice (and its lock wait), an update and a wait for the counter's lock each.
        let v = json!({ "strategy": "parallel", "sync": "lock", "globalLock": true, "groups": [
            { "name": "tally", "count": 50, "cpuMs": 100, "ioMs": 0, "increments": 1000 }]});
        let e = Plan::from_json(&v.to_string(), &Limits::DEFAULT).unwrap_err();
        assert_eq!(e.errors[0].message, "this workload would record about 202000 spans, over the limit of 200000: use fewer tasks or steps, fewer increments, or a larger yieldMs");
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
