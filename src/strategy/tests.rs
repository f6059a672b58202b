//! The strategies, natively: the event-loop ones on a fake clock (exact times), the pool ones
//! on real rayon threads (real times, generous bounds).

use crate::machine::{calibrate, InstantClock, Machine, RealMachine};
use crate::panic::PanickingMachine;
use crate::plan::Plan;
use crate::runner::{Host, PreparedRun, RunResult};
use crate::strategy::{EventLoop, Platform, ProcessJob, Status};
use crate::testing::{run_on_fake_time, FakeLoop, FakeMachine, FakeProcesses, FakeTime};
use crate::trace::{Span, SpanKind, MAIN_LANE};
use crate::workload::{Limits, Strategy};
use futures::future::LocalBoxFuture;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::Arc;

const HOST: Host = Host {
    pool_threads: 2,
    no_pool_reason: String::new(),
    processes: 0,
    cores: 2,
};

/// The platform of a run on `event_loop`, without processes.
fn platform(event_loop: impl EventLoop + 'static) -> Platform {
    Platform {
        event_loop: Rc::new(event_loop),
        processes: None,
    }
}

fn workload(json: &str) -> Plan {
    Plan::from_json(json, &Limits::DEFAULT).unwrap()
}

fn on_fake_time(json: &str) -> RunResult {
    let time = FakeTime::new();
    let run = PreparedRun::new(
        workload(json),
        &HOST,
        Arc::new(FakeMachine(time.clone())),
        true,
    );
    run_on_fake_time(
        &time,
        run.execute(time.now(), platform(FakeLoop(time.clone()))),
    )
    .unwrap()
}

const EIGHT_DOWNLOADS: &str =
    r#"{"strategy":"STRATEGY","groups":[{"name":"download","count":8,"cpuMs":0,"ioMs":100}]}"#;

fn with(json: &str, strategy: &str) -> String {
    json.replace("STRATEGY", strategy)
}

#[test]
fn concurrent_waits_overlap_sequential_waits_add_up() {
    let concurrent = on_fake_time(&with(EIGHT_DOWNLOADS, "concurrent"));
    let sequential = on_fake_time(&with(EIGHT_DOWNLOADS, "sequential"));
    assert_eq!(
        (concurrent.status, concurrent.wall_ms),
        (Status::Completed, 100.0)
    );
    assert_eq!(
        (sequential.status, sequential.wall_ms),
        (Status::Completed, 800.0)
    );
    assert_eq!(concurrent.predicted_ms, 100.0);
    assert_eq!(sequential.predicted_ms, 800.0);
    // Every wait is a span on the main lane; concurrently they all cover [0, 100].
    assert_eq!(concurrent.spans.len(), 8);
    assert!(concurrent.spans.iter().all(|s| s.lane == MAIN_LANE
        && s.kind == SpanKind::Io
        && s.start == 0.0
        && s.end == 100.0));
    let starts: Vec<f64> = sequential.spans.iter().map(|s| s.start).collect();
    assert_eq!(
        starts,
        vec![0.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0]
    );
    assert_eq!(concurrent.lanes.len(), 1);
    assert_eq!(concurrent.tasks_done, 8);
}

#[test]
fn concurrent_computing_takes_turns_on_one_thread() {
    let r = on_fake_time(
        r#"{"strategy":"concurrent","groups":[{"name":"resize","count":4,"cpuMs":100,"ioMs":0}]}"#,
    );
    assert_eq!(
        r.wall_ms, 400.0,
        "async alone does not make computing faster"
    );
    assert_eq!(r.busy_ms, 400.0);
    let intervals: Vec<(f64, f64)> = r.spans.iter().map(|s| (s.start, s.end)).collect();
    assert_eq!(
        intervals,
        vec![(0.0, 100.0), (100.0, 200.0), (200.0, 300.0), (300.0, 400.0)]
    );
}

