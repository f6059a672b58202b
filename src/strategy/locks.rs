//! Named locks, and the deadlocks they make.
//!
//! One table per run says who holds each lock and which task waits for which lock: the
//! who-waits-for-whom graph. A task that finds a lock held waits for it, and the moment it
//! starts to wait is the only moment a cycle can close (a task that has just taken a lock is
//! running, not waiting, so no cycle goes through it then): the table follows the chain of
//! holders from there, and a chain that comes back to the waiter is a deadlock, reported as
//! ThreadSanitizer and shuttle report one, by the tasks in the cycle, what each holds and what
//! it waits for.
//!
//! Worker threads wait for a lock blocking (on the table's condition variable); tasks on the
//! page's event loop wait as futures (woken when the lock is released): the page's thread
//! never blocks, and it only ever takes the table's own lock briefly (`wasm_sync`'s, which it
//! spins for where std's would call `Atomics.wait`, which throws there).

use crate::cancel::Cancel;
use crate::trace::{Holder, Lane};
use std::sync::MutexGuard;
use std::task::Waker;
use std::time::Duration;
use wasm_sync::{Condvar, Mutex};

/// How long a blocked worker sleeps before it looks at its run's cancel again (a deadlock's
/// detection wakes every waiter at once; a cancel from the page is seen within this).
const CANCEL_CHECK: Duration = Duration::from_millis(2);

/// The locks of one run (or of one process: its own), by index.
pub struct LockTable {
    table: Mutex<Table>,
    /// Signalled when a lock is released or a deadlock found. Only worker threads wait on it.
    released: Condvar,
}

#[derive(Default)]
struct Table {
    /// Per lock: who holds it.
    holders: Vec<Option<Holder>>,
    /// Per task (by id): the lock it waits for, if it waits.
    waiting: Vec<Option<Waiting>>,
    /// Per lock: the futures waiting for it on the event loop, woken when it is released.
    wakers: Vec<Vec<Waker>>,
}

#[derive(Clone, Copy, Debug)]
struct Waiting {
    lock: u16,
    lane: Lane,
    /// When the wait began, on the machine's clock.
    since: f64,
}

/// One task of a deadlock's cycle: it waits for `lock`, which the next task of the cycle
/// holds (the last one's is held by the first).
#[derive(Clone, Debug, PartialEq)]
pub struct CycleMember {
    pub task: u32,
    pub lane: Lane,
    /// When it began to wait.
    pub since: f64,
    pub waits_for: u16,
    /// The locks it holds, by index.
    pub holds: Vec<u16>,
}

/// What trying to take a lock found.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempt {
    /// The lock is the caller's now.
    Taken,
    /// Someone else holds it: the caller is registered as waiting for it.
    Held(Holder),
    /// Waiting would never end: the caller's wait closes a cycle, from the caller round to
    /// the task holding what the last one waits for.
    Deadlock(Vec<CycleMember>),
}

/// How a blocking take ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Blocked {
    /// Taken; `waited_for` is who held it when the wait began, if it had to wait.
    Taken { waited_for: Option<Holder> },
    /// The run was cancelled meanwhile (or found deadlocked elsewhere).
    Cancelled { waited_for: Option<Holder> },
    /// This wait closed a cycle.
    Deadlock {
        waited_for: Holder,
        cycle: Vec<CycleMember>,
    },
}

