//! The ideal model: how long a run would take with no overhead at all.
//!
//! Every strategy is the same machine with different capacities: how many tasks may be in
//! flight at once (`slots`), and how many pieces of computing may run at the same instant
//! (`cpus`). Waits always overlap freely. A small discrete-event simulation runs the tasks
//! through that machine, first come first served, slicing computing where the strategy
//! slices it. The page shows this prediction next to the measured wall time.

use crate::plan::{arrival_order, cpu_quantum, Task};
use crate::workload::{Strategy, Workload};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// How much of each resource a strategy has.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Capacity {
    /// Tasks in flight at once.
    pub slots: usize,
    /// Pieces of computing at the same instant.
    pub cpus: usize,
    /// Computing runs in slices this long (then goes to the back of the queue).
    pub quantum: Option<f64>,
}

impl Capacity {
    /// `workers`: the threads (or processes) the run uses. `cores`: the machine's cores
    /// (`navigator.hardwareConcurrency`): more workers than cores can't compute at the same
    /// instant. Under the global lock only one thread computes; each process has its own lock.
    pub fn of(workload: &Workload, strategy: Strategy, workers: u32, cores: u32) -> Capacity {
        let threads = workers.max(1) as usize;
        let cores = cores.max(1) as usize;
        let computing = if workload.global_lock && strategy != Strategy::Processes {
            1
        } else {
            threads.min(cores)
        };
        let unlimited = usize::MAX;
        match strategy {
            Strategy::Sequential => Capacity {
                slots: 1,
                cpus: 1,
                quantum: None,
            },
            Strategy::Concurrent => Capacity {
                slots: unlimited,
                cpus: 1,
                quantum: cpu_quantum(workload, true),
            },
            Strategy::Parallel | Strategy::Processes => Capacity {
                slots: threads,
                cpus: computing,
                quantum: cpu_quantum(workload, false),
            },
            Strategy::Hybrid => Capacity {
                slots: unlimited,
                cpus: computing,
                quantum: cpu_quantum(workload, false),
            },
        }
    }
}

/// Predicted wall time in ms of running `tasks` of `workload` with `strategy` on `workers`.
pub fn predicted_ms(
    workload: &Workload,
    tasks: &[Task],
    strategy: Strategy,
    workers: u32,
    cores: u32,
) -> f64 {
    simulate(tasks, Capacity::of(workload, strategy, workers, cores))
}

/// A time as a heap key (times are finite and non-negative, so the bit order is the order).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct At(u64);
fn at(ms: f64) -> At {
    At(ms.max(0.0).to_bits())
}
fn ms(at: At) -> f64 {
    f64::from_bits(at.0)
}

/// Where each task is.
struct Cursor {
    step: usize,
    /// Whether the current step's computing has started (or there is none to do).
    computed: bool,
    /// Computing left in the current step.
    cpu_left: f64,
}

/// Moves a task past what it just finished, at `now`: into its step's computing (queued for
/// a cpu), into its step's wait (a timer), or to its end. Returns true when it has finished.
fn advance(
    task: &Task,
    cursor: &mut Cursor,
    now: f64,
    ready: &mut VecDeque<usize>,
    timers: &mut BinaryHeap<Reverse<(At, usize)>>,
    id: usize,
) -> bool {
    while let Some(step) = task.steps.get(cursor.step) {
        if step.cpu_ms > 0.0 && !cursor.computed {
            cursor.computed = true;
            cursor.cpu_left = step.cpu_ms;
            ready.push_back(id);
            return false;
        }
        cursor.step += 1;
        cursor.computed = false;
        if step.io_ms > 0.0 {
            timers.push(Reverse((at(now + step.io_ms), id)));
            return false;
        }
    }
    true
}

