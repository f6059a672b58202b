//! The trace: every piece of work as a span on one clock, recorded from any thread.
//!
//! Recording is lock-free: a writer reserves a slot with one atomic add, fills it with atomic
//! stores and marks it ready. The page's main thread reads while workers write, and it must
//! never wait on a lock a worker holds (in the browser `Atomics.wait` on the main thread
//! throws), so there is no lock to wait on. The trace is bounded: it is preallocated to the
//! run's span budget and counts, rather than stores, anything past it.

use crate::workload::Pool;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// What a thread was doing during a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SpanKind {
    /// Computing.
    Cpu,
    /// Waiting (a timer on the event loop, a blocking sleep on a worker).
    Io,
    /// Waiting for the global lock before computing.
    LockWait,
    /// A process receiving a copy of its task's input (processes share no memory).
    Transfer,
    /// A process starting: a new worker instantiating its own copy of the module.
    Startup,
    /// One increment of the shared counter, from its read to its write (an atomic add or a
    /// task's own count: the instant of the add). Its detail is the value it read.
    Update,
    /// Holding a named lock (or the counter's), from taking it to releasing it.
    LockHeld,
    /// Waiting for a named lock (or the counter's); its detail names the task holding it
    /// when the wait began.
    NamedLockWait,
}

impl SpanKind {
    /// Every kind, in the order of their codes (3 bits in a trace slot: at most 8).
    pub const ALL: [SpanKind; 8] = [
        SpanKind::Cpu,
        SpanKind::Io,
        SpanKind::LockWait,
        SpanKind::Transfer,
        SpanKind::Startup,
        SpanKind::Update,
        SpanKind::LockHeld,
        SpanKind::NamedLockWait,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<SpanKind> {
        SpanKind::ALL.get(code as usize).copied()
    }

    pub fn name(self) -> &'static str {
        match self {
            SpanKind::Cpu => "cpu",
            SpanKind::Io => "io",
            SpanKind::LockWait => "lockWait",
            SpanKind::Transfer => "transfer",
            SpanKind::Startup => "startup",
            SpanKind::Update => "update",
            SpanKind::LockHeld => "lockHeld",
            SpanKind::NamedLockWait => "namedLockWait",
        }
    }
}

/// What a span says beyond its task and kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Detail {
    #[default]
    None,
    /// An update of the shared counter: the value it read (its write stored that plus one).
    Counter { read: u64 },
    /// A named lock (an index in the run's lock names); for a wait, who held it as it began.
    Lock { lock: u16, holder: Option<Holder> },
}

/// Who holds a lock: a task, on a lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub task: u32,
    pub lane: Lane,
}

impl Detail {
    const COUNTER: u64 = 1 << 62;
    const LOCK: u64 = 2 << 62;
    const PAYLOAD: u64 = (1 << 62) - 1;

    /// Layout: the variant in bits 62..64; a counter's read in 0..62; a lock in 0..8, whether
    /// it has a holder in bit 8, the holder's lane in 9..14 and task in 16..48.
    fn pack(self) -> u64 {
        match self {
            Detail::None => 0,
            Detail::Counter { read } => Detail::COUNTER | (read & Detail::PAYLOAD),
            Detail::Lock { lock, holder } => {
                let holder = holder.map_or(0, |h| {
                    1 << 8 | (h.lane as u64 & 0x1F) << 9 | (h.task as u64) << 16
                });
                Detail::LOCK | (lock as u64 & 0xFF) | holder
            }
        }
    }

    fn unpack(bits: u64) -> Detail {
        match bits & !Detail::PAYLOAD {
            Detail::COUNTER => Detail::Counter {
                read: bits & Detail::PAYLOAD,
            },
            Detail::LOCK => Detail::Lock {
                lock: (bits & 0xFF) as u16,
                holder: (bits & (1 << 8) != 0).then_some(Holder {
                    lane: ((bits >> 9) & 0x1F) as Lane,
                    task: (bits >> 16) as u32,
                }),
            },
            _ => Detail::None,
        }
    }

    /// The lock, its holder's task and lane, and the counter's read, as numbers for JS (NaN
    /// where the span has none).
    fn numbers(self) -> [f64; 4] {
        let mut out = [f64::NAN; 4];
        match self {
            Detail::None => {}
            Detail::Counter { read } => out[3] = read as f64,
            Detail::Lock { lock, holder } => {
                out[0] = lock as f64;
                if let Some(h) = holder {
                    out[1] = h.task as f64;
                    out[2] = h.lane as f64;
                }
            }
        }
        out
    }

