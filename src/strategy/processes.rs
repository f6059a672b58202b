//! `processes`: parallelism without shared memory, as Python's multiprocessing does it.
//!
//! A process is a worker with its own memory and its own instance of the module; it shares
//! nothing with the page, so it needs no cross-origin isolation. The page's event loop hands
//! each task, by message, to a free process ([`run`]); the process runs it start to finish
//! ([`ProcessTask`]: computing, then waiting, blocking like a thread in a system call) and
//! sends back what it did, piece by piece, on the clock every thread shares. Its input comes
//! as a copy (a `transfer` span), and it has its own global lock, which nobody else wants.
//!
//! Starting a process (instantiating the module in it) is a real cost: the first run that
//! needs one records its start as a `startup` span on its lane. A cancel stops busy processes
//! at once (a process computing in a tight loop reads no messages: the platform terminates it).

use super::event_loop::arrival;
use super::locks::LockTable;
use super::{cancellable, EventLoop, Halt, RunState};
use crate::machine::Machine;
use crate::plan::{pieces, Piece, Step, Task};
use crate::trace::{Detail, Lane, Span, SpanKind};
use crate::workload::CounterSync;
use futures::future::{try_join_all, LocalBoxFuture};
use serde::Serialize;
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A task for a process, with everything it needs to run it alone. Crosses as JSON: written
/// by serde, read by [`ProcessJob::from_json`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessJob {
    pub task: Task,
    pub global_lock: bool,
    /// Slices of computing, if computing is sliced (the page sends none: a process's lock
    /// never changes hands).
    pub quantum: Option<f64>,
    /// The kernel speed the page calibrated: the same work as on any other thread.
    pub iterations_per_ms: f64,
    /// When the page handed it over (the shared clock): the copy of the input starts here,
    /// or when the process became ready if it had to start first.
    pub posted_at: f64,
    /// The process's machine panics at its first piece of computing (a test forcing a panic:
    /// see [`crate::panic`]); absent otherwise.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub panic: bool,
    /// How the task updates the counter: in the process's own copy (none, atomic, lock), or
    /// by counting on its own and sending the count (message).
    pub sync: CounterSync,
    /// The index of the counter's lock among the run's locks (`sync: lock`), if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter_lock: Option<u16>,
    /// The first task this process runs in this run: its copy of the counter starts at 0.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fresh_counter: bool,
}

impl ProcessJob {
    /// Reads a job as the page writes it (`serde_json::to_string`), in the process. Through a
    /// `serde_json::Value`, the module's one reader of JSON (workloads are read that way too):
    /// serde's derived readers for the job, its task and its steps were 21 KB of the module.
    /// As serde's would, it takes the defaults of fields left out, reads `null` (or nothing)
    /// as no `quantum` or `counterLock`, and ignores fields it doesn't know; the error names
    /// the first field that is missing or of the wrong type.
    pub fn from_json(text: &str) -> Result<ProcessJob, String> {
        let job: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let task = field(&job, "task", None, Some)?;
        let step = |step: &Value| {
            Some(Step {
                cpu_ms: step.get("cpuMs")?.as_f64()?,
                io_ms: step.get("ioMs")?.as_f64()?,
            })
        };
        Ok(ProcessJob {
            task: Task {
                id: field(task, "id", None, whole)?,
                group: field(task, "group", None, whole)?,
                data_kb: field(task, "dataKb", None, whole)?,
                arrival_ms: field(task, "arrivalMs", None, Value::as_f64)?,
                steps: field(task, "steps", None, |steps| {
                    steps.as_array()?.iter().map(step).collect()
                })?,
                increments: field(task, "increments", Some(0), whole)?,
                locks: field(task, "locks", Some(Vec::new()), |locks| {
                    locks.as_array()?.iter().map(whole).collect()
                })?,
            },
            global_lock: field(&job, "globalLock", None, Value::as_bool)?,
            quantum: field(&job, "quantum", Some(None), |q| nullable(q, Value::as_f64))?,
            iterations_per_ms: field(&job, "iterationsPerMs", None, Value::as_f64)?,
            posted_at: field(&job, "postedAt", None, Value::as_f64)?,
            panic: field(&job, "panic", Some(false), Value::as_bool)?,
            sync: field(&job, "sync", Some(CounterSync::default()), |sync| {
                CounterSync::parse(sync.as_str()?)
            })?,
            counter_lock: field(&job, "counterLock", Some(None), |l| nullable(l, whole))?,
            fresh_counter: field(&job, "freshCounter", Some(false), Value::as_bool)?,
        })
    }
}

