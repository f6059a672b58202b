//! The run's shared counter, and what a task keeps while it runs: the value it read, its own
//! count, the locks it holds.
//!
//! The counter is real memory: one atomic that every thread of the run shares (the module's
//! memory on the page and its worker threads; a process has its own copy). `sync: none` reads
//! it with one atomic load and writes it back with another store, the task's work between:
//! updates get lost when another task writes in between, for real and without undefined
//! behaviour. Nothing here models what happened: the result reads the counter.

use super::locks::{Blocked, CycleMember};
use super::{cancellable, RunState, MIN_LOCK_WAIT_MS};
use crate::cancel::Cancelled;
use crate::plan::{Piece, Task};
use crate::trace::{current_lane, Detail, Holder, Lane, SpanKind};
use crate::workload::{CounterSync, MAX_POOL_THREADS};
use serde::Serialize;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

/// A count not sent (yet): a task sends its count when it ends.
const UNSENT: u64 = u64::MAX;

/// The shared counter, and the figures the result needs to say how it went.
pub struct Counter {
    /// The counter itself.
    value: AtomicU64,
    /// Increments made (writes done) over all tasks: what a correct counter would read.
    made: AtomicU64,
    /// Per task (by id), the count it sent when it ended (`message`).
    sent: Box<[AtomicU64]>,
    /// Per process (its lane - 1): its own copy of the counter as it last reported it, or with
    /// `message` the counts it sent.
    per_process: Box<[AtomicU64]>,
}

/// How the shared counter came out, in a result.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CounterResult {
    pub sync: CounterSync,
    /// What a correct counter would read: every increment made (finished tasks' and, in a run
    /// stopped early, the ones the others made); with `message`, also those of tasks that
    /// never got to send their count.
    pub expected: u64,
    /// What the page's counter reads: the shared counter, or with `message` the counts sent.
    #[serde(rename = "final")]
    pub final_value: u64,
    /// `expected - final`.
    pub lost: u64,
    /// Processes only: each one's own count (its copy of the counter, or the counts it sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_process: Option<Vec<u64>>,
}

impl Counter {
    pub fn new(tasks: usize) -> Counter {
        Counter {
            value: AtomicU64::new(0),
            made: AtomicU64::new(0),
            sent: (0..tasks).map(|_| AtomicU64::new(UNSENT)).collect(),
            per_process: (0..MAX_POOL_THREADS).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Task `task` sends its own count (`message`: its end).
    fn send(&self, task: u32, count: u64) {
        if let Some(slot) = self.sent.get(task as usize) {
            slot.store(count, Ordering::Relaxed);
        }
    }

    /// What process `index` (from 0) reported at the end of task `task`: the increments it
    /// made, and its own copy of the counter now.
    pub fn process_reported(
        &self,
        sync: CounterSync,
        index: usize,
        task: u32,
        made: u64,
        copy: u64,
    ) {
        self.made.fetch_add(made, Ordering::Relaxed);
        let Some(own) = self.per_process.get(index) else {
            return;
        };
        if sync == CounterSync::Message {
            // The count comes by message: the page adds it up.
            self.send(task, made);
            own.fetch_add(made, Ordering::Relaxed);
        } else {
            // The process counted in its own memory: the page's counter never sees it.
            own.store(copy, Ordering::Relaxed);
        }
    }

    /// The counter as the run leaves it; `processes`: how many processes the run used, if it
    /// ran on processes.
    pub fn result(&self, sync: CounterSync, processes: Option<usize>) -> CounterResult {
        let expected = self.made.load(Ordering::Relaxed);
        let final_value = match sync {
            CounterSync::Message => self
                .sent
                .iter()
                .map(|c| c.load(Ordering::Relaxed))
                .filter(|&c| c != UNSENT)
                .sum(),
            _ => self.value.load(Ordering::Relaxed),
        };
        CounterResult {
            sync,
            expected,
            final_value,
            lost: expected.saturating_sub(final_value),
            per_process: processes.map(|n| {
                self.per_process
                    .iter()
                    .take(n)
                    .map(|c| c.load(Ordering::Relaxed))
                    .collect()
            }),
        }
    }
}

/// The deadlock that ended a run: its tasks, each waiting for a lock the next one holds.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deadlock {
    /// When the cycle closed: the last of its waits began (in a result: ms from the start).
    pub at_ms: f64,
    /// When the engine saw it (the same instant but for the check itself).
    pub detected_ms: f64,
    /// From the task whose wait closed the cycle, round it.
    pub cycle: Vec<DeadlockedTask>,
}

/// One task of a deadlock's cycle.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadlockedTask {
    pub lane: Lane,
    pub task: u32,
    pub group: u16,
    /// The locks it holds, by name.
    pub holds: Vec<String>,
    /// The lock it waits for, which the next task of the cycle holds.
    pub waits_for: String,
}

