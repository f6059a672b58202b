//! The global lock (the GIL analogy): one thread computes at a time.

use crate::cancel::{Cancel, Cancelled};
use std::sync::atomic::{AtomicU32, Ordering};

/// A fair (first come, first served) ticket lock, as CPython's GIL hands over in turn after
/// each switch interval: a thread that just released it can't take it straight back while
/// others wait, which an unfair mutex would allow.
///
/// Waiting spins briefly, then sleeps in short naps. Only worker threads ever wait: on the
/// page's main thread (sequential, concurrent) nobody else computes, so it is never contended
/// there, which matters because the browser forbids blocking the main thread.
#[derive(Default)]
pub struct GlobalLock {
    next_ticket: AtomicU32,
    now_serving: AtomicU32,
}

pub struct Held<'a>(&'a GlobalLock);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.now_serving.fetch_add(1, Ordering::Release);
    }
}

impl GlobalLock {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn acquire(&self, cancel: &Cancel) -> Result<Held<'_>, Cancelled> {
        let ticket = self.next_ticket.fetch_add(1, Ordering::Relaxed);
        let mut spins = 0u32;
        while self.now_serving.load(Ordering::Acquire) != ticket {
            // Giving up leaves the queue stuck behind this ticket, but a cancel stops every
            // thread of the run and the lock lives only as long as the run.
            cancel.check()?;
            spins += 1;
            if spins < 200 {
                std::hint::spin_loop();
            } else {
                std::thread::sleep(std::time::Duration::from_micros(20));
            }
        }
        Ok(Held(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn one_holder_at_a_time_and_turns_in_order() {
        let lock = Arc::new(GlobalLock::new());
        let inside = Arc::new(AtomicU32::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (lock, inside) = (lock.clone(), inside.clone());
                std::thread::spawn(move || {
                    let cancel = Cancel::new();
                    for _ in 0..200 {
                        let _held = lock.acquire(&cancel).unwrap();
                        assert_eq!(
                            inside.fetch_add(1, Ordering::SeqCst),
                            0,
                            "two holders at once"
                        );
                        std::hint::black_box((0..200).sum::<u64>());
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(lock.next_ticket.load(Ordering::SeqCst), 800);
    }

    #[test]
    fn a_waiter_gives_up_when_cancelled() {
        let lock = GlobalLock::new();
        let cancel = Cancel::new();
        let _held = lock.acquire(&cancel).unwrap();
        cancel.cancel();
        assert!(lock.acquire(&cancel).is_err());
    }
}
