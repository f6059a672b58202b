//! Cancelling a run: a flag that computing checks often, and a future that waits on the
//! event loop can race against.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};
use wasm_sync::Mutex;

/// The run was cancelled: work stops at the next check, the run reports `cancelled`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Shared by every thread of a run.
///
/// Workers mostly read the flag (a relaxed atomic load between chunks of work). The waker
/// list is touched by the thread that polls [`Cancel::cancelled`] (the page's main thread in
/// the browser) and by whoever calls [`Cancel::cancel`]: the page, or a worker whose job
/// panicked. Its lock is `wasm_sync`'s, which the main thread spins for instead of waiting
/// (`Atomics.wait` throws there).
#[derive(Default)]
pub struct Cancel {
    flag: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
        let wakers = std::mem::take(&mut *self.wakers.lock().unwrap_or_else(|e| e.into_inner()));
        wakers.into_iter().for_each(Waker::wake);
    }

    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once cancelled: use with `?` between pieces of work.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    /// A future that completes when the run is cancelled.
    pub fn cancelled(&self) -> WhenCancelled<'_> {
        WhenCancelled { cancel: self }
    }
}

pub struct WhenCancelled<'a> {
    cancel: &'a Cancel,
}

impl Future for WhenCancelled<'_> {
    type Output = Cancelled;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Cancelled> {
        if self.cancel.is_cancelled() {
            return Poll::Ready(Cancelled);
        }
        let mut wakers = self.cancel.wakers.lock().unwrap_or_else(|e| e.into_inner());
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        drop(wakers);
        // Cancelled between the check and the registration: don't miss it.
        if self.cancel.is_cancelled() {
            Poll::Ready(Cancelled)
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use std::sync::Arc;

    #[test]
    fn check_turns_into_an_error_once_cancelled() {
        let c = Cancel::new();
        assert_eq!(c.check(), Ok(()));
        c.cancel();
        assert_eq!(c.check(), Err(Cancelled));
    }

    #[test]
    fn cancelled_future_wakes_when_another_thread_cancels() {
        let c = Arc::new(Cancel::new());
        let c2 = c.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            c2.cancel();
        });
        assert_eq!(block_on(c.cancelled()), Cancelled);
        t.join().unwrap();
    }
}