/// Field `key` of `object`, read by `read`: `default` when it is absent, an error naming it
/// when there is no default or `read` can't read it.
fn field<'a, T>(
    object: &'a Value,
    key: &str,
    default: Option<T>,
    read: impl FnOnce(&'a Value) -> Option<T>,
) -> Result<T, String> {
    match (object.get(key), default) {
        (Some(value), _) => read(value),
        (None, default) => default,
    }
    .ok_or_else(|| format!("{key} is missing or of the wrong type"))
}

/// `None` for null, else what `read` reads (an `Option` field: null is how serde writes none).
fn nullable<T>(value: &Value, read: impl FnOnce(&Value) -> Option<T>) -> Option<Option<T>> {
    match value {
        Value::Null => Some(None),
        value => read(value).map(Some),
    }
}

/// A whole number that fits a `T` (an id, a count, a lock's index).
fn whole<T: TryFrom<u64>>(value: &Value) -> Option<T> {
    value.as_u64()?.try_into().ok()
}

/// What a process tells the page while it works. Times are on the shared clock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ProcessEvent {
    /// The process had to start first: from `start` to `end` it instantiated the module.
    Startup { start: f64, end: f64 },
    /// It began a piece (so a cancel can close it where it was).
    Began {
        kind: SpanKind,
        step: u16,
        start: f64,
    },
    /// It finished a piece (its lane is the page's business).
    Span(Span),
    /// It finished its task: the increments it made, and its own copy of the counter now.
    Counter { made: u64, copy: u64 },
}

/// A process could not run its task: it did not start, or it died.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessFailed(pub String);

/// The processes the platform offers (in the browser: dedicated module workers).
pub trait Processes {
    /// How many processes there can be.
    fn size(&self) -> usize;
    /// Runs `job` on process `index` (from 0), starting the process first if it isn't
    /// running, with a copy of `input` when the task reads some. Events come through
    /// `on_event` as they happen; the future ends when the task is done.
    fn run(
        &self,
        index: usize,
        job: &ProcessJob,
        input: Option<&[u8]>,
        on_event: Box<dyn FnMut(ProcessEvent)>,
    ) -> LocalBoxFuture<'static, Result<(), ProcessFailed>>;
    /// Stops every process that is working, at once (a cancel): they end without finishing.
    fn stop(&self);
}

/// Where each lane is: the piece a process began and hasn't finished.
type OpenPieces = Rc<RefCell<Vec<Option<(Span, f64)>>>>;

/// Runs every task on `count` processes: each lane takes the next task (in the order they
/// arrive, once it has) when its process is free. Spans are recorded as the processes report
/// them, on lanes `1..=count`.
pub async fn run(
    state: &Arc<RunState>,
    pool: &dyn Processes,
    count: usize,
    event_loop: &dyn EventLoop,
) -> Result<(), Halt> {
    let count = count.clamp(1, pool.size().max(1));
    let run_start = state.machine.now_ms();
    let next = Cell::new(0);
    let open: OpenPieces = Rc::new(RefCell::new(vec![None; count]));
    let lanes = (0..count).map(|index| {
        let (next, open) = (&next, open.clone());
        // The first task this lane hands over starts the process's own counter afresh.
        let mut fresh_counter = true;
        async move {
            while let Some(&taken) = state.order.get(next.get()) {
                next.set(next.get() + 1);
                let task = &state.tasks[taken];
                arrival(state, task, event_loop).await?;
                state.task_started(task);
                let input = (task.data_kb > 0)
                    .then(|| &state.input[..(task.data_kb as usize * 1024).min(state.input.len())]);
                let job = ProcessJob {
                    task: task.clone(),
                    global_lock: state.settings.global_lock,
                    // A process runs one thread: its lock never changes hands, so computing
                    // is not cut at the switch interval (as in a one-thread Python process).
                    quantum: None,
                    iterations_per_ms: state.machine.iterations_per_ms(),
                    posted_at: state.machine.now_ms(),
                    panic: state.machine.take_forced_panic(),
                    sync: state.settings.sync,
                    counter_lock: state.counter_lock,
                    fresh_counter,
                };
                fresh_counter = false;
                let events = recorder(state.clone(), open.clone(), index, task, run_start);
                match cancellable(state, pool.run(index, &job, input, events)).await {
                    Ok(Ok(())) => state.task_finished(task),
                    Ok(Err(ProcessFailed(message))) => {
                        let lane = index + 1;
                        return Err(Halt::Failed(format!("process {lane} failed: {message}")));
                    }
                    Err(cancelled) => return Err(cancelled.into()),
                }
            }
            Ok(())
        }
    });
    let outcome = try_join_all(lanes).await.map(|_| ());
    if outcome.is_err() {
        // A cancel (or a failed process) stops the others where they are; what each began
        // is recorded up to now, as the other strategies record the part done before a cancel.
        pool.stop();
        let now = state.machine.now_ms();
        for (span, start) in open.borrow_mut().iter_mut().filter_map(Option::take) {
            state.trace.record(Span {
                start,
                end: now,
                ..span
            });
        }
    }
    outcome
}