    fn from_numbers([lock, holder, holder_lane, value]: [f64; 4]) -> Detail {
        if !value.is_nan() {
            Detail::Counter { read: value as u64 }
        } else if !lock.is_nan() {
            Detail::Lock {
                lock: lock as u16,
                holder: (!holder.is_nan()).then_some(Holder {
                    task: holder as u32,
                    lane: holder_lane as Lane,
                }),
            }
        } else {
            Detail::None
        }
    }
}

/// A lane is a thread: 0 is the page's event loop (`main`), `n` is worker `n` of the run's
/// pool (rayon worker `n`, or process `n`).
pub type Lane = u16;
pub const MAIN_LANE: Lane = 0;

/// The lane of the calling thread. Reads rayon's thread-local only: it never starts a pool.
pub fn current_lane() -> Lane {
    rayon::current_thread_index().map_or(MAIN_LANE, |i| i as Lane + 1)
}

/// The name of a lane of a run on `pool` (none: the page's thread only).
pub fn lane_name(pool: Option<Pool>, lane: Lane) -> String {
    match lane_role(pool, lane) {
        LaneRole::Main => "main".to_string(),
        LaneRole::Process => format!("process {lane}"),
        LaneRole::Worker => format!("worker {lane}"),
    }
}

/// What a lane is: the page's event loop, a worker thread, or a process. JS reads this, never
/// a lane's number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum LaneRole {
    #[default]
    Main,
    Worker,
    Process,
}

/// The role of lane `lane` of a run on `pool` (none: the page's thread only).
pub fn lane_role(pool: Option<Pool>, lane: Lane) -> LaneRole {
    match (lane, pool) {
        (MAIN_LANE, _) => LaneRole::Main,
        (_, Some(Pool::Processes)) => LaneRole::Process,
        _ => LaneRole::Worker,
    }
}

/// One piece of work. Times are milliseconds on the shared clock.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub task: u32,
    pub group: u16,
    pub step: u16,
    pub lane: Lane,
    pub kind: SpanKind,
    pub start: f64,
    pub end: f64,
    pub detail: Detail,
}

impl Span {
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }

    /// Layout: task in bits 0..32, step 32..48, group 48..56, lane 56..61, kind 61..64
    /// (lanes up to 31: a pool has at most 16 workers; groups up to 255, steps up to 65535).
    fn pack_ids(&self) -> u64 {
        self.task as u64
            | (self.step as u64) << 32
            | (self.group as u64 & 0xFF) << 48
            | (self.lane as u64 & 0x1F) << 56
            | (self.kind.code() as u64) << 61
    }

    fn unpack(ids: u64, start: f64, end: f64, detail: u64) -> Span {
        Span {
            task: ids as u32,
            step: (ids >> 32) as u16,
            group: ((ids >> 48) & 0xFF) as u16,
            lane: ((ids >> 56) & 0x1F) as Lane,
            kind: SpanKind::from_code((ids >> 61) as u8).unwrap_or(SpanKind::Cpu),
            start,
            end,
            detail: Detail::unpack(detail),
        }
    }

    /// The numbers a span is packed into for JS, in order (`kind` is its code: see
    /// [`SpanKind::ALL`]; times are ms from the run's start; `lock` is an index in the run's
    /// `lockNames`, `holder` and `holderLane` the task holding it when a wait for it began,
    /// `value` what an update read; NaN where a span has none). The contract publishes them.
    pub const PACKED_FIELDS: [&'static str; 11] = [
        "task",
        "group",
        "step",
        "lane",
        "kind",
        "start",
        "end",
        "lock",
        "holder",
        "holderLane",
        "value",
    ];
    pub const PACKED_LEN: usize = Span::PACKED_FIELDS.len();

    /// The span packed by [`Span::pack_into`] with `origin`, if the numbers are one.
    pub fn unpack_from(numbers: &[f64], origin: f64) -> Option<Span> {
        let &[task, group, step, lane, kind, start, end, lock, holder, holder_lane, value] =
            numbers
        else {
            return None;
        };
        Some(Span {
            task: task as u32,
            group: group as u16,
            step: step as u16,
            lane: lane as Lane,
            kind: SpanKind::from_code(kind as u8)?,
            start: start + origin,
            end: end + origin,
            detail: Detail::from_numbers([lock, holder, holder_lane, value]),
        })
    }

    pub fn pack_into(&self, out: &mut Vec<f64>, origin: f64) {
        out.extend_from_slice(&[
            self.task as f64,
            self.group as f64,
            self.step as f64,
            self.lane as f64,
            self.kind.code() as f64,
            self.start - origin,
            self.end - origin,
        ]);
        out.extend_from_slice(&self.detail.numbers());
    }
}