#[test]
fn yielding_interleaves_slices_of_different_tasks() {
    let r = on_fake_time(
        r#"{"strategy":"concurrent","yieldMs":10,"groups":[{"name":"a","count":2,"cpuMs":30,"ioMs":0}]}"#,
    );
    assert_eq!(r.wall_ms, 60.0);
    let order: Vec<u32> = r.spans.iter().map(|s| s.task).collect();
    // The thread yields before it would compute past 10 ms, whichever task computes, and the
    // tasks get their turns in the order they yielded: task 0 asked for its second slice
    // before task 1 (polled after it) asked for its first.
    assert_eq!(
        order,
        vec![0, 0, 1, 0, 1, 1],
        "slices alternate between the tasks"
    );
    // No 10 ms of computing follows another without a yield between: at 10 ms a slice ends,
    // and the next one starts after the page's turn.
    let mut starts: Vec<f64> = r.spans.iter().map(|s| s.start).collect();
    starts.dedup();
    assert_eq!(starts, vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
}

#[test]
fn concurrent_tasks_yield_as_one_thread_not_each() {
    // Eight tasks, one slice each: the thread yields between every two of them (a yield per
    // slice on the fake event loop), not after all eight (80 ms without a frame).
    struct CountYields(FakeLoop, std::cell::Cell<u32>);
    impl EventLoop for CountYields {
        fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
            self.0.sleep(ms)
        }
        fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
            self.1.set(self.1.get() + 1);
            self.0.yield_now()
        }
    }
    let time = FakeTime::new();
    let run = PreparedRun::new(
        workload(
            r#"{"strategy":"concurrent","yieldMs":10,"groups":[{"name":"a","count":8,"cpuMs":10,"ioMs":0}]}"#,
        ),
        &HOST,
        Arc::new(FakeMachine(time.clone())),
        true,
    );
    let event_loop = Rc::new(CountYields(FakeLoop(time.clone()), Default::default()));
    let platform = Platform {
        event_loop: event_loop.clone(),
        processes: None,
    };
    run_on_fake_time(&time, run.execute(time.now(), platform)).unwrap();
    assert_eq!(event_loop.1.get(), 7);
}

#[test]
fn waits_overlap_with_computing_on_the_event_loop() {
    // Each task computes 10 ms then waits 100 ms: the waits run while others compute.
    let r = on_fake_time(
        r#"{"strategy":"concurrent","groups":[{"name":"a","count":4,"cpuMs":10,"ioMs":100,"steps":2}]}"#,
    );
    assert_eq!(r.predicted_ms, r.wall_ms);
    assert!(r.wall_ms < 300.0, "{}", r.wall_ms);
}

#[test]
fn cancel_stops_an_event_loop_run_and_reports_it() {
    let time = FakeTime::new();
    let run = PreparedRun::new(
        workload(&with(EIGHT_DOWNLOADS, "sequential")),
        &HOST,
        Arc::new(FakeMachine(time.clone())),
        true,
    );
    let state = run.state.clone();
    // An event loop that cancels the run when the third wait starts (the downloads' 100 ms
    // waits: the event-loop probe sets timers of its own).
    struct CancelOnThird(
        FakeLoop,
        Arc<crate::strategy::RunState>,
        std::cell::Cell<u32>,
    );
    impl EventLoop for CancelOnThird {
        fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
            self.2.set(self.2.get() + u32::from(ms == 100.0));
            if self.2.get() == 3 && ms == 100.0 {
                self.1.cancel.cancel();
            }
            self.0.sleep(ms)
        }
        fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
            self.0.yield_now()
        }
    }
    let event_loop = CancelOnThird(FakeLoop(time.clone()), state, Default::default());
    let r = run_on_fake_time(&time, run.execute(time.now(), platform(event_loop))).unwrap();
    assert_eq!(r.status, Status::Cancelled);
    assert_eq!(r.tasks_done, 2);
    assert_eq!(r.wall_ms, 200.0, "the third wait was cut short at once");
}

fn real_machine() -> Arc<dyn Machine> {
    Arc::new(RealMachine::new(
        InstantClock::new(),
        calibrate(&InstantClock::new()),
    ))
}

/// Runs on rayon's global pool, made of two threads (like a two-core machine), driven from a
/// thread outside it (like the page's main thread).
fn try_on_real_pool(json: &str, machine: Arc<dyn Machine>) -> Result<RunResult, String> {
    static POOL: std::sync::Once = std::sync::Once::new();
    POOL.call_once(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build_global()
            .expect("global pool")
    });
    // One pool for every test: runs on it take turns, as they do on the page.
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    struct NoEventLoop;
    impl EventLoop for NoEventLoop {
        fn sleep(&self, _: f64) -> LocalBoxFuture<'static, ()> {
            // Parallel runs never wait on the event loop; only the probe asks, and it gets no
            // answer here (it would measure this test's thread, which blocks on the pool).
            Box::pin(futures::future::pending())
        }
        fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
            unreachable!()
        }
    }
    let run = PreparedRun::new(workload(json), &HOST, machine, true);
    let start = run.state.machine.now_ms();
    futures::executor::block_on(run.execute(start, platform(NoEventLoop)))
}