/// Records what process `index` reports about `task` into the run's trace, on its lane.
fn recorder(
    state: Arc<RunState>,
    open: OpenPieces,
    index: usize,
    task: &Task,
    run_start: f64,
) -> Box<dyn FnMut(ProcessEvent)> {
    let lane = index as Lane + 1;
    let (id, group) = (task.id, task.group);
    // The calibrated work of each computing span the process will report, in order (a process
    // computes a step in one piece; reading the input first is computing too, of no such work).
    let mut nominal = pieces(task, None)
        .into_iter()
        .filter_map(|(_, piece)| match piece {
            Piece::Read { .. } => Some(None),
            Piece::Compute { ms } => Some(Some(ms)),
            // Waits, and instants on the counter or a lock: no computing span.
            _ => None,
        })
        .collect::<Vec<_>>()
        .into_iter();
    Box::new(move |event| match event {
        ProcessEvent::Startup { start, end } => {
            // A process started before this run began is not this run's cost.
            if end > run_start {
                state.trace.record(Span {
                    task: id,
                    group,
                    step: 0,
                    lane,
                    kind: SpanKind::Startup,
                    start: start.max(run_start),
                    end,
                    detail: Detail::None,
                });
            }
        }
        ProcessEvent::Began { kind, step, start } => {
            let span = Span {
                task: id,
                group,
                step,
                lane,
                kind,
                start,
                end: start,
                detail: Detail::None,
            };
            open.borrow_mut()[index] = Some((span, start));
        }
        ProcessEvent::Span(span) => {
            open.borrow_mut()[index] = None;
            if span.kind == SpanKind::Cpu {
                if let Some(Some(ms)) = nominal.next() {
                    state.computing.add(ms, span.end - span.start);
                }
            }
            state.trace.record(Span { lane, ..span });
        }
        ProcessEvent::Counter { made, copy } => {
            let sync = state.settings.sync;
            state.counter.process_reported(sync, index, id, made, copy);
        }
    })
}

/// What a process has of its own: its copy of the counter and its own locks. Nobody else ever
/// takes them (a process runs one task at a time, and no other process can reach its memory),
/// so its tasks never wait for them, and never deadlock on them.
pub struct OwnMemory {
    sync: CounterSync,
    /// This process's copy of the counter: a global of its own instance of the module.
    counter: Arc<AtomicU64>,
    locks: LockTable,
    counter_lock: Option<u16>,
    /// The increment under way: the value it read and when.
    read: Option<(u64, f64)>,
    /// Increments this task made.
    made: u64,
    /// The locks it holds: which, since when, taken at which step.
    held: Vec<(u16, f64, usize)>,
}

impl OwnMemory {
    /// For `job`, with this process's copy of the counter (set to 0 for the run's first task).
    pub fn new(job: &ProcessJob, counter: Arc<AtomicU64>) -> OwnMemory {
        if job.fresh_counter {
            counter.store(0, Ordering::Relaxed);
        }
        let locks = job
            .task
            .locks
            .iter()
            .copied()
            .chain(job.counter_lock)
            .max()
            .map_or(0, |most| most as usize + 1);
        OwnMemory {
            sync: job.sync,
            counter,
            locks: LockTable::new(locks),
            counter_lock: job.counter_lock,
            read: None,
            made: 0,
            held: Vec::new(),
        }
    }