/// The time the last task ends when `tasks` run on a machine of `capacity`: tasks are admitted
/// in the order they arrive, once they have, while a slot is free.
pub fn simulate(tasks: &[Task], capacity: Capacity) -> f64 {
    let order = arrival_order(tasks);
    let mut now = 0.0_f64;
    let mut cursors: Vec<Cursor> = tasks
        .iter()
        .map(|_| Cursor {
            step: 0,
            computed: false,
            cpu_left: 0.0,
        })
        .collect();
    let mut next_to_admit = 0;
    let mut in_flight = 0;
    let mut finished = 0;
    let mut ready: VecDeque<usize> = VecDeque::new(); // tasks waiting for a cpu
    let mut running: BinaryHeap<Reverse<(At, usize, u64)>> = BinaryHeap::new(); // (ends, task, slice bits)
    let mut timers: BinaryHeap<Reverse<(At, usize)>> = BinaryHeap::new(); // (fires, task)
    let mut due: Vec<usize> = Vec::new(); // tasks whose piece of work just ended, in order

    while finished < tasks.len() {
        // Move on every task that is due, admitting new ones while slots are free (a task
        // that finishes at once frees its slot for the next).
        loop {
            while in_flight < capacity.slots
                && next_to_admit < tasks.len()
                && tasks[order[next_to_admit]].arrival_ms <= now
            {
                due.push(order[next_to_admit]);
                next_to_admit += 1;
                in_flight += 1;
            }
            if due.is_empty() {
                break;
            }
            for id in due.drain(..) {
                if advance(
                    &tasks[id],
                    &mut cursors[id],
                    now,
                    &mut ready,
                    &mut timers,
                    id,
                ) {
                    in_flight -= 1;
                    finished += 1;
                }
            }
        }
        // Start computing on free cpus.
        while running.len() < capacity.cpus {
            let Some(id) = ready.pop_front() else { break };
            let left = cursors[id].cpu_left;
            let slice = capacity.quantum.map_or(left, |q| q.min(left));
            running.push(Reverse((at(now + slice), id, slice.to_bits())));
        }
        // Jump to the next event.
        let next_cpu = running.peek().map(|Reverse((t, _, _))| *t);
        let next_timer = timers.peek().map(|Reverse((t, _))| *t);
        let next_arrival = order
            .get(next_to_admit)
            .map(|&id| at(tasks[id].arrival_ms))
            .filter(|&arrival| arrival > at(now));
        let Some(next) = [next_cpu, next_timer, next_arrival]
            .into_iter()
            .flatten()
            .min()
        else {
            break;
        };
        now = ms(next);
        while let Some(&Reverse((t, id, slice))) = running.peek() {
            if t > next {
                break;
            }
            running.pop();
            let cursor = &mut cursors[id];
            cursor.cpu_left = (cursor.cpu_left - f64::from_bits(slice)).max(0.0);
            if cursor.cpu_left > 1e-9 {
                ready.push_back(id); // sliced: back of the queue
            } else {
                due.push(id);
            }
        }
        while let Some(&Reverse((t, id))) = timers.peek() {
            if t > next {
                break;
            }
            timers.pop();
            due.push(id);
        }
    }
    now
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::tasks;
    use crate::workload::Limits;

    fn predict(json: &str, strategy: Strategy, cores: u32) -> f64 {
        let w = Workload::from_json(json, &Limits::DEFAULT).unwrap();
        predicted_ms(&w, &tasks(&w), strategy, w.threads, cores)
    }

    const IO: &str = r#"{"strategy":"concurrent","threads":2,"groups":[{"name":"download","count":8,"cpuMs":0,"ioMs":100}]}"#;
    const CPU: &str = r#"{"strategy":"parallel","threads":2,"groups":[{"name":"resize","count":4,"cpuMs":100,"ioMs":0}]}"#;

    #[test]
    fn io_bound_waits_overlap_except_one_at_a_time() {
        assert_eq!(predict(IO, Strategy::Sequential, 2), 800.0);
        assert_eq!(predict(IO, Strategy::Concurrent, 2), 100.0);
        assert_eq!(predict(IO, Strategy::Hybrid, 2), 100.0);
        // Two workers, each blocking through its waits: four rounds of two.
        assert_eq!(predict(IO, Strategy::Parallel, 2), 400.0);
    }

    #[test]
    fn cpu_bound_only_threads_help_and_only_up_to_the_cores() {
        assert_eq!(predict(CPU, Strategy::Sequential, 2), 400.0);
        assert_eq!(predict(CPU, Strategy::Concurrent, 2), 400.0);
        assert_eq!(predict(CPU, Strategy::Parallel, 2), 200.0);
        assert_eq!(predict(CPU, Strategy::Hybrid, 2), 200.0);
        assert_eq!(
            predict(CPU, Strategy::Parallel, 1),
            400.0,
            "two threads on one core"
        );
        let four = CPU.replace("\"threads\":2", "\"threads\":4");
        assert_eq!(
            predict(&four, Strategy::Parallel, 2),
            200.0,
            "four threads on two cores"
        );
        assert_eq!(predict(&four, Strategy::Parallel, 4), 100.0);
    }

    #[test]
    fn the_global_lock_serialises_computing_but_not_waiting() {
        let gil = CPU.replace("\"threads\":2", "\"threads\":2,\"globalLock\":true");
        assert_eq!(predict(&gil, Strategy::Parallel, 2), 400.0);
        let mixed = r#"{"strategy":"parallel","threads":4,"globalLock":true,"groups":[{"name":"a","count":4,"cpuMs":10,"ioMs":100}]}"#;
        // Four threads: computing takes turns (40 ms), the waits overlap: ~40 + 100 at most.
        let p = predict(mixed, Strategy::Parallel, 4);
        assert!((110.0..=140.0).contains(&p), "{p}");
    }

    #[test]
    fn processes_each_have_their_own_lock() {
        let gil = CPU.replace("\"threads\":2", "\"threads\":2,\"globalLock\":true");
        assert_eq!(predict(&gil, Strategy::Processes, 2), 200.0);
        assert_eq!(predict(CPU, Strategy::Processes, 2), 200.0);
    }

    #[test]
    fn arrivals_admit_tasks_no_sooner_than_they_arrive() {
        // 10 requests of 100 ms waiting, one every 40 ms: concurrently each ends 100 ms after
        // it arrives (the last arrives at 360 ms); one at a time the queue grows.
        let io = r#"{"strategy":"concurrent","groups":[{"name":"r","count":10,"cpuMs":0,"ioMs":100,"everyMs":40}]}"#;
        assert_eq!(predict(io, Strategy::Concurrent, 2), 460.0);
        assert_eq!(predict(io, Strategy::Sequential, 2), 1000.0);
        // Computing that needs 1.5 cores: one thread falls behind, two keep up.
        let cpu = r#"{"strategy":"parallel","threads":2,"groups":[{"name":"r","count":10,"cpuMs":30,"ioMs":0,"everyMs":20}]}"#;
        assert_eq!(predict(cpu, Strategy::Sequential, 2), 300.0);
        assert_eq!(predict(cpu, Strategy::Parallel, 2), 210.0);
        // A lone late task: the run waits for it.
        let late = r#"{"strategy":"sequential","groups":[{"name":"r","count":2,"cpuMs":5,"ioMs":0,"everyMs":500}]}"#;
        assert_eq!(predict(late, Strategy::Sequential, 2), 505.0);
    }

    #[test]
    fn mixed_work_hybrid_beats_each_alone() {
        let mixed = r#"{"strategy":"hybrid","threads":2,"groups":[{"name":"fetch+parse","count":4,"cpuMs":100,"ioMs":100,"steps":2}]}"#;
        let hybrid = predict(mixed, Strategy::Hybrid, 2);
        let concurrent = predict(mixed, Strategy::Concurrent, 2);
        let parallel = predict(mixed, Strategy::Parallel, 2);
        let sequential = predict(mixed, Strategy::Sequential, 2);
        assert_eq!(sequential, 1600.0);
        assert!(
            hybrid < concurrent && hybrid < parallel,
            "hybrid {hybrid}, concurrent {concurrent}, parallel {parallel}"
        );
        assert_eq!(hybrid, 500.0);
    }

    #[test]
    fn yielding_interleaves_without_changing_total_computing() {
        let w = r#"{"strategy":"concurrent","yieldMs":10,"groups":[{"name":"a","count":3,"cpuMs":100,"ioMs":0}]}"#;
        assert_eq!(predict(w, Strategy::Concurrent, 2), 300.0);
        // With a wait after computing, round-robin delays every wait to the end.
        let w = r#"{"strategy":"concurrent","yieldMs":10,"groups":[{"name":"a","count":2,"cpuMs":100,"ioMs":50}]}"#;
        assert!((240.0..=250.0).contains(&predict(w, Strategy::Concurrent, 2)));
    }

    #[test]
    fn steps_alternate_computing_and_waiting() {
        let w = r#"{"strategy":"sequential","groups":[{"name":"a","count":1,"cpuMs":10,"ioMs":20,"steps":3},{"name":"b","count":1,"cpuMs":0,"ioMs":0}]}"#;
        assert_eq!(predict(w, Strategy::Sequential, 2), 90.0);
        assert_eq!(predict(w, Strategy::Concurrent, 2), 90.0);
    }
}
