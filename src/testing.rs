//! Test doubles: a fake clock that a machine and an event loop share, and an executor that
//! jumps the clock to the next timer whenever every future is waiting.

use crate::cancel::{Cancel, Cancelled};
use crate::machine::Machine;
use crate::strategy::EventLoop;
use futures::future::LocalBoxFuture;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

#[derive(Default)]
pub struct FakeTime {
    now: Mutex<f64>,
    timers: Mutex<Vec<(f64, Waker)>>,
}

impl FakeTime {
    pub fn new() -> Arc<FakeTime> {
        Arc::new(FakeTime::default())
    }

    pub fn now(&self) -> f64 {
        *self.now.lock().unwrap()
    }

    fn advance(&self, ms: f64) {
        *self.now.lock().unwrap() += ms;
    }

    /// Moves the clock to the earliest timer and wakes every timer due by then.
    /// Returns false if there is no timer.
    fn fire_next(&self) -> bool {
        let mut timers = self.timers.lock().unwrap();
        let Some(next) = timers.iter().map(|(t, _)| *t).reduce(f64::min) else {
            return false;
        };
        let mut now = self.now.lock().unwrap();
        *now = now.max(next);
        let due: Vec<Waker> = timers
            .iter()
            .filter(|(t, _)| *t <= *now)
            .map(|(_, w)| w.clone())
            .collect();
        timers.retain(|(t, _)| *t > *now);
        drop((now, timers));
        due.into_iter().for_each(Waker::wake);
        true
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
}

/// An event loop on fake time.
pub struct FakeLoop(pub Arc<FakeTime>);

struct Sleep {
    time: Arc<FakeTime>,
    deadline: f64,
}

impl Future for Sleep {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.time.now() >= self.deadline {
            return Poll::Ready(());
        }
        self.time
            .timers
            .lock()
            .unwrap()
            .push((self.deadline, cx.waker().clone()));
        Poll::Pending
    }
}

impl EventLoop for FakeLoop {
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()> {
        Box::pin(Sleep {
            time: self.0.clone(),
            deadline: self.0.now() + ms,
        })
    }
    fn yield_now(&self) -> LocalBoxFuture<'static, ()> {
        // A timer due now: everything else that is ready runs first.
        let mut yielded = false;
        let time = self.0.clone();
        Box::pin(std::future::poll_fn(move |cx| {
            if yielded {
                return Poll::Ready(());
            }
            yielded = true;
            let now = time.now();
            time.timers.lock().unwrap().push((now, cx.waker().clone()));
            Poll::Pending
        }))
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