fn on_real_pool(json: &str, machine: Arc<dyn Machine>) -> RunResult {
    try_on_real_pool(json, machine).unwrap()
}

#[test]
fn parallel_puts_computing_on_two_workers_at_the_same_time() {
    let machine = real_machine();
    let r = on_real_pool(
        r#"{"strategy":"parallel","threads":2,"groups":[{"name":"resize","count":4,"cpuMs":40,"ioMs":0}]}"#,
        machine,
    );
    assert_eq!(r.status, Status::Completed);
    let lanes: BTreeSet<u16> = r.spans.iter().map(|s| s.lane).collect();
    assert_eq!(lanes.len(), 2, "two distinct worker lanes: {lanes:?}");
    assert!(!lanes.contains(&MAIN_LANE));
    let overlap = r.spans.iter().any(|a| {
        r.spans
            .iter()
            .any(|b| a.lane != b.lane && a.start < b.end && b.start < a.end)
    });
    assert!(overlap, "spans on different workers overlap in time");
    assert_eq!(r.lanes.len(), 3, "main + the pool's two workers");
}

#[test]
fn parallel_under_the_global_lock_takes_turns() {
    let machine = real_machine();
    let r = on_real_pool(
        r#"{"strategy":"parallel","threads":2,"globalLock":true,"groups":[{"name":"gil","count":2,"cpuMs":30,"ioMs":0}]}"#,
        machine,
    );
    assert_eq!(r.status, Status::Completed);
    let cpu: Vec<_> = r.spans.iter().filter(|s| s.kind == SpanKind::Cpu).collect();
    // No two computing slices overlap (up to clock noise), and someone waited for the lock.
    for a in &cpu {
        for b in &cpu {
            if a.lane != b.lane {
                assert!(
                    a.end <= b.start + 0.05 || b.end <= a.start + 0.05,
                    "computing overlapped under the lock: {a:?} {b:?}"
                );
            }
        }
    }
    assert!(
        r.spans.iter().any(|s| s.kind == SpanKind::LockWait),
        "no lock wait recorded"
    );
    assert!(
        cpu.len() >= 12,
        "60 ms in 5 ms switch intervals: {} slices",
        cpu.len()
    );
}

#[test]
fn parallel_blocking_waits_overlap_across_workers() {
    let r = on_real_pool(
        r#"{"strategy":"parallel","threads":2,"groups":[{"name":"download","count":4,"cpuMs":0,"ioMs":50}]}"#,
        real_machine(),
    );
    assert!(
        (95.0..180.0).contains(&r.wall_ms),
        "4 waits of 50 ms on 2 threads: {}",
        r.wall_ms
    );
    assert_eq!(r.predicted_ms, 100.0);
}

#[test]
fn without_a_pool_parallel_and_hybrid_run_on_the_page_thread_and_say_why() {
    let host = Host {
        pool_threads: 0,
        no_pool_reason: "this page is not cross-origin isolated".into(),
        processes: 0,
        cores: 2,
    };
    for (asked, ran) in [("parallel", "sequential"), ("hybrid", "concurrent")] {
        let time = FakeTime::new();
        let run = PreparedRun::new(
            workload(&with(EIGHT_DOWNLOADS, asked)),
            &host,
            Arc::new(FakeMachine(time.clone())),
            true,
        );
        let r = run_on_fake_time(
            &time,
            run.execute(time.now(), platform(FakeLoop(time.clone()))),
        )
        .unwrap();
        assert_eq!(r.strategy.name(), ran);
        assert_eq!(r.requested_strategy.name(), asked);
        let notice = r.notice.expect("a notice");
        assert!(
            notice.contains("not cross-origin isolated")
                && notice.contains(&format!("{asked} ran as {ran}")),
            "{notice}"
        );
        assert!(r.spans.iter().all(|s| s.lane == MAIN_LANE));
    }
}

