//! Test doubles: a fake clock that a machine and an event loop share, and an executor that
//! jumps the clock to the next timer whenever every future is waiting.

use crate::cancel::{Cancel, Cancelled};
use crate::machine::Machine;
use crate::plan::{pieces, Piece};
use crate::strategy::processes::OwnMemory;
use crate::strategy::{EventLoop, ProcessEvent, ProcessFailed, ProcessJob, Processes};
use crate::trace::{Detail, Span, SpanKind};
use futures::future::LocalBoxFuture;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

/// A clock that only moves when told to, and its timers.
#[derive(Default)]
pub struct FakeTime {
    now: Mutex<f64>,
    timers: Mutex<Timers>,
}

/// Timers waiting (due time, id, waker), and the ids of those that fired.
#[derive(Default)]
struct Timers {
    waiting: Vec<(f64, u64, Waker)>,
    fired: std::collections::HashSet<u64>,
    next_id: u64,
}

impl FakeTime {
    pub fn new() -> Arc<FakeTime> {
        Arc::new(FakeTime::default())
    }

    pub fn now(&self) -> f64 {
        *self.now.lock().unwrap()
    }

    /// Moves time on by `ms`, as a thread computing or blocking does.
    pub fn advance(&self, ms: f64) {
        *self.now.lock().unwrap() += ms;
    }

    fn timer_id(&self) -> u64 {
        let mut timers = self.timers.lock().unwrap();
        timers.next_id += 1;
        timers.next_id
    }

    /// Whether timer `id` (due at `at`) has fired; if not, it waits (once) with `waker`.
    fn fired(&self, id: u64, at: f64, waker: &Waker) -> bool {
        let mut timers = self.timers.lock().unwrap();
        if timers.fired.remove(&id) {
            return true;
        }
        match timers.waiting.iter_mut().find(|(_, i, _)| *i == id) {
            Some(entry) => entry.2 = waker.clone(),
            None => timers.waiting.push((at, id, waker.clone())),
        }
        false
    }

    fn forget(&self, id: u64) {
        let mut timers = self.timers.lock().unwrap();
        timers.waiting.retain(|(_, i, _)| *i != id);
        timers.fired.remove(&id);
    }

    /// Moves the clock to the earliest timer and fires it: one timer at a time, the first set
    /// first, as a browser runs each due timer (and each posted message) as a task of its own.
    /// Returns false if there is no timer.
    fn fire_next(&self) -> bool {
        let mut timers = self.timers.lock().unwrap();
        let Some(next) = timers.waiting.iter().map(|(t, _, _)| *t).reduce(f64::min) else {
            return false;
        };
        let mut now = self.now.lock().unwrap();
        *now = now.max(next);
        let index = timers
            .waiting
            .iter()
            .position(|(t, _, _)| *t <= *now)
            .expect("a due timer");
        let (_, id, waker) = timers.waiting.remove(index);
        timers.fired.insert(id);
        drop((now, timers));
        waker.wake();
        true
    }
}

/// A timer on fake time: ready once fired (see [`FakeTime::fire_next`]).
struct Timer {
    time: Arc<FakeTime>,
    id: u64,
    at: f64,
}

impl Timer {
    fn new(time: Arc<FakeTime>, at: f64) -> Timer {
        let id = time.timer_id();
        Timer { time, id, at }
    }
}

impl Future for Timer {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.time.fired(self.id, self.at, cx.waker()) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.time.forget(self.id);
    }
}

/// A machine on fake time: computing and blocking just move the clock.
pub struct FakeMachine(pub Arc<FakeTime>);

impl Machine for FakeMachine {
    fn now_ms(&self) -> f64 {
        self.0.now()
    }
    fn compute(&self, ms: f64, cancel: &Cancel) -> Result<(), Cancelled> {
        cancel.check()?;
        self.0.advance(ms);
        Ok(())
    }
    fn block(&self, ms: f64, cancel: &Cancel) -> Result<(), Cancelled> {
        self.compute(ms, cancel)
    }
    fn iterations_per_ms(&self) -> f64 {
        1.0
    }
}

/// An event loop on fake time: a sleep is a timer `ms` from now, a yield a timer due now
/// (everything else that is ready runs first, and earlier timers fire first).
pub struct FakeLoop(pub Arc<FakeTime>);

impl EventLoop for FakeLoop {
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(Timer::new(self.0.clone(), self.0.now() + ms))
    }
    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        Box::pin(Timer::new(self.0.clone(), self.0.now()))
    }
}