impl RunState {
    /// The tasks of `cycle` wait for each other: the run is deadlocked. Records it (the first
    /// cycle found, if two close at once), cancels the run and wakes every waiter, so every
    /// worker is free again and the run ends.
    pub(crate) fn deadlocked(&self, cycle: Vec<CycleMember>) {
        let detected_ms = self.machine.now_ms();
        let name = |lock: u16| {
            self.lock_names
                .get(lock as usize)
                .cloned()
                .unwrap_or_default()
        };
        let deadlock = Deadlock {
            at_ms: cycle.iter().map(|m| m.since).fold(f64::MIN, f64::max),
            detected_ms,
            cycle: cycle
                .into_iter()
                .map(|m| DeadlockedTask {
                    lane: m.lane,
                    task: m.task,
                    group: self.tasks.get(m.task as usize).map_or(0, |t| t.group),
                    holds: m.holds.into_iter().map(name).collect(),
                    waits_for: name(m.waits_for),
                })
                .collect(),
        };
        self.deadlock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert(deadlock);
        self.cancel.cancel();
        self.locks.wake_all();
    }
}

/// What a task keeps while it runs on a thread of the run: the value its increment under way
/// read, its own count, and the locks it holds. Dropping it (the task's end, a cancel, a
/// deadlock, a panic) releases every lock it still holds.
pub(super) struct TaskCtx<'s> {
    state: &'s RunState,
    task: &'s Task,
    lane: Lane,
    /// The increment under way: the value it read and when.
    read: Option<(u64, f64)>,
    /// Increments this task made.
    counted: u64,
    /// The named locks it holds: which, since when, taken at which step.
    held: Vec<(u16, f64, usize)>,
    /// Whether it holds the counter's lock (`sync: lock`, during an increment).
    counter_held: bool,
}

impl<'s> TaskCtx<'s> {
    pub fn new(state: &'s RunState, task: &'s Task) -> Self {
        TaskCtx {
            state,
            task,
            lane: current_lane(),
            read: None,
            counted: 0,
            held: Vec::new(),
            counter_held: false,
        }
    }

    fn now(&self) -> f64 {
        self.state.machine.now_ms()
    }

    /// Does an instant piece (see [`Piece::is_instant`]) on a worker thread: a lock (the
    /// counter's too) is taken blocking the thread.
    pub fn instant_blocking(&mut self, step: usize, piece: Piece) -> Result<(), Cancelled> {
        match piece {
            Piece::Take { lock } => self.take_blocking(lock, step)?,
            Piece::Load => {
                if let Some(lock) = self.state.counter_lock {
                    self.take_blocking(lock, step)?;
                }
                self.load(step);
            }
            Piece::Store => self.store(step),
            Piece::Release => self.release_all(),
            Piece::Read { .. } | Piece::Compute { .. } | Piece::Wait { .. } => {}
        }
        Ok(())
    }

    /// Does an instant piece on the event loop: a lock (the counter's too) is awaited.
    pub async fn instant_async(&mut self, step: usize, piece: Piece) -> Result<(), Cancelled> {
        match piece {
            Piece::Take { lock } => self.take_async(lock, step).await?,
            Piece::Load => {
                if let Some(lock) = self.state.counter_lock {
                    self.take_async(lock, step).await?;
                }
                self.load(step);
            }
            Piece::Store => self.store(step),
            Piece::Release => self.release_all(),
            Piece::Read { .. } | Piece::Compute { .. } | Piece::Wait { .. } => {}
        }
        Ok(())
    }

    /// Takes `lock`, blocking this (worker) thread while another task holds it.
    pub fn take_blocking(&mut self, lock: u16, step: usize) -> Result<(), Cancelled> {
        let state = self.state;
        let asked = self.now();
        let now = || state.machine.now_ms();
        match state
            .locks
            .take_blocking(lock, self.task.id, self.lane, &now, &state.cancel)
        {
            Blocked::Taken { waited_for } => {
                self.waited(lock, step, asked, waited_for, false);
                self.took(lock, step);
                Ok(())
            }
            Blocked::Cancelled { waited_for } => {
                self.waited(lock, step, asked, waited_for, true);
                Err(Cancelled)
            }
            Blocked::Deadlock { waited_for, cycle } => {
                self.waited(lock, step, asked, Some(waited_for), true);
                state.deadlocked(cycle);
                Err(Cancelled)
            }
        }
    }

    /// Takes `lock` on the event loop: a future that waits (the thread goes on with other
    /// tasks) while another task holds it.
    pub async fn take_async(&mut self, lock: u16, step: usize) -> Result<(), Cancelled> {
        let asked = self.now();
        let holder = Cell::new(None);
        let acquire = Acquire {
            state: self.state,
            lock,
            task: self.task.id,
            lane: self.lane,
            holder: &holder,
        };
        let outcome = cancellable(self.state, acquire).await.and_then(|r| r);
        self.waited(lock, step, asked, holder.get(), outcome.is_err());
        outcome?;
        self.took(lock, step);
        Ok(())
    }