#[test]
fn a_disabled_trace_records_nothing_but_the_run_still_runs() {
    let time = FakeTime::new();
    let run = PreparedRun::new(
        workload(&with(EIGHT_DOWNLOADS, "concurrent")),
        &HOST,
        Arc::new(FakeMachine(time.clone())),
        false,
    );
    let r = run_on_fake_time(
        &time,
        run.execute(time.now(), platform(FakeLoop(time.clone()))),
    )
    .unwrap();
    assert_eq!((r.wall_ms, r.spans.len(), r.tasks_done), (100.0, 0, 8));
}

/// A clock that jumps 1 ms at every read: any two reads look like a long wait.
struct JumpyMachine(std::sync::Mutex<f64>);
impl Machine for JumpyMachine {
    fn now_ms(&self) -> f64 {
        let mut t = self.0.lock().unwrap();
        *t += 1.0;
        *t
    }
    fn compute(&self, _: f64, _: &crate::cancel::Cancel) -> Result<(), crate::cancel::Cancelled> {
        Ok(())
    }
    fn block(&self, _: f64, _: &crate::cancel::Cancel) -> Result<(), crate::cancel::Cancelled> {
        Ok(())
    }
    fn iterations_per_ms(&self) -> f64 {
        1.0
    }
}

#[test]
fn without_the_global_lock_no_lock_wait_is_ever_recorded() {
    // Seen in the browser: a 0.03 ms hiccup between two clock reads was recorded as a lock
    // wait, and overflowed the trace by one span.
    let w = workload(
        r#"{"strategy":"concurrent","yieldMs":10,"groups":[{"name":"r","count":2,"cpuMs":30,"ioMs":0}]}"#,
    );
    let time = FakeTime::new();
    let run = PreparedRun::new(w, &HOST, Arc::new(JumpyMachine(Default::default())), true);
    let r = run_on_fake_time(&time, run.execute(0.0, platform(FakeLoop(time.clone())))).unwrap();
    assert!(
        r.spans.iter().all(|s| s.kind == SpanKind::Cpu),
        "{:?}",
        r.spans
    );
    assert_eq!((r.spans.len(), r.dropped_spans), (6, 0));
}

// --- processes -------------------------------------------------------------------------------

const NO_THREADS: Host = Host {
    pool_threads: 0,
    no_pool_reason: String::new(),
    processes: 2,
    cores: 2,
};

/// Runs `json` on fake time with two fake processes, and returns the result and the pool.
fn on_fake_processes(
    json: &str,
    host: &Host,
    pool: Option<Rc<FakeProcesses>>,
) -> (Result<RunResult, String>, Rc<FakeProcesses>) {
    let time = pool.as_ref().map_or_else(FakeTime::new, |p| p.time.clone());
    let pool = pool.unwrap_or_else(|| FakeProcesses::new(time.clone(), 2));
    let run = PreparedRun::new(
        workload(json),
        host,
        Arc::new(FakeMachine(time.clone())),
        true,
    );
    let platform = Platform {
        event_loop: Rc::new(FakeLoop(time.clone())),
        processes: Some(pool.clone()),
    };
    let start = time.now();
    (run_on_fake_time(&time, run.execute(start, platform)), pool)
}

const FOUR_RESIZES: &str = r#"{"strategy":"processes","threads":2,"groups":[{"name":"resize","count":4,"cpuMs":100,"ioMs":0}]}"#;

#[test]
fn processes_compute_at_the_same_time_after_starting_once() {
    let (first, pool) = on_fake_processes(FOUR_RESIZES, &NO_THREADS, None);
    let r = first.unwrap();
    assert_eq!(
        (r.status, r.tasks_done, r.threads),
        (Status::Completed, 4, 2)
    );
    // 20 ms to start, then two rounds of two tasks side by side.
    assert_eq!(r.wall_ms, 220.0);
    let names: Vec<&str> = r.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, vec!["main", "process 1", "process 2"]);
    let startups: Vec<(u16, f64, f64)> = r
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Startup)
        .map(|s| (s.lane, s.start, s.end))
        .collect();
    assert_eq!(startups, vec![(1, 0.0, 20.0), (2, 0.0, 20.0)]);
    let cpu_lanes: BTreeSet<u16> = r
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Cpu)
        .map(|s| s.lane)
        .collect();
    assert_eq!(cpu_lanes, BTreeSet::from([1, 2]));
    // The pool is kept: the next run starts nothing and shows no start.
    let (again, _) = on_fake_processes(FOUR_RESIZES, &NO_THREADS, Some(pool));
    let r = again.unwrap();
    assert_eq!(r.wall_ms, 200.0);
    assert!(r.spans.iter().all(|s| s.kind != SpanKind::Startup));
}