struct Flag(AtomicBool);
impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Polls `future` to completion on fake time.
pub fn run_on_fake_time<F: Future>(time: &FakeTime, future: F) -> F::Output {
    let flag = Arc::new(Flag(AtomicBool::new(true)));
    let waker = Waker::from(flag.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        flag.0.store(false, Ordering::SeqCst);
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        if !flag.0.load(Ordering::SeqCst) && !time.fire_next() {
            panic!("deadlock: every future waits and no timer is set");
        }
    }
}

/// Processes on fake time: each piece of a job takes its time on the fake clock (so processes
/// overlap as real ones do), a process starts the first time it is used (`startup_ms`), and a
/// copy of the input takes `copy_ms_per_kb`. `fail_on` makes that process fail its next task.
/// Each has its own copy of the counter and its own locks, as a real one ([`OwnMemory`]).
pub struct FakeProcesses {
    pub time: Arc<FakeTime>,
    pub size: usize,
    pub startup_ms: f64,
    pub copy_ms_per_kb: f64,
    pub started: Rc<RefCell<Vec<bool>>>,
    pub stops: Cell<u32>,
    pub fail_on: Cell<Option<usize>>,
    /// Each process's own copy of the counter.
    pub copies: Vec<Arc<AtomicU64>>,
}

impl FakeProcesses {
    pub fn new(time: Arc<FakeTime>, size: usize) -> Rc<FakeProcesses> {
        Rc::new(FakeProcesses {
            time,
            size,
            startup_ms: 20.0,
            copy_ms_per_kb: 0.01,
            started: Rc::new(RefCell::new(vec![false; size])),
            stops: Cell::new(0),
            fail_on: Cell::new(None),
            copies: (0..size).map(|_| Arc::new(AtomicU64::new(0))).collect(),
        })
    }
}

impl Processes for FakeProcesses {
    fn size(&self) -> usize {
        self.size
    }

    fn run(
        &self,
        index: usize,
        job: &ProcessJob,
        input: Option<&[u8]>,
        mut on_event: Box<dyn FnMut(ProcessEvent)>,
    ) -> LocalBoxFuture<'static, Result<(), ProcessFailed>> {
        let (time, job, started) = (self.time.clone(), job.clone(), self.started.clone());
        let copy_ms = input.map(|bytes| bytes.len() as f64 / 1024.0 * self.copy_ms_per_kb);
        let (startup_ms, fails) = (self.startup_ms, self.fail_on.get() == Some(index));
        let mut own = OwnMemory::new(&job, self.copies[index].clone());
        let sleep = move |ms: f64| FakeLoop(time.clone()).sleep(ms);
        let now = {
            let time = self.time.clone();
            move || time.now()
        };
        Box::pin(async move {
            if !started.borrow()[index] {
                let start = now();
                sleep(startup_ms).await;
                if fails {
                    return Err(ProcessFailed("the module did not load".into()));
                }
                started.borrow_mut()[index] = true;
                on_event(ProcessEvent::Startup { start, end: now() });
            }
            let span = |kind, step: usize, start, end| Span {
                task: job.task.id,
                group: job.task.group,
                step: step as u16,
                lane: 0,
                kind,
                start,
                end,
                detail: Detail::None,
            };
            if let Some(ms) = copy_ms {
                let start = job.posted_at.max(now());
                sleep(ms).await;
                on_event(ProcessEvent::Span(span(
                    SpanKind::Transfer,
                    0,
                    start,
                    now(),
                )));
            }
            if job.panic {
                // What process.js posts when the module's export throws a PanicError.
                return Err(ProcessFailed(format!(
                    "it panicked: {}",
                    crate::panic::FORCED
                )));
            }
            for (step, piece) in pieces(&job.task, job.quantum) {
                let (kind, ms) = match piece {
                    Piece::Read { kb } => (SpanKind::Cpu, kb as f64 * 0.001),
                    Piece::Compute { ms } => (SpanKind::Cpu, ms),
                    Piece::Wait { ms } => (SpanKind::Io, ms),
                    instant => {
                        for span in own.instant(&job.task, step, instant, now()) {
                            on_event(ProcessEvent::Span(span));
                        }
                        continue;
                    }
                };
                let start = now();
                on_event(ProcessEvent::Began {
                    kind,
                    step: step as u16,
                    start,
                });
                sleep(ms).await;
                on_event(ProcessEvent::Span(span(kind, step, start, now())));
            }
            let (made, copy) = own.counts();
            on_event(ProcessEvent::Counter { made, copy });
            Ok(())
        })
    }

    fn stop(&self) {
        self.stops.set(self.stops.get() + 1);
        self.started
            .borrow_mut()
            .iter_mut()
            .for_each(|s| *s = false);
    }
}