    /// Does an instant piece of `task` (see [`Piece::is_instant`]) at `now`, and returns the
    /// spans it ends (on lane 0: the page puts them on the process's lane).
    pub fn instant(&mut self, task: &Task, step: usize, piece: Piece, now: f64) -> Vec<Span> {
        let span = |kind, step: usize, start, detail| Span {
            task: task.id,
            group: task.group,
            step: step as u16,
            lane: 0,
            kind,
            start,
            end: now,
            detail,
        };
        match piece {
            Piece::Take { lock } => {
                // Its own lock: free whenever this task wants it.
                let _ = self.locks.try_take(lock, task.id, 0, now, None);
                self.held.push((lock, now, step));
                Vec::new()
            }
            Piece::Load => {
                if let Some(lock) = self.counter_lock {
                    let _ = self.locks.try_take(lock, task.id, 0, now, None);
                }
                let value = match self.sync {
                    CounterSync::None | CounterSync::Lock => self.counter.load(Ordering::Relaxed),
                    CounterSync::Atomic | CounterSync::Message => 0,
                };
                self.read = Some((value, now));
                Vec::new()
            }
            Piece::Store => {
                let (read, at) = self.read.take().unwrap_or((0, now));
                self.made += 1;
                let update = |start, read| {
                    vec![span(
                        SpanKind::Update,
                        step,
                        start,
                        Detail::Counter { read },
                    )]
                };
                match self.sync {
                    CounterSync::None | CounterSync::Lock => {
                        self.counter.store(read + 1, Ordering::Relaxed);
                        if let Some(lock) = self.counter_lock {
                            self.locks.release(lock, task.id);
                        }
                        update(at, read)
                    }
                    CounterSync::Atomic => {
                        update(now, self.counter.fetch_add(1, Ordering::Relaxed))
                    }
                    CounterSync::Message => Vec::new(),
                }
            }
            Piece::Release => {
                let mut spans = Vec::new();
                while let Some((lock, since, taken_at)) = self.held.pop() {
                    self.locks.release(lock, task.id);
                    let detail = Detail::Lock { lock, holder: None };
                    spans.push(span(SpanKind::LockHeld, taken_at, since, detail));
                }
                spans
            }
            Piece::Read { .. } | Piece::Compute { .. } | Piece::Wait { .. } => Vec::new(),
        }
    }

    /// The increments this task made, and the process's copy of the counter now.
    pub fn counts(&self) -> (u64, u64) {
        (self.made, self.counter.load(Ordering::Relaxed))
    }
}

/// One task inside a process, with its own copy of the input. It is done a piece at a time,
/// and each piece in chunks of a few milliseconds (see [`ProcessTask::work`]): between chunks
/// the process returns to its event loop, where a cancel from the page can reach it. (A
/// process computing in a tight loop reads no messages, and a terminated worker may go on
/// computing for two seconds: Chromium terminates a busy worker only after that delay.)
///
/// A process has its own global lock, which nobody else wants: taking it never waits, and it
/// never changes hands. Its counter and its named locks are its own too ([`OwnMemory`]).
pub struct ProcessTask {
    machine: Arc<dyn Machine>,
    task: Task,
    input: Vec<u8>,
    pieces: Vec<(usize, Piece)>,
    next: usize,
    current: Option<Current>,
    transfer: Option<Span>,
    own: OwnMemory,
    /// Spans of instant pieces done, not yet handed out.
    pending: Vec<Span>,
}

/// Computing in a process goes in slices of this much calibrated work, reading the clock
/// between them (a read costs about 70 ns).
const WORK_SLICE_MS: f64 = 1.0;

/// The piece under way: when it began and what is left of it.
struct Current {
    kind: SpanKind,
    step: usize,
    start: f64,
    left: Left,
}

enum Left {
    /// Computing still to do, ms of calibrated work.
    Compute(f64),
    /// Waiting until this time on the shared clock.
    Until(f64),
}

impl ProcessTask {
    /// `input`: the copy of the task's input, already in this process's memory. Its
    /// transfer ran from when the page handed the job over (or when this process became
    /// ready, `ready_at`, if it was still starting) until now. `counter`: this process's own
    /// copy of the counter.
    pub fn new(
        job: ProcessJob,
        machine: Arc<dyn Machine>,
        input: Option<Vec<u8>>,
        ready_at: f64,
        counter: Arc<AtomicU64>,
    ) -> Self {
        let own = OwnMemory::new(&job, counter);
        let task = job.task;
        let transfer = input.as_ref().map(|_| Span {
            task: task.id,
            group: task.group,
            step: 0,
            lane: 0,
            kind: SpanKind::Transfer,
            start: job.posted_at.max(ready_at),
            end: machine.now_ms(),
            detail: Detail::None,
        });
        ProcessTask {
            pieces: pieces(&task, job.quantum),
            machine,
            task,
            input: input.unwrap_or_default(),
            next: 0,
            current: None,
            transfer,
            own,
            pending: Vec::new(),
        }
    }