#[test]
fn a_process_gets_a_copy_of_its_input_and_each_has_its_own_global_lock() {
    let json = r#"{"strategy":"processes","threads":2,"globalLock":true,"groups":[{"name":"parse","count":2,"cpuMs":50,"ioMs":0,"dataKb":1000}]}"#;
    let r = on_fake_processes(json, &NO_THREADS, None).0.unwrap();
    let transfers: Vec<&Span> = r
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Transfer)
        .collect();
    assert_eq!(transfers.len(), 2, "one copy per task");
    assert!(transfers.iter().all(|s| s.duration() == 10.0 && s.lane > 0));
    assert!(r.spans.iter().all(|s| s.kind != SpanKind::LockWait));
    // Both computed at once: under the lock, threads would take turns.
    assert_eq!(r.wall_ms, 20.0 + 10.0 + 1.0 + 50.0);
}

#[test]
fn without_threads_parallel_runs_on_processes_and_says_so() {
    let mut host = NO_THREADS.clone();
    host.no_pool_reason = "this page is not cross-origin isolated".into();
    let json = FOUR_RESIZES.replace("processes", "parallel");
    let r = on_fake_processes(&json, &host, None).0.unwrap();
    assert_eq!(
        (r.requested_strategy, r.strategy),
        (Strategy::Parallel, Strategy::Processes)
    );
    assert!(r.notice.unwrap().starts_with(
        "Threads are off (this page is not cross-origin isolated), so parallel ran as processes"
    ));
}

#[test]
fn asking_for_more_workers_than_there_are_runs_on_all_there_are_and_says_so() {
    let json = FOUR_RESIZES.replace("\"threads\":2", "\"threads\":8");
    let r = on_fake_processes(&json, &NO_THREADS, None).0.unwrap();
    assert_eq!(r.threads, 2);
    assert_eq!(
        r.notice.as_deref(),
        Some("It asked for 8 processes; there are 2 here, so it ran on 2.")
    );
    let run = PreparedRun::new(
        workload(
            r#"{"strategy":"parallel","threads":3,"groups":[{"name":"a","count":1,"cpuMs":0,"ioMs":5}]}"#,
        ),
        &HOST,
        Arc::new(FakeMachine(FakeTime::new())),
        true,
    );
    assert_eq!(run.threads, 2);
    assert_eq!(
        run.notice.as_deref(),
        Some("It asked for 3 worker threads; there are 2 here, so it ran on 2.")
    );
}

#[test]
fn cancel_stops_the_processes_and_keeps_what_they_had_begun() {
    let time = FakeTime::new();
    let pool = FakeProcesses::new(time.clone(), 2);
    let run = PreparedRun::new(
        workload(FOUR_RESIZES),
        &NO_THREADS,
        Arc::new(FakeMachine(time.clone())),
        true,
    );
    let state = run.state.clone();
    // The event loop's only timer cancels the run 70 ms in: both processes are computing.
    let canceller = FakeLoop(time.clone()).sleep(70.0);
    let cancel = async move {
        canceller.await;
        state.cancel.cancel();
    };
    let platform = Platform {
        event_loop: Rc::new(FakeLoop(time.clone())),
        processes: Some(pool.clone()),
    };
    let (r, ()) = run_on_fake_time(
        &time,
        futures::future::join(run.execute(0.0, platform), cancel),
    );
    let r = r.unwrap();
    assert_eq!((r.status, r.tasks_done), (Status::Cancelled, 0));
    assert_eq!(pool.stops.get(), 1, "the busy processes were stopped");
    let cpu: Vec<(u16, f64, f64)> = r
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Cpu)
        .map(|s| (s.lane, s.start, s.end))
        .collect();
    assert_eq!(cpu, vec![(1, 20.0, 70.0), (2, 20.0, 70.0)]);
}