#[derive(Default)]
struct Slot {
    ready: AtomicBool,
    ids: AtomicU64,
    start: AtomicU64,
    end: AtomicU64,
    detail: AtomicU64,
}

/// Spans of one run, written from any thread, readable while the run goes.
pub struct Trace {
    slots: Box<[Slot]>,
    reserved: AtomicUsize,
    dropped: AtomicUsize,
    enabled: bool,
}

impl Trace {
    /// A trace with room for `capacity` spans. A disabled trace records nothing (used to
    /// measure what tracing costs).
    pub fn new(capacity: usize, enabled: bool) -> Trace {
        let capacity = if enabled { capacity } else { 0 };
        Trace {
            slots: (0..capacity).map(|_| Slot::default()).collect(),
            reserved: AtomicUsize::new(0),
            dropped: AtomicUsize::new(0),
            enabled,
        }
    }

    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    pub fn record(&self, span: Span) {
        if !self.enabled {
            return;
        }
        let index = self.reserved.fetch_add(1, Ordering::Relaxed);
        let Some(slot) = self.slots.get(index) else {
            self.dropped.fetch_add(1, Ordering::Relaxed);
            return;
        };
        slot.ids.store(span.pack_ids(), Ordering::Relaxed);
        slot.start.store(span.start.to_bits(), Ordering::Relaxed);
        slot.end.store(span.end.to_bits(), Ordering::Relaxed);
        slot.detail.store(span.detail.pack(), Ordering::Relaxed);
        slot.ready.store(true, Ordering::Release);
    }

    /// How many spans are stored (some may still be being written).
    pub fn len(&self) -> usize {
        self.reserved.load(Ordering::Acquire).min(self.slots.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Spans past the capacity, not stored.
    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The spans from index `from` on, up to the first slot still being written, and the
    /// index to read from next time. Spans come in the order their slots were reserved.
    pub fn read_from(&self, from: usize) -> (Vec<Span>, usize) {
        let end = self.reserved.load(Ordering::Acquire).min(self.slots.len());
        let mut spans = Vec::with_capacity(end.saturating_sub(from));
        let mut next = from;
        while next < end {
            let slot = &self.slots[next];
            if !slot.ready.load(Ordering::Acquire) {
                break;
            }
            spans.push(Span::unpack(
                slot.ids.load(Ordering::Relaxed),
                f64::from_bits(slot.start.load(Ordering::Relaxed)),
                f64::from_bits(slot.end.load(Ordering::Relaxed)),
                slot.detail.load(Ordering::Relaxed),
            ));
            next += 1;
        }
        (spans, next)
    }

    pub fn spans(&self) -> Vec<Span> {
        self.read_from(0).0
    }
}

/// Time a lane spent computing (lock waits and timer waits excluded), merging overlaps.
pub fn busy_ms(spans: &[Span], lane: Lane) -> f64 {
    let mut intervals: Vec<(f64, f64)> = spans
        .iter()
        .filter(|s| s.lane == lane && s.kind == SpanKind::Cpu)
        .map(|s| (s.start, s.end))
        .collect();
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut total = 0.0;
    let mut current: Option<(f64, f64)> = None;
    for (start, end) in intervals {
        match current {
            Some((s, e)) if start <= e => current = Some((s, e.max(end))),
            Some((s, e)) => {
                total += e - s;
                current = Some((start, end));
            }
            None => current = Some((start, end)),
        }
    }
    total + current.map_or(0.0, |(s, e)| e - s)
}

/// One lane of a run, as the result reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LaneInfo {
    pub id: Lane,
    pub name: String,
    #[serde(default)]
    pub role: LaneRole,
    #[serde(default)]
    pub busy_ms: f64,
}

/// The engine keeps the spans of its last 16 finished runs (within 2 million spans) for export.
pub const KEPT_RUNS: usize = 16;
pub const KEPT_SPANS: usize = 2_000_000;

/// The finished runs whose spans are kept for export, newest last, within a budget of runs
/// and of spans (a kept run's spans stay until newer runs push it out).
pub struct Archive<T> {
    runs: std::collections::VecDeque<(u32, usize, T)>,
    max_runs: usize,
    max_spans: usize,
    spans: usize,
}

impl<T> Archive<T> {
    pub fn new(max_runs: usize, max_spans: usize) -> Self {
        Archive {
            runs: Default::default(),
            max_runs,
            max_spans,
            spans: 0,
        }
    }