    /// The copy of the input, if the task has any.
    pub fn transfer(&self) -> Option<Span> {
        self.transfer
    }

    /// Does the instant pieces at the cursor (taking locks, updating the counter), keeping
    /// their spans for the next [`ProcessTask::work`] or [`ProcessTask::finish`].
    fn run_instants(&mut self) {
        while let Some(&(step, piece)) = self.pieces.get(self.next) {
            if !piece.is_instant() {
                return;
            }
            let now = self.machine.now_ms();
            let spans = self.own.instant(&self.task, step, piece, now);
            self.pending.extend(spans);
            self.next += 1;
        }
    }

    /// The kind and step of the piece of work [`ProcessTask::work`] is on or will start (after
    /// the instants before it, done now), if any is left.
    pub fn next_piece(&mut self) -> Option<(SpanKind, u16)> {
        if self.current.is_none() {
            self.run_instants();
        }
        self.pieces.get(self.next).map(|&(step, piece)| {
            let kind = match piece {
                Piece::Wait { .. } => SpanKind::Io,
                _ => SpanKind::Cpu,
            };
            (kind, step as u16)
        })
    }

    /// The spans of the instants done so far (the counter's updates, the locks held), not
    /// yet handed out: they go with the next piece's span.
    pub fn take_instants(&mut self) -> Vec<Span> {
        std::mem::take(&mut self.pending)
    }

    /// Works on the current piece for at most about `budget_ms` (blocking this thread), and
    /// returns its span once it is done; `None` while some of it is left (or none is left).
    pub fn work(&mut self, budget_ms: f64) -> Option<Span> {
        if self.current.is_none() {
            self.run_instants();
        }
        let &(step, piece) = self.pieces.get(self.next)?;
        let now = self.machine.now_ms();
        let current = self.current.get_or_insert_with(|| {
            let (kind, left) = match piece {
                // Reading is computing too: it happens on the first chunk.
                Piece::Read { .. } => (SpanKind::Cpu, Left::Compute(0.0)),
                Piece::Compute { ms } => (SpanKind::Cpu, Left::Compute(ms)),
                Piece::Wait { ms } => (SpanKind::Io, Left::Until(now + ms)),
                // Never at the cursor here: the instants before it are done.
                Piece::Take { .. } | Piece::Load | Piece::Store | Piece::Release => {
                    (SpanKind::Cpu, Left::Compute(0.0))
                }
            };
            Current {
                kind,
                step,
                start: now,
                left,
            }
        });
        let never = crate::cancel::Cancel::new();
        let finished = match &mut current.left {
            Left::Compute(ms) => {
                if let Piece::Read { .. } = piece {
                    // Reading the input where it now is: this process's own memory.
                    crate::machine::SINK.fetch_xor(
                        crate::machine::checksum(&self.input),
                        std::sync::atomic::Ordering::Relaxed,
                    );
                }
                // Slices of calibrated work until the budget of wall time is spent: the
                // page's calibration may be faster than this process's kernel is just now
                // (its module still in a baseline tier), and the process must still look at
                // its mailbox every `budget_ms`.
                let until = now + budget_ms.max(0.0);
                loop {
                    let slice = ms.min(WORK_SLICE_MS);
                    let _ = self.machine.compute(slice, &never);
                    *ms -= slice;
                    if *ms <= 0.0 || self.machine.now_ms() >= until {
                        break;
                    }
                }
                *ms <= 0.0
            }
            Left::Until(deadline) => {
                let left = *deadline - now;
                if left > 0.0 {
                    let _ = self.machine.block(left.min(budget_ms.max(0.0)), &never);
                }
                self.machine.now_ms() >= *deadline
            }
        };
        if !finished {
            return None;
        }
        let done = self.current.take()?;
        self.next += 1;
        Some(Span {
            task: self.task.id,
            group: self.task.group,
            step: done.step as u16,
            lane: 0,
            kind: done.kind,
            start: done.start,
            end: self.machine.now_ms(),
            detail: Detail::None,
        })
    }

    /// Once every piece of work is done: the instants after the last one (the last write,
    /// releasing the locks), as spans.
    pub fn finish(&mut self) -> Vec<Span> {
        self.run_instants();
        std::mem::take(&mut self.pending)
    }

    /// The increments this task made, and the process's copy of the counter now.
    pub fn counts(&self) -> (u64, u64) {
        self.own.counts()
    }
}