impl LockTable {
    /// A table of `locks` locks, none held.
    pub fn new(locks: usize) -> LockTable {
        LockTable {
            table: Mutex::new(Table {
                holders: vec![None; locks],
                waiting: Vec::new(),
                wakers: vec![Vec::new(); locks],
            }),
            released: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // A panic while holding the table ends the run (see `crate::panic`); what is left
        // is still a table of holders.
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes `lock` for `task` (running on `lane`) if it is free; else registers the task as
    /// waiting for it since `now` (and `waker` to wake when it is released), and says who holds
    /// it, or that this wait closes a cycle.
    pub fn try_take(
        &self,
        lock: u16,
        task: u32,
        lane: Lane,
        now: f64,
        waker: Option<&Waker>,
    ) -> Attempt {
        self.lock().attempt(lock, task, lane, now, waker)
    }

    /// Takes `lock` for `task`, blocking the calling (worker) thread while another task holds
    /// it, until it is taken, the run is cancelled, or this wait closes a cycle. Never call it
    /// on the page's thread: it waits on a condition variable.
    pub fn take_blocking(
        &self,
        lock: u16,
        task: u32,
        lane: Lane,
        now: &dyn Fn() -> f64,
        cancel: &Cancel,
    ) -> Blocked {
        let mut table = self.lock();
        let mut waited_for = None;
        loop {
            // A run stopped meanwhile takes no more locks (a deadlock's release wakes waiters).
            if cancel.is_cancelled() {
                table.stop_waiting(task);
                return Blocked::Cancelled { waited_for };
            }
            match table.attempt(lock, task, lane, now(), None) {
                Attempt::Taken => return Blocked::Taken { waited_for },
                Attempt::Held(holder) => {
                    waited_for.get_or_insert(holder);
                }
                Attempt::Deadlock(cycle) => {
                    table.stop_waiting(task);
                    let waited_for = waited_for.unwrap_or_else(|| holder_in(&cycle));
                    return Blocked::Deadlock { waited_for, cycle };
                }
            }
            table = match self.released.wait_timeout(table, CANCEL_CHECK) {
                Ok((table, _)) => table,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }

    /// `task` no longer waits (its run was cancelled, or its future dropped).
    pub fn stop_waiting(&self, task: u32) {
        self.lock().stop_waiting(task);
    }

    /// Releases `lock` if `task` holds it, and wakes whoever waits for it.
    pub fn release(&self, lock: u16, task: u32) {
        let wakers = {
            let mut table = self.lock();
            let Some(slot) = table.holders.get_mut(lock as usize) else {
                return;
            };
            if slot.map(|h| h.task) != Some(task) {
                return;
            }
            *slot = None;
            std::mem::take(&mut table.wakers[lock as usize])
        };
        self.released.notify_all();
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Wakes every waiter (blocked or a future), so each sees its run is over.
    pub fn wake_all(&self) {
        let wakers: Vec<Waker> = {
            let mut table = self.lock();
            table.wakers.iter_mut().flat_map(std::mem::take).collect()
        };
        self.released.notify_all();
        wakers.into_iter().for_each(Waker::wake);
    }
}

/// Who holds the lock the first task of `cycle` waits for: the next one round it.
pub fn holder_in(cycle: &[CycleMember]) -> Holder {
    cycle
        .get(1)
        .or(cycle.first())
        .map_or(Holder { task: 0, lane: 0 }, |m| Holder {
            task: m.task,
            lane: m.lane,
        })
}

impl Table {
    fn attempt(
        &mut self,
        lock: u16,
        task: u32,
        lane: Lane,
        now: f64,
        waker: Option<&Waker>,
    ) -> Attempt {
        let index = lock as usize;
        if index >= self.holders.len() {
            // Not a lock of this table: nothing to wait for (plans only name their own locks).
            return Attempt::Taken;
        }
        let Some(holder) = self.holders[index] else {
            self.holders[index] = Some(Holder { task, lane });
            self.stop_waiting(task);
            return Attempt::Taken;
        };
        let slot = task as usize;
        if self.waiting.len() <= slot {
            self.waiting.resize(slot + 1, None);
        }
        let since = match self.waiting[slot] {
            Some(w) if w.lock == lock => w.since,
            _ => now,
        };
        self.waiting[slot] = Some(Waiting { lock, lane, since });
        if let Some(waker) = waker {
            let wakers = &mut self.wakers[index];
            if !wakers.iter().any(|w| w.will_wake(waker)) {
                wakers.push(waker.clone());
            }
        }
        match self.cycle_from(task, holder) {
            Some(cycle) => Attempt::Deadlock(cycle),
            None => Attempt::Held(holder),
        }
    }

    /// The cycle `task`'s wait closes, following holders from `holder` (who holds what it
    /// waits for), if the chain comes back to `task`.
    fn cycle_from(&self, task: u32, holder: Holder) -> Option<Vec<CycleMember>> {
        let mut chain = vec![task];
        let mut next = holder.task;
        // A chain is at most as long as there are waiting tasks.
        for _ in 0..=self.waiting.len() {
            if next == task {
                return Some(chain.iter().map(|&t| self.member(t)).collect());
            }
            let waits = self.waiting.get(next as usize).copied().flatten()?;
            let holder = self.holders.get(waits.lock as usize).copied().flatten()?;
            chain.push(next);
            next = holder.task;
        }
        None
    }

    fn member(&self, task: u32) -> CycleMember {
        let waits = self.waiting.get(task as usize).copied().flatten();
        CycleMember {
            task,
            lane: waits.map_or(0, |w| w.lane),
            since: waits.map_or(0.0, |w| w.since),
            waits_for: waits.map_or(0, |w| w.lock),
            holds: self
                .holders
                .iter()
                .enumerate()
                .filter(|(_, h)| h.map(|h| h.task) == Some(task))
                .map(|(lock, _)| lock as u16)
                .collect(),
        }
    }

    fn stop_waiting(&mut self, task: u32) {
        if let Some(slot) = self.waiting.get_mut(task as usize) {
            *slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_free_lock_is_taken_a_held_one_names_its_holder() {
        let table = LockTable::new(2);
        assert_eq!(table.try_take(0, 7, 1, 0.0, None), Attempt::Taken);
        assert_eq!(
            table.try_take(0, 8, 2, 1.0, None),
            Attempt::Held(Holder { task: 7, lane: 1 })
        );
        table.release(0, 8); // not the holder: nothing happens
        assert_eq!(
            table.try_take(0, 8, 2, 2.0, None),
            Attempt::Held(Holder { task: 7, lane: 1 })
        );
        table.release(0, 7);
        assert_eq!(table.try_take(0, 8, 2, 3.0, None), Attempt::Taken);
    }

    #[test]
    fn the_wait_that_closes_a_cycle_is_a_deadlock_named_by_its_tasks() {
        let table = LockTable::new(3);
        // 0 holds A, 1 holds B, 2 holds C; 0 waits for B, 1 for C: no cycle yet.
        for (task, lock) in [(0, 0), (1, 1), (2, 2)] {
            assert_eq!(
                table.try_take(lock, task, task as Lane + 1, 0.0, None),
                Attempt::Taken
            );
        }
        assert!(matches!(
            table.try_take(1, 0, 1, 5.0, None),
            Attempt::Held(_)
        ));
        assert!(matches!(
            table.try_take(2, 1, 2, 6.0, None),
            Attempt::Held(_)
        ));
        // 2 waits for A, held by 0: 2 -> 0 -> 1 -> 2.
        let Attempt::Deadlock(cycle) = table.try_take(0, 2, 3, 7.0, None) else {
            panic!("a cycle");
        };
        let summary: Vec<(u32, Lane, u16, Vec<u16>, f64)> = cycle
            .iter()
            .map(|m| (m.task, m.lane, m.waits_for, m.holds.clone(), m.since))
            .collect();
        assert_eq!(
            summary,
            vec![
                (2, 3, 0, vec![2], 7.0),
                (0, 1, 1, vec![0], 5.0),
                (1, 2, 2, vec![1], 6.0),
            ]
        );
    }

    #[test]
    fn a_chain_that_ends_at_a_running_task_is_no_deadlock() {
        let table = LockTable::new(2);
        table.try_take(0, 0, 1, 0.0, None);
        table.try_take(1, 1, 2, 0.0, None);
        // 1 waits for A (held by 0, who runs); then 0 finishes and releases.
        assert!(matches!(
            table.try_take(0, 1, 2, 1.0, None),
            Attempt::Held(_)
        ));
        table.release(0, 0);
        // 0 waits for B, held by 1, which waits for A: free now, so 1 will get it.
        assert!(matches!(
            table.try_take(1, 0, 1, 2.0, None),
            Attempt::Held(_)
        ));
        assert_eq!(table.try_take(0, 1, 2, 3.0, None), Attempt::Taken);
    }

    #[test]
    fn opposite_orders_on_two_threads_deadlock_and_both_threads_get_out() {
        // Each thread takes its first lock, then (once the other has its own) the other's.
        let table = Arc::new(LockTable::new(2));
        let cancel = Arc::new(Cancel::new());
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let threads: Vec<_> = [(0u32, [0u16, 1]), (1, [1, 0])]
            .into_iter()
            .map(|(task, order)| {
                let (table, cancel, barrier) = (table.clone(), cancel.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let lane = task as Lane + 1;
                    let now = || 0.0;
                    assert_eq!(
                        table.take_blocking(order[0], task, lane, &now, &cancel),
                        Blocked::Taken { waited_for: None }
                    );
                    barrier.wait();
                    let outcome = table.take_blocking(order[1], task, lane, &now, &cancel);
                    if let Blocked::Deadlock { .. } = outcome {
                        cancel.cancel();
                        table.wake_all();
                    }
                    outcome
                })
            })
            .collect();
        let outcomes: Vec<Blocked> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let deadlocks = outcomes
            .iter()
            .filter(|o| matches!(o, Blocked::Deadlock { .. }))
            .count();
        assert_eq!(deadlocks, 1, "{outcomes:?}");
        assert!(
            outcomes.iter().any(|o| matches!(
                o,
                Blocked::Cancelled {
                    waited_for: Some(_)
                }
            )),
            "{outcomes:?}"
        );
    }
}