    /// Keeps `run` (of `spans` spans) under `id`, forgetting the oldest runs over the budget.
    /// The newest run is always kept, whatever its size.
    pub fn keep(&mut self, id: u32, spans: usize, run: T) {
        self.runs.push_back((id, spans, run));
        self.spans += spans;
        while self.runs.len() > self.max_runs
            || (self.spans > self.max_spans && self.runs.len() > 1)
        {
            if let Some((_, gone, _)) = self.runs.pop_front() {
                self.spans -= gone;
            }
        }
    }

    pub fn get(&self, id: u32) -> Option<&T> {
        self.runs
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, _, r)| r)
    }

    pub fn max_runs(&self) -> usize {
        self.max_runs
    }
}

/// Where a copy of a run's result differs from the run the engine kept: the field (as
/// `result.wallMs`, `result.spans[3].end`), and its value in the copy and in the run, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub field: String,
    pub given: String,
    pub kept: String,
}

/// The first difference between a run's result as the engine returned it (`kept`, its spans
/// `kept_spans`) and a copy of it (`given`, its spans packed as `Span::pack_into` packs them
/// from the run's start), or `None` when the copy is the run. Numbers are compared as numbers
/// (JSON writes 1.0 as 1 in JavaScript).
pub fn first_difference(
    kept: &serde_json::Value,
    kept_spans: &[Span],
    given: &serde_json::Value,
    given_spans: &[f64],
) -> Option<Difference> {
    if let Some(difference) = value_difference("result", kept, given) {
        return Some(difference);
    }
    let width = Span::PACKED_LEN;
    let count = given_spans.len() / width;
    if count != kept_spans.len() || !given_spans.len().is_multiple_of(width) {
        return Some(Difference {
            field: "result.spans".into(),
            given: format!("{count} spans"),
            kept: format!("{} spans", kept_spans.len()),
        });
    }
    let mut packed = Vec::with_capacity(width);
    for (i, (span, given)) in kept_spans
        .iter()
        .zip(given_spans.chunks_exact(width))
        .enumerate()
    {
        packed.clear();
        span.pack_into(&mut packed, 0.0);
        for (field, (k, g)) in Span::PACKED_FIELDS.iter().zip(packed.iter().zip(given)) {
            if k.to_bits() != g.to_bits() && k != g {
                let words = |n: f64| match *field {
                    "kind" => SpanKind::from_code(n as u8)
                        .filter(|_| n.fract() == 0.0 && n >= 0.0)
                        .map_or_else(
                            || "not a kind of span".to_string(),
                            |k| format!("\"{}\"", k.name()),
                        ),
                    _ => crate::number::Num(n).to_string(),
                };
                return Some(Difference {
                    field: format!("result.spans[{i}].{field}"),
                    given: words(*g),
                    kept: words(*k),
                });
            }
        }
    }
    None
}

fn value_difference(
    path: &str,
    kept: &serde_json::Value,
    given: &serde_json::Value,
) -> Option<Difference> {
    use serde_json::Value;
    let differ = |given: &Value, kept: &Value| {
        Some(Difference {
            field: path.to_string(),
            given: in_words(given),
            kept: in_words(kept),
        })
    };
    match (kept, given) {
        // To the last bit but one: serde_json (without float_roundtrip, 7.5 KB brotli) reads
        // some 17-digit numbers 1 ulp off what JavaScript wrote back unchanged.
        (Value::Number(k), Value::Number(g)) => {
            let close = match (k.as_f64(), g.as_f64()) {
                (Some(k), Some(g)) => k == g || k.to_bits().abs_diff(g.to_bits()) <= 1,
                _ => false,
            };
            (!close).then(|| differ(given, kept)).flatten()
        }
        (Value::Array(k), Value::Array(g)) => {
            if k.len() != g.len() {
                return Some(Difference {
                    field: path.to_string(),
                    given: format!("a list of {}", g.len()),
                    kept: format!("a list of {}", k.len()),
                });
            }
            k.iter()
                .zip(g)
                .enumerate()
                .find_map(|(i, (k, g))| value_difference(&format!("{path}[{i}]"), k, g))
        }
        (Value::Object(k), Value::Object(g)) => {
            let keys = k.keys().chain(g.keys().filter(|key| !k.contains_key(*key)));
            keys.into_iter().find_map(|key| {
                let field = format!("{path}.{}", crate::workload::shorten(key));
                match (k.get(key.as_str()), g.get(key.as_str())) {
                    (Some(k), Some(g)) => value_difference(&field, k, g),
                    (Some(k), None) => Some(Difference {
                        field,
                        given: "missing".into(),
                        kept: in_words(k),
                    }),
                    (None, Some(g)) => Some(Difference {
                        field,
                        given: in_words(g),
                        kept: "none".into(),
                    }),
                    (None, None) => None,
                }
            })
        }
        (k, g) if k == g => None,
        _ => differ(given, kept),
    }
}

