//! `parallel`: the whole run on the rayon pool, one task per worker at a time.

use super::RunState;
use crate::cancel::Cancelled;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Runs every task on `threads` workers. Call it on the pool (see `on_pool`), never from the
/// page's main thread: `rayon::scope` blocks its caller until all workers are done.
///
/// Each of the `threads` jobs takes the next task, in the order they arrive, from a shared
/// counter and runs it start to finish (self-scheduling), so tasks go to whichever worker is
/// free, and a run with fewer threads than the pool leaves the other workers idle.
pub fn run(state: &RunState, threads: usize) -> Result<(), Cancelled> {
    let next = AtomicUsize::new(0);
    let cancelled = std::sync::atomic::AtomicBool::new(false);
    rayon::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|_| {
                let work = || {
                    while let Some(&index) = state.order.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if state.run_task_blocking(&state.tasks[index]).is_err() {
                            cancelled.store(true, Ordering::Relaxed);
                            return;
                        }
                    }
                };
                // A panic stops the other workers too (the scope waits for them before it
                // raises the panic in its caller).
                if let Err(panic) = crate::panic::catch(work) {
                    state.cancel.cancel();
                    crate::panic::raise(panic);
                }
            });
        }
    });
    if cancelled.load(Ordering::Relaxed) {
        Err(Cancelled)
    } else {
        Ok(())
    }
}
