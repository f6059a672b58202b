//! Handing work from the page's thread to rayon's pool without ever blocking it: one job at a
//! time ([`on_pool`]), or many short pieces through a queue ([`PoolQueue`], for `hybrid`).

use super::Permits;
use crate::cancel::Cancelled;
use std::sync::Arc;

/// Runs `f` on the rayon pool and awaits its result without blocking the calling thread:
/// the pattern that keeps the page's main thread free (measured 1.9x and 60 fps, where a
/// `par_iter` called from the main thread froze the page at 1.2x). Callers must check that a
/// pool exists: without one (a page that isn't cross-origin isolated) nothing picks the job up.
pub async fn on_pool<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, Cancelled> {
    let (sender, receiver) = futures::channel::oneshot::channel();
    rayon::spawn(move || {
        let _ = sender.send(crate::panic::catch(f));
    });
    returned(receiver.await)
}

/// What a job on the pool returned, or its panic raised again on this thread (the run's own
/// catch ends the run with it: see [`crate::panic`]).
fn returned<R>(
    received: Result<Result<R, crate::panic::Payload>, futures::channel::oneshot::Canceled>,
) -> Result<R, Cancelled> {
    match received {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(panic)) => crate::panic::raise(panic),
        // Dropped unsent: the queue's jobs ended (the run is over).
        Err(_) => Err(Cancelled),
    }
}

/// A piece of work for a [`PoolQueue`].
type Job = Box<dyn FnOnce() + Send>;

/// Pieces handed to a [`PoolQueue`] at most, per worker: the one computing and the next ones
/// waiting for it.
const QUEUED_PER_WORKER: usize = 8;

/// Hands many short pieces of work to `workers` jobs on the rayon pool, through a queue, for
/// as long as it lives (one `hybrid` run); dropping it ends those jobs once the queue is empty.
///
/// [`on_pool`] per piece costs a round trip for each (the worker's result wakes the event loop,
/// which hands the next piece over, and rayon wakes a worker that went to sleep meanwhile).
/// Here up to [`QUEUED_PER_WORKER`] pieces per worker are handed over ahead, so a worker that
/// finishes one takes the next at once and the event loop's round trip overlaps computing
/// (docs/toolchain.md has the figures). Only `workers` jobs take from the queue: at most that
/// many pieces compute at once (the run's `threads`), however many the pool has.
///
/// The queue's lock is `wasm_sync`'s, which the page's thread spins for instead of waiting: a
/// browser throws on `Atomics.wait` there (https://github.com/WebAssembly/threads/issues/177),
/// and a channel of std's waits for its own lock (docs/toolchain.md, "Threads in the page").
pub struct PoolQueue {
    shared: Arc<QueueShared>,
    /// How many pieces are handed over (computing or queued) at once.
    pub permits: Permits,
}

/// The pieces waiting for a worker, and whether the queue is closed (its run is over).
struct QueueShared {
    state: wasm_sync::Mutex<QueueState>,
    /// Signalled when a piece is queued or the queue closes. Only workers wait on it.
    ready: wasm_sync::Condvar,
}

#[derive(Default)]
struct QueueState {
    jobs: std::collections::VecDeque<Job>,
    closed: bool,
}

impl QueueShared {
    /// The next piece, waiting for one (on a worker); `None` once the queue is closed and
    /// empty.
    fn next(&self) -> Option<Job> {
        let mut state = self.state.lock().ok()?;
        loop {
            if let Some(job) = state.jobs.pop_front() {
                return Some(job);
            }
            if state.closed {
                return None;
            }
            state = self.ready.wait(state).ok()?;
        }
    }

    /// Queues `job` for a worker; `false` if the queue is closed.
    fn push(&self, job: Job) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        if state.closed {
            return false;
        }
        state.jobs.push_back(job);
        drop(state);
        self.ready.notify_one();
        true
    }

    /// Closes the queue: workers take what is left in it, then their jobs end.
    fn close(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.closed = true;
        }
        self.ready.notify_all();
    }
}

impl PoolQueue {
    /// Starts `workers` jobs on the pool that run queued pieces until the queue is dropped.
    /// Callers must check that a pool exists (see [`on_pool`]).
    pub fn start(workers: usize) -> PoolQueue {
        let shared = Arc::new(QueueShared {
            state: wasm_sync::Mutex::new(QueueState::default()),
            ready: wasm_sync::Condvar::new(),
        });
        for _ in 0..workers.max(1) {
            let shared = shared.clone();
            rayon::spawn(move || {
                while let Some(job) = shared.next() {
                    job();
                }
            });
        }
        PoolQueue {
            shared,
            permits: Permits::new(workers.max(1) * QUEUED_PER_WORKER),
        }
    }

    /// Runs `f` on one of the queue's workers and awaits its result without blocking the
    /// calling thread. Take a permit first: it bounds how many pieces are handed over.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, Cancelled> {
        let (sender, receiver) = futures::channel::oneshot::channel();
        let queued = self.shared.push(Box::new(move || {
            let _ = sender.send(crate::panic::catch(f));
        }));
        if !queued {
            return Err(Cancelled);
        }
        returned(receiver.await)
    }
}

impl Drop for PoolQueue {
    fn drop(&mut self) {
        self.shared.close();
    }
}
