//! Tasks as futures on the page's event loop: `sequential`, `concurrent` and `hybrid`.

use super::counter::TaskCtx;
use super::{cancellable, PoolQueue, RunState};
use crate::cancel::Cancelled;
use crate::plan::{pieces, Piece, Task};
use crate::trace::SpanKind;
use futures::future::{join_all, LocalBoxFuture};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
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

/// Limits how many pieces of computing `hybrid` has handed to its pool at once (see
/// `PoolQueue`). Lives on the event loop's thread only.
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

/// How much the event loop's thread has computed since it last gave the page a turn, over
/// all the tasks of a run: with `yieldMs`, the thread (not each task) yields before it would
/// compute longer than that. (Counting per task, eight concurrent tasks each computed a slice
/// in turn, and the page waited eight slices for a frame.)
#[derive(Clone, Default)]
struct Budget(Rc<Cell<f64>>);

/// One task at a time, in order.
pub async fn sequential(
    state: &Arc<RunState>,
    event_loop: &dyn EventLoop,
) -> Result<(), Cancelled> {
    let budget = Budget::default();
    for &index in &state.order {
        run_task(state, &state.tasks[index], event_loop, None, &budget).await?;
    }
    Ok(())
}

/// All tasks at once, as futures polled together on one thread. With `pool`, computing
/// goes to the pool (`hybrid`); without, it runs right here (`concurrent`).
pub async fn concurrent(
    state: &Arc<RunState>,
    event_loop: &dyn EventLoop,
    pool: Option<&PoolQueue>,
) -> Result<(), Cancelled> {
    let budget = Budget::default();
    let tasks = state
        .order
        .iter()
        .map(|&index| run_task(state, &state.tasks[index], event_loop, pool, &budget));
    join_all(tasks).await.into_iter().collect()
}

/// Waits on the event loop until `task` arrives (at once if it has).
pub(super) async fn arrival(
    state: &RunState,
    task: &Task,
    event_loop: &dyn EventLoop,
) -> Result<(), Cancelled> {
    let wait = state.arrives_at(task) - state.machine.now_ms();
    if wait > 0.0 {
        cancellable(state, event_loop.sleep(wait)).await?;
    }
    Ok(())
}

async fn run_task(
    state: &Arc<RunState>,
    task: &Task,
    event_loop: &dyn EventLoop,
    pool: Option<&PoolQueue>,
    budget: &Budget,
) -> Result<(), Cancelled> {
    arrival(state, task, event_loop).await?;
    state.task_started(task);
    // On the pool (hybrid) a piece of computing is sliced by the worker; here, by `yieldMs`.
    let quantum = match pool {
        Some(_) => None,
        None => state.settings.event_loop_quantum,
    };
    // The counter and the locks are the task's, on this thread: an await while holding a
    // lock lets the other tasks run (and maybe wait for it), an await between an increment's
    // read and its write lets them write in between.
    let mut ctx = TaskCtx::new(state, task);
    for (step, piece) in pieces(task, quantum) {
        if piece.is_instant() {
            ctx.instant_async(step, piece).await?;
            continue;
        }
        match (piece, pool) {
            (Piece::Wait { ms }, _) => wait(state, task, step, ms, event_loop).await?,
            (_, Some(pool)) => compute_on_pool(state, task, step, piece, pool).await?,
            (_, None) => {
                // Computing takes turns with everything else ready (other tasks, input,
                // rendering): the thread yields before it would compute more than `yieldMs`.
                let ms = match piece {
                    Piece::Compute { ms } => ms,
                    _ => 0.0,
                };
                if let Some(quantum) = quantum {
                    if budget.0.get() > 0.0 && budget.0.get() + ms > quantum + 1e-9 {
                        event_loop.yield_now().await;
                        budget.0.set(0.0);
                        state.cancel.check()?;
                    }
                }
                // On one thread the global lock is never contended: nobody else computes
                // meanwhile.
                state.run_piece(task, step, piece)?;
                budget.0.set(budget.0.get() + ms);
            }
        }
    }
    // Its count sent (`message`), its locks released before it counts as done.
    ctx.finish();
    drop(ctx);
    state.task_finished(task);
    Ok(())
}

/// Computing handed to a worker and awaited: the event loop stays free meanwhile.
async fn compute_on_pool(
    state: &Arc<RunState>,
    task: &Task,
    step: usize,
    piece: Piece,
    pool: &PoolQueue,
) -> Result<(), Cancelled> {
    let _permit = cancellable(state, pool.permits.acquire()).await?;
    let shared = state.clone();
    let (task_id, task_index) = (task.id, task.id as usize);
    debug_assert_eq!(shared.tasks[task_index].id, task_id);
    pool.run(move || {
        // Queued before a cancel, taken after it: nothing to do, and no span to record (the
        // trace showed zero-length pieces after the cancel, as each worker emptied its queue).
        shared.cancel.check()?;
        let task = &shared.tasks[task_index];
        match piece {
            Piece::Compute { ms } => shared.compute_on_worker(task, step, ms),
            other => shared.run_piece(task, step, other),
        }
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
    // Cancelled before it began (a piece came back after the cancel): no wait, no span.
    state.cancel.check()?;
    let start = state.machine.now_ms();
    let outcome = cancellable(state, event_loop.sleep(ms)).await;
    state.record(task, step, SpanKind::Io, start, state.machine.now_ms());
    outcome.map(|_| ())
}