#[test]
fn a_process_that_fails_fails_the_run_with_its_message() {
    let time = FakeTime::new();
    let pool = FakeProcesses::new(time.clone(), 2);
    pool.fail_on.set(Some(1));
    let outcome = on_fake_processes(FOUR_RESIZES, &NO_THREADS, Some(pool.clone())).0;
    assert_eq!(
        outcome.unwrap_err(),
        "process 2 failed: the module did not load"
    );
    assert_eq!(pool.stops.get(), 1);
}

/// A job for one process: task `id` of `group`, reading `data_kb`, with one step.
fn one_step_job(id: u32, group: u16, data_kb: u32, cpu_ms: f64, io_ms: f64) -> ProcessJob {
    ProcessJob {
        task: crate::plan::Task {
            id,
            group,
            data_kb,
            arrival_ms: 0.0,
            steps: vec![crate::plan::Step { cpu_ms, io_ms }],
        },
        global_lock: false,
        quantum: None,
        iterations_per_ms: 1.0,
        posted_at: 0.0,
        panic: false,
    }
}

#[test]
fn a_process_task_runs_piece_by_piece_in_chunks_a_cancel_can_come_between() {
    let job = ProcessJob {
        global_lock: true,
        quantum: Some(5.0),
        ..one_step_job(7, 1, 64, 12.0, 5.0)
    };
    let time = FakeTime::new();
    let machine = Arc::new(FakeMachine(time.clone()));
    let mut task = crate::strategy::ProcessTask::new(job, machine, Some(vec![1; 64 * 1024]), 0.0);
    assert_eq!(task.transfer().map(|s| s.kind), Some(SpanKind::Transfer));
    let mut kinds = Vec::new();
    let mut chunks = 0;
    while let Some((kind, _)) = task.next_piece() {
        chunks += 1;
        // 2 ms at a time: a piece of 5 ms takes three calls, the last one returns its span.
        if let Some(span) = task.work(2.0) {
            assert_eq!((span.kind, span.task), (kind, 7));
            kinds.push((kind, span.end - span.start));
        }
    }
    assert_eq!(
        chunks,
        1 + 3 + 3 + 1 + 3,
        "read, 5 + 5 + 2 ms of computing, 5 ms of waiting"
    );
    // Read the input, 12 ms in three slices of at most 5 ms, then wait.
    use SpanKind::*;
    assert_eq!(
        kinds,
        vec![(Cpu, 0.0), (Cpu, 5.0), (Cpu, 5.0), (Cpu, 2.0), (Io, 5.0)]
    );
}

#[test]
fn a_process_whose_kernel_is_slower_than_the_calibration_still_returns_every_chunk() {
    // The page calibrated a kernel ten times faster than the process runs it just now (its
    // module still in a baseline tier): a chunk still ends after about its budget of wall
    // time, so the process keeps looking at its mailbox (a cancel) every 50 ms.
    struct Slow(Arc<FakeTime>);
    impl Machine for Slow {
        fn now_ms(&self) -> f64 {
            self.0.now()
        }
        fn compute(
            &self,
            ms: f64,
            _: &crate::cancel::Cancel,
        ) -> Result<(), crate::cancel::Cancelled> {
            self.0.advance(10.0 * ms);
            Ok(())
        }
        fn block(
            &self,
            ms: f64,
            _: &crate::cancel::Cancel,
        ) -> Result<(), crate::cancel::Cancelled> {
            self.0.advance(ms);
            Ok(())
        }
        fn iterations_per_ms(&self) -> f64 {
            1.0
        }
    }
    let job = one_step_job(0, 0, 0, 300.0, 0.0);
    let time = FakeTime::new();
    let mut task = crate::strategy::ProcessTask::new(job, Arc::new(Slow(time.clone())), None, 0.0);
    let mut chunks = 0;
    let span = loop {
        let before = time.now();
        let span = task.work(50.0);
        chunks += 1;
        let took = time.now() - before;
        assert!(
            took <= 50.0 + 10.0,
            "chunk {chunks} took {took} ms of a 50 ms budget"
        );
        if let Some(span) = span {
            break span;
        }
    };
    // All the work is done all the same: 300 ms of calibrated work, 3,000 ms at this speed.
    assert_eq!(span.end - span.start, 3_000.0);
    assert_eq!(chunks, 60);
}