/// A JSON value in a few words, never more than 40 characters of its text.
fn in_words(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(s) => format!("\"{}\"", crate::workload::shorten(s)),
        Value::Array(items) => format!("a list of {}", items.len()),
        Value::Object(_) => "an object".into(),
        Value::Number(n) => crate::workload::shorten(&n.to_string()),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
    }
}

/// The spans of a run, as Chrome trace event JSON (the format Perfetto and
/// `chrome://tracing` open): one complete (`X`) event per span, times in microseconds from the
/// run's start, one thread per lane, named by metadata (`M`) events.
pub fn chrome_trace_json(
    title: &str,
    lanes: &[LaneInfo],
    spans: &[Span],
    group_names: &[String],
    lock_names: &[String],
) -> serde_json::Result<String> {
    let mut events = vec![TraceEvent::metadata(
        0,
        "process_name",
        EventArgs::Name { name: title },
    )];
    for lane in lanes {
        events.push(TraceEvent::metadata(
            lane.id,
            "thread_name",
            EventArgs::Name { name: &lane.name },
        ));
        events.push(TraceEvent::metadata(
            lane.id,
            "thread_sort_index",
            EventArgs::SortIndex {
                sort_index: lane.id,
            },
        ));
    }
    for span in spans {
        let group = group_names
            .get(span.group as usize)
            .map_or("task", String::as_str);
        let name = match span.kind {
            SpanKind::Cpu => format!("{group} #{} compute", span.task),
            SpanKind::Io => format!("{group} #{} wait", span.task),
            SpanKind::LockWait => format!("{group} #{} waits for the lock", span.task),
            SpanKind::Transfer => format!("{group} #{} input copied in", span.task),
            SpanKind::Startup => "process starts".to_string(),
            SpanKind::Update => match span.detail {
                Detail::Counter { read } => {
                    format!("{group} #{} updates the counter: read {read}", span.task)
                }
                _ => format!("{group} #{} updates the counter", span.task),
            },
            SpanKind::LockHeld | SpanKind::NamedLockWait => {
                let (lock, holder) = match span.detail {
                    Detail::Lock { lock, holder } => (
                        lock_names
                            .get(lock as usize)
                            .map_or("?", String::as_str)
                            .to_string(),
                        holder,
                    ),
                    _ => ("?".to_string(), None),
                };
                match (span.kind, holder) {
                    (SpanKind::LockHeld, _) => format!("{group} #{} holds {lock}", span.task),
                    (_, Some(h)) => format!(
                        "{group} #{} waits for {lock} (held by #{})",
                        span.task, h.task
                    ),
                    _ => format!("{group} #{} waits for {lock}", span.task),
                }
            }
        };
        events.push(TraceEvent {
            args: EventArgs::Span {
                group,
                step: span.step,
                task: span.task,
            },
            cat: Some(span.kind.name()),
            dur: Some(span.duration() * 1e3),
            name: name.into(),
            ph: "X",
            pid: TraceEvent::PID,
            tid: span.lane,
            ts: Some(span.start * 1e3),
        });
    }
    serde_json::to_string(&TraceFile {
        display_time_unit: "ms",
        trace_events: events,
    })
}

/// A Chrome trace file, serialized as it is declared: the fields of each object in the order
/// of their names (as the trace was written when it was a `serde_json::Value`, whose objects
/// sort their keys), so an export is the same text whichever way it is made.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TraceFile<'a> {
    display_time_unit: &'static str,
    trace_events: Vec<TraceEvent<'a>>,
}

/// One event of a Chrome trace: a complete (`X`) event, or a metadata (`M`) one, which has
/// no category, duration or time.
#[derive(Serialize)]
struct TraceEvent<'a> {
    args: EventArgs<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cat: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dur: Option<f64>,
    name: std::borrow::Cow<'a, str>,
    ph: &'static str,
    pid: u32,
    tid: Lane,
    #[serde(skip_serializing_if = "Option::is_none")]
    ts: Option<f64>,
}

impl<'a> TraceEvent<'a> {
    /// Every event is in one process.
    const PID: u32 = 1;

    fn metadata(tid: Lane, name: &'static str, args: EventArgs<'a>) -> TraceEvent<'a> {
        TraceEvent {
            args,
            cat: None,
            dur: None,
            name: name.into(),
            ph: "M",
            pid: TraceEvent::PID,
            tid,
            ts: None,
        }
    }
}