    /// Records the wait for `lock` since `asked` if it had to wait (and long enough to
    /// matter, unless the wait never ended: those are the deadlock's).
    fn waited(&self, lock: u16, step: usize, asked: f64, holder: Option<Holder>, unended: bool) {
        let Some(holder) = holder else {
            return;
        };
        let now = self.now();
        if unended || now - asked >= MIN_LOCK_WAIT_MS {
            let detail = Detail::Lock {
                lock,
                holder: Some(holder),
            };
            self.state
                .record_detail(self.task, step, SpanKind::NamedLockWait, asked, now, detail);
        }
    }

    fn took(&mut self, lock: u16, step: usize) {
        if Some(lock) == self.state.counter_lock {
            self.counter_held = true;
        } else {
            self.held.push((lock, self.now(), step));
        }
    }

    /// An increment begins: reads the counter (under its lock, taken first, with `sync: lock`).
    pub fn load(&mut self, _step: usize) {
        let value = match self.state.settings.sync {
            CounterSync::None | CounterSync::Lock => {
                self.state.counter.value.load(Ordering::Relaxed)
            }
            CounterSync::Atomic | CounterSync::Message => 0,
        };
        self.read = Some((value, self.now()));
    }

    /// The increment ends: writes what it read plus one (none, lock: then releases the
    /// counter's lock), adds one atomically (atomic), or counts on its own (message).
    pub fn store(&mut self, step: usize) {
        let state = self.state;
        let now = self.now();
        let (read, at) = self.read.take().unwrap_or((0, now));
        let update = |start: f64, read: u64| {
            let detail = Detail::Counter { read };
            state.record_detail(self.task, step, SpanKind::Update, start, now, detail);
        };
        match state.settings.sync {
            CounterSync::None | CounterSync::Lock => {
                state.counter.value.store(read + 1, Ordering::Relaxed);
                update(at, read);
                self.release_counter();
            }
            CounterSync::Atomic => {
                let read = state.counter.value.fetch_add(1, Ordering::Relaxed);
                update(now, read);
            }
            CounterSync::Message => {}
        }
        self.counted += 1;
        state.counter.made.fetch_add(1, Ordering::Relaxed);
    }

    fn release_counter(&mut self) {
        if let (true, Some(lock)) = (self.counter_held, self.state.counter_lock) {
            self.state.locks.release(lock, self.task.id);
            self.counter_held = false;
        }
    }

    /// Releases every named lock the task holds, the last taken first, recording how long it
    /// held each.
    pub fn release_all(&mut self) {
        let now = self.now();
        while let Some((lock, since, step)) = self.held.pop() {
            self.state.locks.release(lock, self.task.id);
            let detail = Detail::Lock { lock, holder: None };
            self.state
                .record_detail(self.task, step, SpanKind::LockHeld, since, now, detail);
        }
    }

    /// The task has ended: it sends its own count (`message`).
    pub fn finish(&mut self) {
        if self.state.settings.sync == CounterSync::Message {
            self.state.counter.send(self.task.id, self.counted);
        }
    }
}

impl Drop for TaskCtx<'_> {
    fn drop(&mut self) {
        self.release_counter();
        self.release_all();
    }
}

/// Taking a lock on the event loop: ready once the lock is the task's, pending (and woken when
/// it is released) while another task holds it.
struct Acquire<'a> {
    state: &'a RunState,
    lock: u16,
    task: u32,
    lane: Lane,
    /// Who held the lock when the wait began.
    holder: &'a Cell<Option<Holder>>,
}

impl Future for Acquire<'_> {
    type Output = Result<(), Cancelled>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let state = self.state;
        // Woken by a release after the run was stopped: don't take the lock.
        state.cancel.check()?;
        let now = state.machine.now_ms();
        match state
            .locks
            .try_take(self.lock, self.task, self.lane, now, Some(cx.waker()))
        {
            super::locks::Attempt::Taken => Poll::Ready(Ok(())),
            super::locks::Attempt::Held(holder) => {
                if self.holder.get().is_none() {
                    self.holder.set(Some(holder));
                }
                Poll::Pending
            }
            super::locks::Attempt::Deadlock(cycle) => {
                if self.holder.get().is_none() {
                    self.holder.set(Some(super::locks::holder_in(&cycle)));
                }
                state.deadlocked(cycle);
                Poll::Ready(Err(Cancelled))
            }
        }
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        // Taken, or given up (a cancel): either way it no longer waits.
        self.state.locks.stop_waiting(self.task);
    }
}