// --- arrivals, latency, the event loop's delay --------------------------------------------------

const REQUESTS: &str = r#"{"strategy":"STRATEGY","groups":[{"name":"request","count":10,"cpuMs":0,"ioMs":100,"everyMs":40}]}"#;

#[test]
fn one_at_a_time_requests_queue_up_concurrently_they_do_not() {
    let sequential = on_fake_time(&with(REQUESTS, "sequential"));
    let concurrent = on_fake_time(&with(REQUESTS, "concurrent"));
    // No request starts before it arrives; concurrently each starts the moment it arrives.
    for r in [&sequential, &concurrent] {
        assert!(r
            .task_times
            .iter()
            .all(|t| t.start.unwrap() >= t.arrival && t.end.unwrap() > t.start.unwrap()));
    }
    assert!(concurrent
        .task_times
        .iter()
        .all(|t| t.start == Some(t.arrival) && t.end == Some(t.arrival + 100.0)));
    let latency = |r: &RunResult| r.latency_ms.unwrap();
    assert_eq!(
        (latency(&concurrent).p50, latency(&concurrent).max),
        (100.0, 100.0)
    );
    // One at a time: request k ends at 100 (k + 1), having arrived at 40 k.
    let ends: Vec<f64> = sequential
        .task_times
        .iter()
        .map(|t| t.end.unwrap())
        .collect();
    assert_eq!(ends, (1..=10).map(|k| 100.0 * k as f64).collect::<Vec<_>>());
    assert_eq!(latency(&sequential).max, 1000.0 - 360.0);
    assert_eq!((sequential.wall_ms, concurrent.wall_ms), (1000.0, 460.0));
    assert_eq!(concurrent.throughput_per_s, 10.0 / 0.46);
    assert_eq!(
        (sequential.predicted_ms, concurrent.predicted_ms),
        (1000.0, 460.0)
    );
}

#[test]
fn the_event_loop_answers_late_while_it_computes_and_at_once_while_it_waits() {
    let computing = on_fake_time(
        r#"{"strategy":"sequential","groups":[{"name":"render","count":3,"cpuMs":100,"ioMs":0}]}"#,
    );
    let delay = computing.event_loop_delay_ms.unwrap();
    // The probe's first timer was due at 10 ms; the loop was busy until 300 ms.
    assert_eq!(delay.max, 290.0);
    let yielding = on_fake_time(
        r#"{"strategy":"sequential","yieldMs":10,"groups":[{"name":"render","count":3,"cpuMs":100,"ioMs":0}]}"#,
    );
    assert!(yielding.event_loop_delay_ms.unwrap().max <= 10.0);
    let waiting = on_fake_time(&with(EIGHT_DOWNLOADS, "concurrent"));
    let delay = waiting.event_loop_delay_ms.unwrap();
    assert_eq!((delay.p50, delay.p99, delay.max), (0.0, 0.0, 0.0));
}

#[test]
fn a_process_takes_a_request_only_once_it_has_arrived() {
    let json = r#"{"strategy":"processes","threads":2,"groups":[{"name":"request","count":4,"cpuMs":30,"ioMs":0,"everyMs":50}]}"#;
    let r = on_fake_processes(json, &NO_THREADS, None).0.unwrap();
    let starts: Vec<f64> = r.task_times.iter().map(|t| t.start.unwrap()).collect();
    assert_eq!(starts, vec![0.0, 50.0, 100.0, 150.0]);
    assert!(r
        .task_times
        .iter()
        .all(|t| t.end.unwrap() >= t.arrival + 30.0));
}

#[test]
fn a_worker_thread_takes_a_request_only_once_it_has_arrived() {
    let r = on_real_pool(
        r#"{"strategy":"parallel","threads":2,"groups":[{"name":"request","count":4,"cpuMs":5,"ioMs":0,"everyMs":30}]}"#,
        real_machine(),
    );
    for t in &r.task_times {
        assert!(
            t.start.unwrap() >= t.arrival - 0.5,
            "task {} started at {:?}, before it arrived at {}",
            t.task,
            t.start,
            t.arrival
        );
    }
    assert!(
        r.wall_ms >= 90.0,
        "the last arrives at 90 ms: {}",
        r.wall_ms
    );
}

