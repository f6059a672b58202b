//! The strategies, natively: the event-loop ones on a fake clock (exact times), the pool ones
//! on real rayon threads (real times, generous bounds).

use crate::machine::{calibrate, InstantClock, Machine, RealMachine};
use crate::panic::PanickingMachine;
use crate::plan::Plan;
use crate::runner::{Host, PreparedRun, RunResult};
use crate::strategy::{EventLoop, Platform, ProcessJob, Status};
use crate::testing::{run_on_fake_time, FakeLoop, FakeMachine, FakeProcesses, FakeTime};
use crate::trace::{Detail, Span, SpanKind, MAIN_LANE};
use crate::workload::{CounterSync, Limits, Strategy};
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

/// A process's own copy of the counter, at 0.
fn own_copy() -> Arc<std::sync::atomic::AtomicU64> {
    Arc::new(std::sync::atomic::AtomicU64::new(0))
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
            increments: 0,
            locks: Vec::new(),
        },
        global_lock: false,
        quantum: None,
        iterations_per_ms: 1.0,
        posted_at: 0.0,
        panic: false,
        sync: CounterSync::None,
        counter_lock: None,
        fresh_counter: false,
    }
}

#[test]
fn a_process_job_reads_back_as_the_page_wrote_it() {
    let every_field = ProcessJob {
        task: crate::plan::Task {
            arrival_ms: 12.25,
            steps: vec![
                crate::plan::Step {
                    cpu_ms: 0.1,
                    io_ms: 1e-7,
                },
                crate::plan::Step {
                    cpu_ms: 300.0,
                    io_ms: 0.0,
                },
            ],
            increments: 40,
            locks: vec![2, 0, 65_535],
            ..one_step_job(u32::MAX, 11, 1024, 1.0, 2.0).task
        },
        global_lock: true,
        quantum: Some(5.0),
        iterations_per_ms: 481_234.567_8,
        posted_at: 1_765_000_000_123.456,
        panic: true,
        sync: CounterSync::Lock,
        counter_lock: Some(3),
        fresh_counter: true,
    };
    // The defaults (no panic, no counter lock, ...) are left out of the text.
    let defaults = one_step_job(0, 0, 0, 1.5, 0.0);
    for job in [every_field, defaults] {
        let text = serde_json::to_string(&job).unwrap();
        assert_eq!(ProcessJob::from_json(&text), Ok(job), "{text}");
    }
    // Unknown fields are ignored; a null quantum is none.
    let text = r#"{"task":{"id":1,"group":0,"dataKb":0,"arrivalMs":0,"steps":[{"cpuMs":2,"ioMs":0}],"x":1},"globalLock":false,"quantum":null,"iterationsPerMs":1,"postedAt":0,"sync":"message"}"#;
    let job = ProcessJob::from_json(text).unwrap();
    assert_eq!((job.quantum, job.sync), (None, CounterSync::Message));
    assert_eq!(job.task.steps[0].cpu_ms, 2.0);
    let error = |text: &str| ProcessJob::from_json(text).unwrap_err();
    assert_eq!(
        error(&text.replace(r#""id":1,"#, "")),
        "id is missing or of the wrong type"
    );
    assert_eq!(
        error(&text.replace(r#""id":1"#, r#""id":-1"#)),
        "id is missing or of the wrong type"
    );
    assert_eq!(
        error(&text.replace(r#""message""#, r#""some""#)),
        "sync is missing or of the wrong type"
    );
    assert_eq!(
        error(&text.replace(r#""cpuMs":2"#, r#""cpuMs":"2""#)),
        "steps is missing or of the wrong type"
    );
    assert!(error("{").contains("EOF"));
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
    let mut task =
        crate::strategy::ProcessTask::new(job, machine, Some(vec![1; 64 * 1024]), 0.0, own_copy());
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
    let mut task =
        crate::strategy::ProcessTask::new(job, Arc::new(Slow(time.clone())), None, 0.0, own_copy());
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

// --- the shared counter and named locks ---------------------------------------------------------

/// (expected, final, lost) of a result's counter.
fn counted(r: &RunResult) -> (u64, u64, u64) {
    let c = r.counter.as_ref().expect("a counter");
    (c.expected, c.final_value, c.lost)
}

const RACE: &str = r#"{"strategy":"STRATEGY","sync":"SYNC","threads":2,"groups":[{"name":"tally","count":8,"cpuMs":CPU,"ioMs":IO,"increments":10}]}"#;

fn race(strategy: &str, sync: &str, cpu: f64, io: f64) -> String {
    RACE.replace("STRATEGY", strategy)
        .replace("SYNC", sync)
        .replace("CPU", &cpu.to_string())
        .replace("IO", &io.to_string())
}

#[test]
fn on_one_thread_an_await_between_read_and_write_loses_updates() {
    // Eight tasks each read the counter, await 10 ms, write back what they read plus one:
    // every round all eight read the same value, and seven of their writes are lost.
    let r = on_fake_time(&race("concurrent", "none", 0.0, 100.0));
    assert_eq!(r.status, Status::Completed);
    assert_eq!(counted(&r), (80, 10, 70));
    assert_eq!(r.wall_ms, 100.0);
    // Each update is a span from its read to its write, with the value it read: in round k
    // every task read k - 1.
    let updates: Vec<&Span> = r
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Update)
        .collect();
    assert_eq!(updates.len(), 80);
    for u in &updates {
        let round = (u.start / 10.0).round() as u64;
        assert_eq!(u.detail, Detail::Counter { read: round });
        assert_eq!((u.end - u.start, u.lane), (10.0, MAIN_LANE));
    }
}

#[test]
fn on_one_thread_computing_between_read_and_write_loses_nothing() {
    // No await between the read and the write: nothing else runs on this thread meanwhile.
    let r = on_fake_time(&race("concurrent", "none", 100.0, 0.0));
    assert_eq!(counted(&r), (80, 80, 0));
    // Yielding to the page every 5 ms is an await too: now the writes of others come between.
    let yielding = on_fake_time(
        &race("concurrent", "none", 100.0, 0.0).replace(r#""sync""#, r#""yieldMs":5,"sync""#),
    );
    let (expected, final_value, lost) = counted(&yielding);
    assert_eq!(expected, 80);
    assert!(
        lost > 0 && final_value + lost == 80,
        "{:?}",
        yielding.counter
    );
}

#[test]
fn sequential_never_loses_an_update() {
    for (cpu, io) in [(0.0, 100.0), (100.0, 0.0), (50.0, 50.0)] {
        let r = on_fake_time(&race("sequential", "none", cpu, io));
        assert_eq!(counted(&r), (80, 80, 0), "cpu {cpu} io {io}");
    }
}

#[test]
fn atomic_lock_and_messages_lose_nothing_on_the_event_loop_and_the_lock_costs_its_waits() {
    let mut walls = Vec::new();
    for sync in ["atomic", "lock", "message"] {
        let r = on_fake_time(&race("concurrent", sync, 0.0, 100.0));
        assert_eq!(counted(&r), (80, 80, 0), "{sync}");
        assert_eq!(r.counter.as_ref().unwrap().sync.name(), sync);
        walls.push(r.wall_ms);
    }
    // The async lock is held across each increment's await: the waits take turns.
    assert_eq!(walls, vec![100.0, 800.0, 100.0]);
    let lock = on_fake_time(&race("concurrent", "lock", 0.0, 100.0));
    assert_eq!(lock.lock_names, vec![crate::strategy::COUNTER_LOCK]);
    assert_eq!(lock.counter_lock, Some(0));
    // The lock is not fair (as std's Mutex isn't): a task that releases it and asks again at
    // once, with nothing between, gets it back. So each task does its ten increments in a row
    // while the others wait: task k waited from the start until k x 100 ms.
    let mut waits: Vec<(u32, f64, f64)> = lock
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::NamedLockWait)
        .map(|s| (s.task, s.start, s.end))
        .collect();
    waits.sort_by_key(|w| w.0);
    assert_eq!(
        waits,
        (1..8)
            .map(|k| (k, 0.0, k as f64 * 100.0))
            .collect::<Vec<_>>()
    );
    // An atomic add is an instant: its update span has no length; messages record none.
    let atomic = on_fake_time(&race("concurrent", "atomic", 0.0, 100.0));
    assert!(atomic
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Update)
        .all(|s| s.start == s.end));
    let message = on_fake_time(&race("concurrent", "message", 0.0, 100.0));
    assert!(message.spans.iter().all(|s| s.kind != SpanKind::Update));
    assert_eq!(
        message.dropped_spans + lock.dropped_spans + atomic.dropped_spans,
        0
    );
}

#[test]
fn without_increments_there_is_no_counter() {
    let r = on_fake_time(&with(EIGHT_DOWNLOADS, "concurrent"));
    assert!(r.counter.is_none() && r.deadlock.is_none() && r.lock_names.is_empty());
}

const OPPOSITE_ORDERS: &str = r#"{"strategy":"STRATEGY","threads":2,"groups":[
    {"name":"ab","count":1,"cpuMs":CPU,"ioMs":IO,"locks":["A","B"]},
    {"name":"ba","count":1,"cpuMs":CPU,"ioMs":IO,"locks":["B","A"]}]}"#;

fn opposite(strategy: &str, cpu: f64, io: f64) -> String {
    OPPOSITE_ORDERS
        .replace("STRATEGY", strategy)
        .replace("CPU", &cpu.to_string())
        .replace("IO", &io.to_string())
}

#[test]
fn tasks_that_await_holding_locks_taken_in_opposite_orders_deadlock_on_one_thread() {
    // Task 0 takes A and waits 50 ms; task 1 takes B and waits; at 50 ms task 0 wants B (held
    // by task 1), then task 1 wants A (held by task 0): the cycle closes, the run stops there.
    let r = on_fake_time(&opposite("concurrent", 0.0, 100.0));
    assert_eq!(r.status, Status::Deadlocked);
    assert_eq!(r.tasks_done, 0);
    assert_eq!(r.wall_ms, 50.0, "stopped the moment the cycle closed");
    let deadlock = r.deadlock.as_ref().expect("the deadlock");
    assert_eq!((deadlock.at_ms, deadlock.detected_ms), (50.0, 50.0));
    let cycle: Vec<(u16, u32, Vec<String>, &str)> = deadlock
        .cycle
        .iter()
        .map(|t| (t.lane, t.task, t.holds.clone(), t.waits_for.as_str()))
        .collect();
    assert_eq!(
        cycle,
        vec![
            (MAIN_LANE, 1, vec!["B".to_string()], "A"),
            (MAIN_LANE, 0, vec!["A".to_string()], "B"),
        ]
    );
    assert_eq!(r.lock_names, ["A", "B"]);
    // The waits that never ended are spans up to the end, each naming who held its lock; and
    // each lock was held from its taking to the end.
    let mut waits: Vec<(u32, Detail, f64, f64)> = r
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::NamedLockWait)
        .map(|s| (s.task, s.detail, s.start, s.end))
        .collect();
    waits.sort_by_key(|w| w.0);
    use crate::trace::Holder;
    let held_by = |task| {
        Some(Holder {
            task,
            lane: MAIN_LANE,
        })
    };
    assert_eq!(
        waits,
        vec![
            (
                0,
                Detail::Lock {
                    lock: 1,
                    holder: held_by(1)
                },
                50.0,
                50.0
            ),
            (
                1,
                Detail::Lock {
                    lock: 0,
                    holder: held_by(0)
                },
                50.0,
                50.0
            ),
        ]
    );
    let mut held: Vec<(u32, Detail, f64, f64)> = r
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::LockHeld)
        .map(|s| (s.task, s.detail, s.start, s.end))
        .collect();
    held.sort_by_key(|h| h.0);
    assert_eq!(
        held,
        vec![
            (
                0,
                Detail::Lock {
                    lock: 0,
                    holder: None
                },
                0.0,
                50.0
            ),
            (
                1,
                Detail::Lock {
                    lock: 1,
                    holder: None
                },
                0.0,
                50.0
            ),
        ]
    );
}

#[test]
fn the_same_lock_order_never_deadlocks_and_takes_turns() {
    let same = opposite("concurrent", 0.0, 100.0).replace(r#"["B","A"]"#, r#"["A","B"]"#);
    let r = on_fake_time(&same);
    assert_eq!((r.status, r.tasks_done), (Status::Completed, 2));
    // Task 1 waited for A the whole time task 0 held it.
    assert_eq!(r.wall_ms, 200.0);
    let wait = r
        .spans
        .iter()
        .find(|s| s.kind == SpanKind::NamedLockWait)
        .expect("a wait for A");
    assert_eq!((wait.task, wait.start, wait.end), (1, 0.0, 100.0));
}

#[test]
fn sequential_and_computing_only_on_one_thread_never_deadlock() {
    for (strategy, cpu, io) in [
        ("sequential", 0.0, 100.0),
        ("sequential", 100.0, 0.0),
        ("concurrent", 100.0, 0.0),
    ] {
        let r = on_fake_time(&opposite(strategy, cpu, io));
        assert_eq!(
            (r.status, r.tasks_done),
            (Status::Completed, 2),
            "{strategy} cpu {cpu} io {io}"
        );
        assert!(r.deadlock.is_none());
    }
}

#[test]
fn the_run_after_a_deadlock_works() {
    let deadlocked = on_fake_time(&opposite("concurrent", 0.0, 100.0));
    assert_eq!(deadlocked.status, Status::Deadlocked);
    let next = on_fake_time(&race("concurrent", "atomic", 0.0, 100.0));
    assert_eq!(
        (next.status, counted(&next)),
        (Status::Completed, (80, 80, 0))
    );
}

#[test]
fn processes_count_in_their_own_copies_and_only_messages_reach_the_page() {
    let json = race("processes", "none", 0.0, 100.0);
    let (r, pool) = on_fake_processes(&json, &NO_THREADS, None);
    let r = r.unwrap();
    let counter = r.counter.as_ref().unwrap();
    // One process at a time per copy: no update lost there, but none reaches the page.
    assert_eq!(counted(&r), (80, 0, 80));
    assert_eq!(counter.per_process, Some(vec![40, 40]));
    let notice = r.notice.as_deref().unwrap();
    assert!(
        notice.contains("its own copy of the counter") && notice.contains("stayed 0"),
        "{notice}"
    );
    // The next run starts each copy afresh.
    let (again, _) = on_fake_processes(&json, &NO_THREADS, Some(pool));
    assert_eq!(
        again.unwrap().counter.unwrap().per_process,
        Some(vec![40, 40])
    );
    for sync in ["atomic", "lock"] {
        let r = on_fake_processes(&race("processes", sync, 0.0, 100.0), &NO_THREADS, None)
            .0
            .unwrap();
        assert_eq!(counted(&r), (80, 0, 80), "{sync}");
    }
    let message = on_fake_processes(&race("processes", "message", 0.0, 100.0), &NO_THREADS, None)
        .0
        .unwrap();
    assert_eq!(counted(&message), (80, 80, 0));
    assert_eq!(message.counter.unwrap().per_process, Some(vec![40, 40]));
    assert!(message.notice.is_none(), "{:?}", message.notice);
}

#[test]
fn processes_have_their_own_locks_so_opposite_orders_neither_wait_nor_deadlock() {
    let r = on_fake_processes(&opposite("processes", 0.0, 100.0), &NO_THREADS, None)
        .0
        .unwrap();
    assert_eq!((r.status, r.tasks_done), (Status::Completed, 2));
    assert!(r.spans.iter().all(|s| s.kind != SpanKind::NamedLockWait));
    let held: BTreeSet<u16> = r
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::LockHeld)
        .map(|s| s.lane)
        .collect();
    assert_eq!(
        held,
        BTreeSet::from([1, 2]),
        "each process held its own locks"
    );
    // Both held "A" at the same time: they don't exclude each other.
    let a: Vec<&Span> = r
        .spans
        .iter()
        .filter(|s| {
            s.kind == SpanKind::LockHeld
                && s.detail
                    == Detail::Lock {
                        lock: 0,
                        holder: None,
                    }
        })
        .collect();
    assert_eq!(a.len(), 2);
    assert!(a[0].start < a[1].end && a[1].start < a[0].end, "{a:?}");
    assert!(r.notice.unwrap().contains("own locks (A, B)"));
}

// --- on real threads ---

/// Runs `json` on the real pool until `accept` holds, at most `tries` times: a race may not
/// show every time.
fn until(json: &str, tries: usize, accept: impl Fn(&RunResult) -> bool) -> RunResult {
    let mut last = None;
    for _ in 0..tries {
        let r = on_real_pool(json, real_machine());
        if accept(&r) {
            return r;
        }
        last = Some(r);
    }
    let r = last.expect("at least one try");
    panic!(
        "not seen in {tries} runs: the last was {:?}, counter {:?}",
        r.status, r.counter
    );
}

const THREAD_RACE: &str = r#"{"strategy":"parallel","threads":2,"sync":"SYNC","groups":[{"name":"tally","count":2,"cpuMs":20,"ioMs":0,"increments":20}]}"#;

#[test]
fn worker_threads_lose_updates_without_atomics_or_a_lock() {
    // Two workers each read, compute 1 ms, write back: while both run, each write undoes the
    // other's. (Retried: the two may not overlap on a loaded machine.)
    let r = until(&THREAD_RACE.replace("SYNC", "none"), 5, |r| {
        r.counter.as_ref().is_some_and(|c| c.lost >= 5)
    });
    let (expected, final_value, lost) = counted(&r);
    assert_eq!((expected, final_value + lost), (40, 40));
    // Each update is a span from its read to its write, with the value it read: the last
    // write left the counter at what it read plus one, and two updates that read the same
    // value are a lost one.
    let mut updates: Vec<(f64, u64)> = r
        .spans
        .iter()
        .filter_map(|s| match (s.kind, s.detail) {
            (SpanKind::Update, Detail::Counter { read }) => Some((s.end, read)),
            _ => None,
        })
        .collect();
    assert_eq!(updates.len(), 40);
    updates.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(updates.last().map(|u| u.1 + 1), Some(final_value));
    let mut reads: Vec<u64> = updates.iter().map(|u| u.1).collect();
    reads.sort_unstable();
    assert!(reads.windows(2).any(|w| w[0] == w[1]), "{reads:?}");
}

#[test]
fn worker_threads_lose_nothing_with_atomics_a_lock_or_messages() {
    for sync in ["atomic", "lock", "message"] {
        let r = on_real_pool(&THREAD_RACE.replace("SYNC", sync), real_machine());
        assert_eq!(
            (r.status, counted(&r)),
            (Status::Completed, (40, 40, 0)),
            "{sync}"
        );
    }
}

#[test]
fn worker_threads_deadlock_on_opposite_orders_the_engine_stops_them_and_the_next_run_works() {
    // Each takes its first lock and computes 50 ms before it wants the other's: unless one
    // worker starts 50 ms late (retried), they deadlock.
    let r = until(&opposite("parallel", 100.0, 0.0), 3, |r| {
        r.status == Status::Deadlocked
    });
    let d = r.deadlock.as_ref().unwrap();
    // Seen when the cycle closes (well under 1 ms on a quiet machine); a busy machine can
    // preempt the closing thread, so the bound is the issue's: within 100 ms.
    assert!(d.detected_ms - d.at_ms < 100.0, "seen as it closed: {d:?}");
    assert!(
        r.wall_ms - d.at_ms < 100.0,
        "every worker free within 100 ms: {d:?} wall {}",
        r.wall_ms
    );
    let lanes: BTreeSet<u16> = d.cycle.iter().map(|t| t.lane).collect();
    assert_eq!(lanes, BTreeSet::from([1, 2]), "{d:?}");
    let mut pairs: Vec<(Vec<String>, String)> = d
        .cycle
        .iter()
        .map(|t| (t.holds.clone(), t.waits_for.clone()))
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        vec![
            (vec!["A".to_string()], "B".to_string()),
            (vec!["B".to_string()], "A".to_string())
        ]
    );
    // Both workers take the next run.
    let next = on_real_pool(
        &opposite("parallel", 40.0, 0.0).replace(r#"["B","A"]"#, r#"["A","B"]"#),
        real_machine(),
    );
    assert_eq!((next.status, next.tasks_done), (Status::Completed, 2));
    let lanes: BTreeSet<u16> = next
        .spans
        .iter()
        .filter(|s| s.kind == SpanKind::Cpu)
        .map(|s| s.lane)
        .collect();
    assert_eq!(lanes.len(), 2, "{lanes:?}");
}

#[test]
fn hybrid_awaits_the_pool_between_read_and_write_and_loses_updates() {
    // The task's code runs on the event loop; its computing is awaited on a worker.
    let json = race("hybrid", "none", 20.0, 0.0).replace("\"count\":8", "\"count\":4");
    let r = until(&json, 5, |r| r.counter.as_ref().is_some_and(|c| c.lost > 0));
    assert_eq!(r.counter.as_ref().unwrap().expected, 40);
    let atomic = on_real_pool(&json.replace("\"none\"", "\"atomic\""), real_machine());
    assert_eq!(counted(&atomic), (40, 40, 0));
}

#[test]
fn a_process_task_counts_in_its_own_copy_and_holds_its_own_locks() {
    let mut job = one_step_job(3, 0, 0, 10.0, 10.0);
    job.task.increments = 4;
    job.task.locks = vec![0, 1];
    job.fresh_counter = true;
    let time = FakeTime::new();
    let copy = own_copy();
    copy.store(99, std::sync::atomic::Ordering::Relaxed); // left by an earlier run
    let mut task = crate::strategy::ProcessTask::new(
        job.clone(),
        Arc::new(FakeMachine(time.clone())),
        None,
        0.0,
        copy.clone(),
    );
    let mut spans = Vec::new();
    while task.next_piece().is_some() {
        let span = task.work(100.0).expect("a piece in one chunk");
        spans.extend(task.take_instants());
        spans.push(span);
    }
    spans.extend(task.finish());
    assert_eq!(
        task.counts(),
        (4, 4),
        "4 increments, its copy at 4 (started afresh)"
    );
    let kinds: Vec<SpanKind> = spans.iter().map(|s| s.kind).collect();
    use SpanKind::*;
    assert_eq!(
        kinds,
        vec![Cpu, Update, Cpu, Update, Io, Update, Io, Update, LockHeld, LockHeld]
    );
    let reads: Vec<Detail> = spans
        .iter()
        .filter(|s| s.kind == Update)
        .map(|s| s.detail)
        .collect();
    assert_eq!(
        reads,
        (0..4)
            .map(|read| Detail::Counter { read })
            .collect::<Vec<_>>()
    );
    // B was taken halfway, A at the start: released last taken first, each held to the end.
    let held: Vec<(Detail, f64, f64)> = spans
        .iter()
        .filter(|s| s.kind == LockHeld)
        .map(|s| (s.detail, s.start, s.end))
        .collect();
    assert_eq!(
        held,
        vec![
            (
                Detail::Lock {
                    lock: 1,
                    holder: None
                },
                10.0,
                20.0
            ),
            (
                Detail::Lock {
                    lock: 0,
                    holder: None
                },
                0.0,
                20.0
            ),
        ]
    );
    // The same process's next task counts on from there.
    job.fresh_counter = false;
    let mut next =
        crate::strategy::ProcessTask::new(job, Arc::new(FakeMachine(time)), None, 0.0, copy);
    while next.next_piece().is_some() {
        next.work(100.0);
    }
    next.finish();
    assert_eq!(next.counts(), (4, 8));
}

#[test]
fn the_span_budget_holds_every_span_a_run_of_locks_and_increments_records() {
    for strategy in ["sequential", "concurrent", "processes"] {
        for sync in ["none", "atomic", "lock", "message"] {
            let json = format!(
                r#"{{"strategy":"{strategy}","threads":2,"sync":"{sync}","yieldMs":3,"groups":[
                {{"name":"a","count":3,"cpuMs":10,"ioMs":7,"steps":2,"increments":7,"locks":["A","B","C"]}},
                {{"name":"b","count":2,"cpuMs":5,"ioMs":0,"increments":3,"locks":["C","A"]}}]}}"#
            );
            let r = if strategy == "processes" {
                on_fake_processes(&json, &NO_THREADS, None).0.unwrap()
            } else {
                on_fake_time(&json)
            };
            assert_eq!(
                r.dropped_spans,
                0,
                "{strategy} {sync}: {} spans",
                r.spans.len()
            );
        }
    }
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
