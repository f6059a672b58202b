//! Tasks as futures on the page's event loop: `sequential`, `concurrent` and `hybrid`.

use super::{on_pool, RunState};
use crate::cancel::Cancelled;
use crate::plan::{slices, Task};
use crate::trace::SpanKind;
use futures::future::{join_all, select, Either, LocalBoxFuture};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// What the event loop offers a task: timers and a way to let other work run.
/// In the browser these are `setTimeout` and a posted message; in tests, a fake clock.
pub trait EventLoop {
    /// Completes after `ms`, without blocking the thread.
    fn sleep(&self, ms: f64) -> LocalBoxFuture<'static, ()>;
    /// Completes after everything else ready to run (input, rendering, other tasks) has had
    /// its turn.
    fn yield_now(&self) -> LocalBoxFuture<'static, ()>;
}

/// Limits how many pieces of computing `hybrid` has on the pool at once (its `threads`).
/// Lives on the event loop's thread only.
#[derive(Clone)]
pub struct Permits(Rc<RefCell<PermitState>>);

struct PermitState {
    free: usize,
    waiting: VecDeque<Waker>,
}

impl Permits {
    pub fn new(count: usize) -> Permits {
        Permits(Rc::new(RefCell::new(PermitState {
            free: count.max(1),
            waiting: VecDeque::new(),
        })))
    }

    /// Waits for a free permit; it is given back when the returned guard drops.
    pub async fn acquire(&self) -> PermitGuard {
        std::future::poll_fn(|cx: &mut Context<'_>| {
            let mut state = self.0.borrow_mut();
            if state.free > 0 {
                state.free -= 1;
                Poll::Ready(())
            } else {
                state.waiting.push_back(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
        PermitGuard(self.clone())
    }
}

pub struct PermitGuard(Permits);

impl Drop for PermitGuard {
    fn drop(&mut self) {
        let mut state = self.0 .0.borrow_mut();
        state.free += 1;
        if let Some(next) = state.waiting.pop_front() {
            next.wake();
        }
    }
}

/// One task at a time, in order.
pub async fn sequential(
    state: &Arc<RunState>,
    event_loop: &dyn EventLoop,
) -> Result<(), Cancelled> {
    for task in &state.tasks {
        run_task(state, task, event_loop, None).await?;
    }
    Ok(())
}

/// All tasks at once, as futures polled together on one thread. With `permits`, computing
/// goes to the pool (`hybrid`); without, it runs right here (`concurrent`).
pub async fn concurrent(
    state: &Arc<RunState>,
    event_loop: &dyn EventLoop,
    permits: Option<Permits>,
) -> Result<(), Cancelled> {
    let tasks = state
        .tasks
        .iter()
        .map(|task| run_task(state, task, event_loop, permits.as_ref()));
    join_all(tasks).await.into_iter().collect()
}

async fn run_task(
    state: &Arc<RunState>,
    task: &Task,
    event_loop: &dyn EventLoop,
    permits: Option<&Permits>,
) -> Result<(), Cancelled> {
    for (step, piece) in task.steps.iter().enumerate() {
        if piece.cpu_ms > 0.0 {
            match permits {
                Some(permits) => compute_on_pool(state, task, step, piece.cpu_ms, permits).await?,
                None => compute_here(state, task, step, piece.cpu_ms, event_loop).await?,
            }
        }
        if piece.io_ms > 0.0 {
            wait(state, task, step, piece.io_ms, event_loop).await?;
        }
    }
    state.task_finished();
    Ok(())
}

/// Computing on the event loop's own thread: it blocks the thread (nothing else runs, the
/// page doesn't repaint) for a whole piece, or for one `yieldMs` slice at a time with a yield
/// between slices so other tasks and the page get their turn.
async fn compute_here(
    state: &RunState,
    task: &Task,
    step: usize,
    ms: f64,
    event_loop: &dyn EventLoop,
) -> Result<(), Cancelled> {
    let mut slices = slices(ms, state.event_loop_quantum).peekable();
    while let Some(slice) = slices.next() {
        // On one thread the global lock is never contended: nobody else computes meanwhile.
        state.compute_slice(task, step, slice)?;
        if slices.peek().is_some() {
            event_loop.yield_now().await;
            state.cancel.check()?;
        }
    }
    Ok(())
}

/// Computing handed to a worker and awaited: the event loop stays free meanwhile.
async fn compute_on_pool(
    state: &Arc<RunState>,
    task: &Task,
    step: usize,
    ms: f64,
    permits: &Permits,
) -> Result<(), Cancelled> {
    let _permit = cancellable(state, permits.acquire()).await?;
    let shared = state.clone();
    let (task_id, task_index) = (task.id, task.id as usize);
    debug_assert_eq!(shared.tasks[task_index].id, task_id);
    on_pool(move || {
        let task = &shared.tasks[task_index];
        shared.compute_on_worker(task, step, ms)
    })
    .await?
}

/// Waiting on the event loop: a timer, cut short by a cancel. Other tasks run meanwhile.
async fn wait(
    state: &RunState,
    task: &Task,
    step: usize,
    ms: f64,
    event_loop: &dyn EventLoop,
) -> Result<(), Cancelled> {
    let start = state.machine.now_ms();
    let outcome = cancellable(state, event_loop.sleep(ms)).await;
    state.record(task, step, SpanKind::Io, start, state.machine.now_ms());
    outcome.map(|_| ())
}

/// Races `future` against the run's cancel.
async fn cancellable<T>(state: &RunState, future: impl Future<Output = T>) -> Result<T, Cancelled> {
    state.cancel.check()?;
    let future: Pin<&mut _> = pin!(future);
    match select(future, pin!(state.cancel.cancelled())).await {
        Either::Left((value, _)) => Ok(value),
        Either::Right((cancelled, _)) => Err(cancelled),
    }
}