const FOUR_SHORT_RESIZES: &str = r#"{"strategy":"STRATEGY","threads":2,"groups":[{"name":"resize","count":4,"cpuMs":20,"ioMs":0}]}"#;

/// The error of a run whose machine panics at its first piece of computing.
fn forced_panic_error(outcome: Result<RunResult, String>) -> String {
    let error = outcome.expect_err("a run that panicked must end with an error");
    assert!(
        error.contains(crate::panic::FORCED) && error.contains("the next run starts afresh"),
        "{error}"
    );
    error
}

#[test]
fn a_panic_on_the_page_thread_ends_the_run_with_an_error() {
    for strategy in ["sequential", "concurrent"] {
        let time = FakeTime::new();
        let machine = Arc::new(PanickingMachine::new(Arc::new(FakeMachine(time.clone()))));
        let run = PreparedRun::new(
            workload(&with(FOUR_SHORT_RESIZES, strategy)),
            &HOST,
            machine,
            true,
        );
        let outcome = run_on_fake_time(
            &time,
            run.execute(time.now(), platform(FakeLoop(time.clone()))),
        );
        forced_panic_error(outcome);
    }
}

#[test]
fn a_panic_on_a_worker_ends_the_run_and_the_pool_keeps_both_workers() {
    for strategy in ["parallel", "hybrid"] {
        let json = with(FOUR_SHORT_RESIZES, strategy);
        let error = forced_panic_error(try_on_real_pool(
            &json,
            Arc::new(PanickingMachine::new(real_machine())),
        ));
        assert!(
            error.starts_with("the engine failed in this run"),
            "{error}"
        );
        // The next run on the same pool: both workers are there and compute.
        let next = on_real_pool(&json, real_machine());
        assert_eq!((next.status, next.tasks_done), (Status::Completed, 4));
        let lanes: BTreeSet<_> = next.spans.iter().map(|s| s.lane).collect();
        assert_eq!(
            lanes.len(),
            2,
            "{strategy}: both workers computed: {lanes:?}"
        );
    }
}

#[test]
fn a_panic_in_a_process_fails_the_run_and_the_next_run_works() {
    let time = FakeTime::new();
    let pool = FakeProcesses::new(time.clone(), 2);
    let run = PreparedRun::new(
        workload(FOUR_RESIZES),
        &NO_THREADS,
        Arc::new(PanickingMachine::new(Arc::new(FakeMachine(time.clone())))),
        true,
    );
    let platform = Platform {
        event_loop: Rc::new(FakeLoop(time.clone())),
        processes: Some(pool.clone()),
    };
    let error = run_on_fake_time(&time, run.execute(time.now(), platform)).unwrap_err();
    assert!(
        error.ends_with(&format!("failed: it panicked: {}", crate::panic::FORCED)),
        "{error}"
    );
    let (next, _) = on_fake_processes(FOUR_RESIZES, &NO_THREADS, Some(pool));
    assert_eq!(next.unwrap().tasks_done, 4);
}

#[test]
fn computing_counts_calibrated_work_against_the_time_it_took() {
    // On fake time computing takes exactly its calibrated time: full speed, 8 x 50 ms.
    let json = r#"{"strategy":"concurrent","yieldMs":10,"groups":[{"name":"a","count":8,"cpuMs":50,"ioMs":20}]}"#;
    let r = on_fake_time(json);
    let c = r.computing.expect("it computed");
    assert_eq!((c.nominal_ms, c.measured_ms), (400.0, 400.0));
    // Nothing computed, nothing to say.
    assert_eq!(
        on_fake_time(&with(EIGHT_DOWNLOADS, "concurrent")).computing,
        None
    );
}

#[test]
fn a_process_counts_its_computing_but_not_reading_its_input() {
    // The fake process reads its 1,000 KiB in 1 ms of computing, then computes 50 ms.
    let json = r#"{"strategy":"processes","threads":2,"groups":[{"name":"parse","count":2,"cpuMs":50,"ioMs":0,"dataKb":1000}]}"#;
    let r = on_fake_processes(json, &NO_THREADS, None).0.unwrap();
    let c = r.computing.expect("it computed");
    assert_eq!((c.nominal_ms, c.measured_ms), (100.0, 100.0));
}