/// An event's `args`: what the viewer shows (a span's), or names (a metadata event's).
#[derive(Serialize)]
#[serde(untagged)]
enum EventArgs<'a> {
    Name {
        name: &'a str,
    },
    SortIndex {
        sort_index: Lane,
    },
    Span {
        group: &'a str,
        step: u16,
        task: u32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn span(task: u32, lane: Lane, kind: SpanKind, start: f64, end: f64) -> Span {
        Span {
            task,
            group: 3,
            step: 2,
            lane,
            kind,
            start,
            end,
            detail: Detail::None,
        }
    }

    #[test]
    fn spans_round_trip_through_the_slots() {
        let trace = Trace::new(4, true);
        let s = Span {
            task: 123_456,
            group: 11,
            step: 99,
            lane: 17,
            kind: SpanKind::Startup,
            start: 1.7e12 + 0.125,
            end: 1.7e12 + 9.5,
            detail: Detail::None,
        };
        let waited = Span {
            kind: SpanKind::NamedLockWait,
            detail: Detail::Lock {
                lock: 16,
                holder: Some(Holder {
                    task: 999,
                    lane: 16,
                }),
            },
            ..s
        };
        let updated = Span {
            kind: SpanKind::Update,
            detail: Detail::Counter { read: 49_999 },
            ..s
        };
        let held = Span {
            kind: SpanKind::LockHeld,
            detail: Detail::Lock {
                lock: 0,
                holder: None,
            },
            ..s
        };
        for span in [s, waited, updated, held] {
            trace.record(span);
        }
        assert_eq!(trace.spans(), vec![s, waited, updated, held]);
    }

    #[test]
    fn bounded_it_counts_what_it_cannot_store() {
        let trace = Trace::new(2, true);
        for t in 0..5 {
            trace.record(span(t, 0, SpanKind::Cpu, 0.0, 1.0));
        }
        assert_eq!(trace.spans().len(), 2);
        assert_eq!(trace.dropped(), 3);
        let off = Trace::new(100, false);
        off.record(span(0, 0, SpanKind::Cpu, 0.0, 1.0));
        assert_eq!(
            (off.spans().len(), off.dropped(), off.capacity()),
            (0, 0, 0)
        );
    }

    #[test]
    fn readable_incrementally_while_threads_write() {
        let trace = Arc::new(Trace::new(40_000, true));
        let writers: Vec<_> = (0..4)
            .map(|lane| {
                let trace = trace.clone();
                std::thread::spawn(move || {
                    for i in 0..10_000 {
                        trace.record(span(i, lane, SpanKind::Io, i as f64, i as f64 + 1.0));
                    }
                })
            })
            .collect();
        let mut seen = Vec::new();
        let mut cursor = 0;
        while seen.len() < 40_000 {
            let (new, next) = trace.read_from(cursor);
            assert_eq!(next - cursor, new.len());
            cursor = next;
            seen.extend(new);
        }
        writers.into_iter().for_each(|w| w.join().unwrap());
        for lane in 0..4 {
            let tasks: Vec<u32> = seen
                .iter()
                .filter(|s| s.lane == lane)
                .map(|s| s.task)
                .collect();
            assert_eq!(
                tasks,
                (0..10_000).collect::<Vec<_>>(),
                "lane {lane} in order, none lost"
            );
        }
    }

    #[test]
    fn busy_time_merges_overlaps_and_ignores_waits() {
        let spans = [
            span(0, 1, SpanKind::Cpu, 0.0, 10.0),
            span(1, 1, SpanKind::Cpu, 5.0, 12.0),
            span(2, 1, SpanKind::Cpu, 20.0, 25.0),
            span(3, 1, SpanKind::Io, 30.0, 90.0),
            span(4, 1, SpanKind::LockWait, 12.0, 20.0),
            span(5, 2, SpanKind::Cpu, 0.0, 100.0),
        ];
        assert_eq!(busy_ms(&spans, 1), 17.0);
        assert_eq!(busy_ms(&spans, 2), 100.0);
        assert_eq!(busy_ms(&spans, 0), 0.0);
    }

    #[test]
    fn packs_its_numbers_relative_to_the_origin_with_nan_for_no_detail() {
        let mut out = Vec::new();
        span(9, 2, SpanKind::Io, 1000.5, 1010.0).pack_into(&mut out, 1000.0);
        assert_eq!(out[..7], [9.0, 3.0, 2.0, 2.0, 1.0, 0.5, 10.0]);
        assert!(out[7..].iter().all(|n| n.is_nan()), "{out:?}");
        assert_eq!(out.len(), Span::PACKED_LEN);
        assert_eq!(
            Span::unpack_from(&out, 1000.0),
            Some(span(9, 2, SpanKind::Io, 1000.5, 1010.0))
        );
        assert_eq!(Span::unpack_from(&out[1..], 0.0), None);
        let waited = Span {
            kind: SpanKind::NamedLockWait,
            detail: Detail::Lock {
                lock: 1,
                holder: Some(Holder { task: 4, lane: 2 }),
            },
            ..span(9, 1, SpanKind::Io, 0.0, 3.0)
        };
        let mut out = Vec::new();
        waited.pack_into(&mut out, 0.0);
        assert_eq!(out[7..10], [1.0, 4.0, 2.0]);
        assert!(out[10].is_nan());
        assert_eq!(Span::unpack_from(&out, 0.0), Some(waited));
        let updated = Span {
            kind: SpanKind::Update,
            detail: Detail::Counter { read: 41 },
            ..waited
        };
        let mut out = Vec::new();
        updated.pack_into(&mut out, 0.0);
        assert_eq!(out[10], 41.0);
        assert_eq!(Span::unpack_from(&out, 0.0), Some(updated));
    }

    #[test]
    fn chrome_trace_has_named_threads_and_complete_events_in_microseconds() {
        let lanes = vec![
            LaneInfo {
                id: 0,
                name: "main".into(),
                role: LaneRole::Main,
                busy_ms: 0.0,
            },
            LaneInfo {
                id: 1,
                name: "worker 1".into(),
                role: LaneRole::Worker,
                busy_ms: 2.0,
            },
        ];
        let spans = [Span {
            task: 4,
            group: 1,
            step: 0,
            lane: 1,
            kind: SpanKind::Cpu,
            start: 1.5,
            end: 3.5,
            detail: Detail::None,
        }];
        let json = chrome_trace_json(
            "parallel run",
            &lanes,
            &spans,
            &["download".into(), "resize".into()],
            &[],
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let events = v["traceEvents"].as_array().unwrap();
        let names: Vec<&str> = events
            .iter()
            .filter(|e| e["name"] == "thread_name")
            .map(|e| e["args"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["main", "worker 1"]);
        let x: Vec<&serde_json::Value> = events.iter().filter(|e| e["ph"] == "X").collect();
        assert_eq!(x.len(), 1);
        assert_eq!(x[0]["name"], "resize #4 compute");
        assert_eq!(
            (
                x[0]["ts"].as_f64(),
                x[0]["dur"].as_f64(),
                x[0]["tid"].as_u64()
            ),
            (Some(1500.0), Some(2000.0), Some(1))
        );
        assert_eq!(x[0]["cat"], "cpu");
    }

    #[test]
    fn chrome_trace_text_has_each_objects_keys_in_order_of_their_names() {
        // As the export was written when it was built as a `serde_json::Value`: an export
        // made before and one made now are the same text.
        let lanes = [LaneInfo {
            id: 0,
            name: "main".into(),
            role: LaneRole::Main,
            busy_ms: 1.0,
        }];
        let json = chrome_trace_json(
            "run",
            &lanes,
            &[span(4, 0, SpanKind::Io, 0.5, f64::NAN)],
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(
            json,
            r#"{"displayTimeUnit":"ms","traceEvents":[{"args":{"name":"run"},"name":"process_name","ph":"M","pid":1,"tid":0},{"args":{"name":"main"},"name":"thread_name","ph":"M","pid":1,"tid":0},{"args":{"sort_index":0},"name":"thread_sort_index","ph":"M","pid":1,"tid":0},{"args":{"group":"task","step":2,"task":4},"cat":"io","dur":null,"name":"task #4 wait","ph":"X","pid":1,"tid":0,"ts":500.0}]}"#
        );
    }

    #[test]
    fn chrome_trace_names_locks_their_holders_and_what_an_update_read() {
        let lock = |lock, holder| Detail::Lock { lock, holder };
        let spans = [
            Span {
                kind: SpanKind::LockHeld,
                detail: lock(1, None),
                ..span(0, 1, SpanKind::Cpu, 0.0, 5.0)
            },
            Span {
                kind: SpanKind::NamedLockWait,
                detail: lock(1, Some(Holder { task: 0, lane: 1 })),
                ..span(2, 2, SpanKind::Cpu, 1.0, 5.0)
            },
            Span {
                kind: SpanKind::Update,
                detail: Detail::Counter { read: 41 },
                ..span(0, 1, SpanKind::Cpu, 1.0, 2.0)
            },
        ];
        let json = chrome_trace_json("run", &[], &spans, &[], &["A".to_string(), "B".to_string()])
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let names: Vec<&str> = v["traceEvents"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["ph"] == "X")
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "task #0 holds B",
                "task #2 waits for B (held by #0)",
                "task #0 updates the counter: read 41"
            ]
        );
    }

    #[test]
    fn the_archive_forgets_the_oldest_runs_over_its_budget() {
        let mut archive = Archive::new(3, 100);
        for id in 1..=4 {
            archive.keep(id, 10, id * 10);
        }
        assert_eq!(
            (archive.get(1), archive.get(2), archive.get(4)),
            (None, Some(&20), Some(&40))
        );
        archive.keep(5, 95, 50); // over the span budget: only it stays
        assert_eq!((archive.get(4), archive.get(5)), (None, Some(&50)));
        archive.keep(6, 500, 60); // the newest stays, whatever its size
        assert_eq!((archive.get(5), archive.get(6)), (None, Some(&60)));
    }

    #[test]
    fn a_copy_of_a_result_that_differs_from_the_kept_run_is_named_by_its_field() {
        use serde_json::json;
        let span = |start: f64, end: f64| Span {
            task: 0,
            group: 0,
            step: 0,
            lane: 1,
            kind: SpanKind::Cpu,
            start,
            end,
            detail: Detail::None,
        };
        let spans = [span(0.0, 1.5), span(1.5, 3.0)];
        let kept =
            json!({ "runId": 3, "wallMs": 3.0, "strategy": "parallel", "lanes": [{ "id": 0 }] });
        let mut packed = Vec::new();
        spans.iter().for_each(|s| s.pack_into(&mut packed, 0.0));
        // JavaScript writes 3.0 as 3: the same number.
        let same =
            json!({ "runId": 3, "wallMs": 3, "strategy": "parallel", "lanes": [{ "id": 0 }] });
        assert_eq!(first_difference(&kept, &spans, &same, &packed), None);
        let diff = |given: serde_json::Value, packed: &[f64]| {
            let d = first_difference(&kept, &spans, &given, packed).expect("a difference");
            format!("{} is {}, kept {}", d.field, d.given, d.kept)
        };
        let mut edited = same.clone();
        edited["wallMs"] = json!(1.25);
        assert_eq!(diff(edited, &packed), "result.wallMs is 1.25, kept 3.0");
        let mut edited = same.clone();
        edited["strategy"] = json!("x".repeat(100));
        assert!(diff(edited, &packed)
            .starts_with(&format!("result.strategy is \"{}...\"", "x".repeat(40))));
        let mut edited = same.clone();
        edited["lanes"][0]["id"] = json!(1);
        assert_eq!(diff(edited, &packed), "result.lanes[0].id is 1, kept 0");
        let mut edited = same.clone();
        edited.as_object_mut().unwrap().remove("strategy");
        edited["extra"] = json!(true);
        assert_eq!(
            diff(edited, &packed),
            "result.strategy is missing, kept \"parallel\""
        );
        let mut edited = same.clone();
        edited["extra"] = json!(true);
        assert_eq!(diff(edited, &packed), "result.extra is true, kept none");
        let mut moved = packed.clone();
        let end_of_second = Span::PACKED_LEN + 6; // the 7th field (end) of the second span
        moved[end_of_second] = 4.0;
        assert_eq!(
            diff(same.clone(), &moved),
            "result.spans[1].end is 4, kept 3"
        );
        moved[end_of_second] = f64::NAN;
        assert_eq!(
            diff(same.clone(), &moved),
            "result.spans[1].end is NaN, kept 3"
        );
        let mut kind = packed.clone();
        kind[4] = 1.0;
        assert_eq!(
            diff(same.clone(), &kind),
            "result.spans[0].kind is \"io\", kept \"cpu\""
        );
        kind[4] = -1.0;
        assert_eq!(
            diff(same.clone(), &kind),
            "result.spans[0].kind is not a kind of span, kept \"cpu\""
        );
        assert_eq!(
            diff(same, &packed[..Span::PACKED_LEN]),
            "result.spans is 1 spans, kept 2 spans"
        );
    }

    #[test]
    fn the_calling_thread_outside_rayon_is_main() {
        assert_eq!(current_lane(), MAIN_LANE);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let lane = pool.install(current_lane);
        assert!((1..=2).contains(&lane), "{lane}");
        assert_eq!(lane_name(None, 0), "main");
        assert_eq!(lane_name(Some(Pool::Threads), 2), "worker 2");
        assert_eq!(lane_name(Some(Pool::Processes), 3), "process 3");
    }
}
