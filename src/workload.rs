//! The workload: the public contract shared by the URL, the JS API and the embed.
//!
//! A workload is JSON (camelCase). It is parsed in two steps: serde turns text into a
//! `serde_json::Value`, then [`Workload::from_value`] checks every field against the
//! [`Limits`] and collects *all* problems, each naming the field, the value it got and the
//! range it allows, so the page can mark every bad input at once. Nothing runs until a
//! workload is valid (and its plan fits the span budget: see `plan`).

use crate::number::{whole, Num};
use crate::text::{self, Unicode};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// Which pool of workers a strategy runs its tasks on, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Pool {
    /// rayon's worker threads, sharing the module's memory (needs cross-origin isolation).
    Threads,
    /// Dedicated workers, each with its own instance of the module and its own memory,
    /// talking by messages: processes, as in Python's multiprocessing. Need no isolation.
    Processes,
}

/// How the tasks of a workload are run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Strategy {
    /// One task at a time, in order, on the page's event loop.
    Sequential,
    /// All tasks started at once as futures on the page's event loop (one thread).
    Concurrent,
    /// Tasks spread over `threads` rayon workers; each worker runs a task start to finish.
    Parallel,
    /// Futures on the event loop; each computing piece is handed to the rayon pool.
    Hybrid,
    /// Tasks spread over `threads` processes (workers with their own memory); each process
    /// runs a task start to finish, and receives a copy of its input data.
    Processes,
}

impl Strategy {
    pub const ALL: [Strategy; 5] = [
        Strategy::Sequential,
        Strategy::Concurrent,
        Strategy::Parallel,
        Strategy::Hybrid,
        Strategy::Processes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Sequential => "sequential",
            Strategy::Concurrent => "concurrent",
            Strategy::Parallel => "parallel",
            Strategy::Hybrid => "hybrid",
            Strategy::Processes => "processes",
        }
    }

    /// The pool this strategy needs, if any: the one-thread strategies need none.
    pub fn pool(self) -> Option<Pool> {
        match self {
            Strategy::Sequential | Strategy::Concurrent => None,
            Strategy::Parallel | Strategy::Hybrid => Some(Pool::Threads),
            Strategy::Processes => Some(Pool::Processes),
        }
    }

    /// Whether this strategy needs rayon's pool of threads.
    pub fn uses_threads(self) -> bool {
        self.pool() == Some(Pool::Threads)
    }

    fn parse(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }

    /// "sequential, concurrent, parallel or hybrid".
    fn names_in_words() -> String {
        let names: Vec<&str> = Strategy::ALL.iter().map(|s| s.name()).collect();
        in_words(&names)
    }
}

/// How the tasks of a run update its shared counter (the group field `increments` says how
/// many times each task adds 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CounterSync {
    /// Read the counter, do this increment's share of the work, write back what was read plus
    /// one: the classic read-modify-write, which loses updates when another task writes in
    /// between (threads sharing memory, or tasks that await between the read and the write).
    #[default]
    None,
    /// One atomic add: nothing can come between its read and its write.
    Atomic,
    /// The read, the work between and the write under the run's lock on the counter: a real
    /// lock on worker threads, an async lock on the event loop (the page's thread never blocks).
    Lock,
    /// Each task counts on its own and sends its count when it ends; the run adds the counts.
    Message,
}

impl CounterSync {
    pub const ALL: [CounterSync; 4] = [
        CounterSync::None,
        CounterSync::Atomic,
        CounterSync::Lock,
        CounterSync::Message,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CounterSync::None => "none",
            CounterSync::Atomic => "atomic",
            CounterSync::Lock => "lock",
            CounterSync::Message => "message",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<CounterSync> {
        CounterSync::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// "a, b, c or d": one of `names`.
fn in_words(names: &[&str]) -> String {
    listed(names, "or")
}

/// "a, b, c and d": all of `names`.
fn all_of(names: &[&str]) -> String {
    listed(names, "and")
}

fn listed(names: &[&str], conjunction: &str) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("{} {conjunction} {last}", rest.join(", "))
        }
        _ => names.join(""),
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A group of identical tasks. Task `k` of the group (from 0) arrives `k * every_ms` after the
/// run starts; it first reads `data_kb` of input, then runs `steps` times: `cpu_ms` of
/// computing, then `io_ms` of waiting. Spread over that work, it adds 1 to the run's shared
/// counter `increments` times, and takes the named `locks` in order (its share of the work
/// after taking each), holding them all until it ends.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskGroup {
    pub name: String,
    pub count: u32,
    pub cpu_ms: f64,
    pub io_ms: f64,
    pub steps: u32,
    /// Input each task reads before computing, in KiB: threads read it where it is (shared
    /// memory); a process gets a copy by message.
    pub data_kb: u32,
    /// Time between two tasks' arrivals, ms: 0, they all arrive at the start; else requests
    /// keep arriving, as at a server.
    pub every_ms: f64,
    /// How many times each task adds 1 to the run's shared counter (see [`CounterSync`]).
    pub increments: u32,
    /// Named locks each task takes, in this order, and holds until it ends. Two groups taking
    /// the same locks in opposite orders can deadlock.
    pub locks: Vec<String>,
}

/// A validated workload. Build one with `Workload::from_json` or `Workload::from_value`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workload {
    pub strategy: Strategy,
    /// Workers used by `parallel`, `hybrid` and `processes` (ignored by the one-thread
    /// strategies). A run gets at most as many as its pool has, and says so.
    pub threads: u32,
    /// Computing holds one global lock (like Python's GIL); waiting releases it.
    pub global_lock: bool,
    /// When > 0, computing on the event loop yields back to it every `yield_ms` of work.
    pub yield_ms: f64,
    /// Each piece of work varies by up to +-`jitter` (a fraction), drawn from `seed`.
    pub jitter: f64,
    pub seed: u32,
    /// How tasks update the shared counter (only matters when a group has `increments`).
    pub sync: CounterSync,
    pub groups: Vec<TaskGroup>,
}

/// The worker pool never has fewer workers than this, so a 2-core machine can still show
/// 4 threads taking turns on 2 cores...
pub const MIN_POOL_THREADS: u32 = 4;
/// ...nor more than this: each worker holds its own instance of the module.
pub const MAX_POOL_THREADS: u32 = 16;

/// The bounds that keep a browser tab safe: every limit validation enforces, in one place.
/// Each is named in the error that enforces it, and the JS API publishes them (`pg.limits`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// The most workers a run may ask for: the most a pool ever has. A run asking for more
    /// than its pool has here runs on what there is, and its notice says so.
    pub max_threads: u32,
    pub max_groups: usize,
    pub max_tasks_per_group: u32,
    /// Tasks over all groups.
    pub max_tasks: u32,
    pub max_steps: u32,
    /// Computing per piece, ms.
    pub max_cpu_ms: f64,
    /// Waiting per piece, ms.
    pub max_io_ms: f64,
    /// `yieldMs` is 0 (never yield) or in `min_yield_ms..=max_yield_ms`.
    pub min_yield_ms: f64,
    pub max_yield_ms: f64,
    pub max_jitter: f64,
    /// A group's name, in characters as a reader sees them (`é` is one, however it is
    /// spelled; so is a flag), after normalising it to NFC...
    pub max_name_chars: usize,
    /// ...and in code points, which bounds what a name costs (accents and emoji take several).
    pub max_name_code_points: usize,
    /// Lists and objects inside each other, the workload's own object being level 1 (it
    /// needs 3: the workload, `groups`, a group). A value nested deeper is read as null and
    /// named by its field, "nested N levels deep", at every door.
    pub max_depth: usize,
    /// Sum over all tasks of `steps * (cpuMs + ioMs)`: what a sequential run would take, ms.
    pub max_total_work_ms: f64,
    /// Upper bound on recorded spans (the trace is preallocated to the run's need, at most this).
    pub max_spans: usize,
    /// Input a task reads, KiB.
    pub max_data_kb: u32,
    /// Input over all tasks, KiB: what processes copy in all.
    pub max_total_data_kb: u64,
    /// Time between two arrivals, ms.
    pub max_every_ms: f64,
    /// When the last task may arrive, ms after the start.
    pub max_arrival_ms: f64,
    /// Increments of the shared counter per task (`increments`).
    pub max_increments_per_task: u32,
    /// Increments over all tasks (sum of count x increments).
    pub max_increments: u64,
    /// Named locks a group's tasks take (`locks`).
    pub max_locks_per_group: usize,
    /// Different lock names over all groups.
    pub max_locks: usize,
    pub max_lock_name_chars: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_threads: MAX_POOL_THREADS,
        max_groups: 12,
        max_tasks_per_group: 1_000,
        max_tasks: 1_000,
        max_steps: 100,
        max_cpu_ms: 5_000.0,
        max_io_ms: 10_000.0,
        min_yield_ms: 1.0,
        max_yield_ms: 1_000.0,
        max_jitter: 0.9,
        max_name_chars: 32,
        max_name_code_points: 128,
        max_depth: 64,
        max_total_work_ms: 120_000.0,
        max_spans: 200_000,
        max_data_kb: 8 * 1024,
        max_total_data_kb: 256 * 1024,
        max_every_ms: 10_000.0,
        max_arrival_ms: 120_000.0,
        max_increments_per_task: 10_000,
        max_increments: 50_000,
        max_locks_per_group: 8,
        max_locks: 16,
        max_lock_name_chars: 16,
    };
}

/// The fields of a workload, as JSON names them (the contract publishes them: JS derives its
/// editor from them).
pub const WORKLOAD_FIELDS: [&str; 8] = [
    "strategy",
    "threads",
    "globalLock",
    "yieldMs",
    "jitter",
    "seed",
    "sync",
    "groups",
];

/// The fields of a task group, as JSON names them.
pub const GROUP_FIELDS: [&str; 9] = [
    "name",
    "count",
    "cpuMs",
    "ioMs",
    "steps",
    "dataKb",
    "everyMs",
    "increments",
    "locks",
];

/// One problem with one field of a workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Path of the field, as in the JSON: `strategy`, `groups[1].cpuMs`, ...
    pub field: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every problem found in a workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkloadError {
    pub errors: Vec<FieldError>,
}

impl WorkloadError {
    pub fn one(field: &str, message: String) -> Self {
        WorkloadError {
            errors: vec![FieldError {
                field: field.into(),
                message,
            }],
        }
    }
}

/// An error message names at most this many problems (the rest are counted): a message stays
/// short whatever the input.
pub const MAX_LISTED_ERRORS: usize = 12;

impl fmt::Display for WorkloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .errors
            .iter()
            .take(MAX_LISTED_ERRORS)
            .map(ToString::to_string)
            .collect();
        write!(f, "invalid workload: {}", parts.join("; "))?;
        match self.errors.len().saturating_sub(MAX_LISTED_ERRORS) {
            0 => Ok(()),
            more => write!(f, "; and {more} more problems"),
        }
    }
}

impl std::error::Error for WorkloadError {}

/// Values a door read as null because JSON can't carry them, with what they were, by field:
/// `{"threads": "Infinity (not a finite number)", "groups[0]": "a list nested 200 levels deep"}`.
/// The engine's own reading of text makes them (see `reading`), and so does the JS door for
/// what JavaScript holds and JSON can't (NaN, Infinity, a structure nested too deep).
/// Validation quotes them where it would quote the value, only where the value is null.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StandIns(Vec<(String, String)>);

impl StandIns {
    /// Reads `{ field: words }` as the JS door writes it ("" for none). The words are
    /// shortened: they end up in messages.
    pub fn from_json(text: &str) -> Result<StandIns, String> {
        if text.is_empty() {
            return Ok(StandIns::default());
        }
        let wrong = || "stand-ins must be an object of text".to_string();
        // Read as a Value, whose reader the module has anyway (a map of strings would add
        // its own code: measured 19 KB before wasm-opt).
        let value: Value = serde_json::from_str(text).map_err(|e| format!("{} ({e})", wrong()))?;
        let mut stand_ins = StandIns::default();
        for (field, words) in value.as_object().ok_or_else(wrong)? {
            let words = words.as_str().ok_or_else(wrong)?;
            stand_ins.insert(field.clone(), shorten_to(words, 80));
        }
        Ok(stand_ins)
    }

    /// Says `field` was read as null for what `words` say (the first words given count).
    pub fn insert(&mut self, field: String, words: String) {
        if self.get(&field).is_none() {
            self.0.push((field, words));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, words)| words.as_str())
    }

    /// These, and `other`'s where these have none.
    fn or(mut self, other: StandIns) -> StandIns {
        for (field, words) in other.0 {
            self.insert(field, words);
        }
        self
    }
}

impl TaskGroup {
    /// When its last task arrives, ms after the start.
    pub fn last_arrival_ms(&self) -> f64 {
        self.count.saturating_sub(1) as f64 * self.every_ms
    }
}

impl Workload {
    /// Parses and validates JSON text against `limits`. A number beyond f64 (`1e999`) or a
    /// value nested deeper than `limits.max_depth` is named by its field (see `reading`).
    pub fn from_json(text: &str, limits: &Limits) -> Result<Workload, WorkloadError> {
        Workload::from_door(text, StandIns::default(), limits)
    }

    /// Parses and validates JSON text as a door hands it over: with the values it read as
    /// null because JSON can't carry them, described by field.
    pub fn from_door(
        text: &str,
        stand_ins: StandIns,
        limits: &Limits,
    ) -> Result<Workload, WorkloadError> {
        let read = crate::reading::read(text, limits.max_depth)
            .map_err(|e| WorkloadError::one("workload", format!("is not valid JSON ({e})")))?;
        Workload::validate(&read.value, &stand_ins.or(read.stand_ins), limits)
    }

    /// Validates an already parsed JSON value against `limits`.
    pub fn from_value(value: &Value, limits: &Limits) -> Result<Workload, WorkloadError> {
        Workload::validate(value, &StandIns::default(), limits)
    }

    fn validate(
        value: &Value,
        stand_ins: &StandIns,
        limits: &Limits,
    ) -> Result<Workload, WorkloadError> {
        let Some(object) = value.as_object() else {
            return Err(WorkloadError::one(
                "workload",
                format!(
                    "must be an object with strategy and groups, got {}",
                    described(value, stand_ins.get("workload"))
                ),
            ));
        };
        let mut fields = Fields {
            object,
            prefix: String::new(),
            errors: Vec::new(),
            limits,
            stand_ins,
        };
        fields.reject_unknown(&WORKLOAD_FIELDS);

        let strategy = fields.strategy();
        let threads = fields.integer(
            "threads",
            Some(1),
            1,
            limits.max_threads,
            Some("the most workers a pool has; a run gets what its pool has"),
        );
        let global_lock = fields.boolean("globalLock", false);
        let yield_ms = fields.number("yieldMs", Some(0.0), 0.0, limits.max_yield_ms);
        if yield_ms > 0.0 && yield_ms < limits.min_yield_ms {
            fields.error(
                "yieldMs",
                format!(
                    "{} is too small: use 0 (never yield) or {} to {} ms",
                    Num(yield_ms),
                    Num(limits.min_yield_ms),
                    Num(limits.max_yield_ms)
                ),
            );
        }
        let jitter = fields.number("jitter", Some(0.0), 0.0, limits.max_jitter);
        let seed = fields.integer("seed", Some(1), 0, u32::MAX, None);
        let sync = fields.sync();
        let groups = fields.groups();

        let mut errors = fields.errors;
        if let (Some(strategy), true) = (strategy, errors.is_empty()) {
            let workload = Workload {
                strategy,
                threads,
                global_lock,
                yield_ms,
                jitter,
                seed,
                sync,
                groups,
            };
            errors.extend(workload.check_totals(limits));
            if errors.is_empty() {
                return Ok(workload);
            }
        }
        Err(WorkloadError { errors })
    }

    /// Number of tasks over all groups.
    pub fn task_count(&self) -> u32 {
        self.groups.iter().map(|g| g.count).sum()
    }

    /// Increments of the shared counter over all tasks.
    pub fn total_increments(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| g.count as u64 * g.increments as u64)
            .sum()
    }

    /// The named locks of the run, each once, in the order they first appear in the groups:
    /// a span's `lock` is an index in this list.
    pub fn lock_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for name in self.groups.iter().flat_map(|g| &g.locks) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }

    /// What a sequential run would take, with no overhead: sum of all work.
    pub fn total_work_ms(&self) -> f64 {
        self.groups
            .iter()
            .map(|g| g.count as f64 * g.steps as f64 * (g.cpu_ms + g.io_ms))
            .sum()
    }

    /// Limits over the whole workload, checked once each field is valid.
    fn check_totals(&self, limits: &Limits) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let tasks = self.task_count();
        if tasks == 0 {
            errors.push(FieldError {
                field: "groups".into(),
                message: "there are no tasks: give at least one group a count of 1 or more".into(),
            });
        }
        if tasks > limits.max_tasks {
            errors.push(FieldError {
                field: "groups".into(),
                message: format!(
                    "{tasks} tasks in all is over the limit of {} tasks (sum of count)",
                    limits.max_tasks
                ),
            });
        }
        let data: u64 = self
            .groups
            .iter()
            .map(|g| g.count as u64 * g.data_kb as u64)
            .sum();
        if data > limits.max_total_data_kb {
            errors.push(FieldError {
                field: "groups".into(),
                message: format!(
                    "{data} KiB of input in all is over the limit of {} KiB (sum over groups of count x dataKb)",
                    limits.max_total_data_kb
                ),
            });
        }
        for (i, g) in self.groups.iter().enumerate() {
            let last = g.last_arrival_ms();
            if last > limits.max_arrival_ms {
                errors.push(FieldError {
                    field: format!("groups[{i}].everyMs"),
                    message: format!(
                        "the last of {} tasks every {} ms would arrive at {} ms, over the limit of {} ms",
                        g.count,
                        Num(g.every_ms),
                        whole(last),
                        whole(limits.max_arrival_ms)
                    ),
                });
            }
        }
        let increments = self.total_increments();
        if increments > limits.max_increments {
            errors.push(FieldError {
                field: "groups".into(),
                message: format!(
                    "{increments} increments in all is over the limit of {} (sum over groups of count x increments)",
                    limits.max_increments
                ),
            });
        }
        let locks = self.lock_names().len();
        if locks > limits.max_locks {
            errors.push(FieldError {
                field: "groups".into(),
                message: format!(
                    "{locks} different lock names in all is over the limit of {} (locks over all groups)",
                    limits.max_locks
                ),
            });
        }
        let work = self.total_work_ms();
        if work > limits.max_total_work_ms {
            errors.push(FieldError {
                field: "groups".into(),
                message: format!(
                    "total work {} ms is over the limit of {} ms \
                 (sum over tasks of steps x (cpuMs + ioMs), what a sequential run takes)",
                    whole(work),
                    whole(limits.max_total_work_ms)
                ),
            });
        }
        errors
    }
}

/// Reads fields from one JSON object, collecting errors instead of stopping at the first.
struct Fields<'a> {
    object: &'a Map<String, Value>,
    prefix: String,
    errors: Vec<FieldError>,
    limits: &'a Limits,
    stand_ins: &'a StandIns,
}

impl<'a> Fields<'a> {
    fn path(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// `value` of field `key` in words, as the door described it if it read it as null.
    fn describe(&self, key: &str, value: &Value) -> String {
        described(value, self.stand_ins.get(&self.path(key)))
    }

    fn error(&mut self, key: &str, message: String) {
        let field = self.path(key);
        self.errors.push(FieldError { field, message });
    }

    /// Names each field that isn't one of `known` (its name shortened; at most a few).
    fn reject_unknown(&mut self, known: &[&str]) {
        const LISTED: usize = 4;
        let unknown: Vec<&String> = self
            .object
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .collect();
        for key in unknown.iter().take(LISTED) {
            self.error(
                &shorten(key),
                format!("is not a known field (known: {})", known.join(", ")),
            );
        }
        if unknown.len() > LISTED {
            let more = unknown.len() - LISTED;
            let object = match self.prefix.trim_end_matches('.') {
                "" => "workload",
                path => path,
            };
            self.errors.push(FieldError {
                field: object.to_string(),
                message: format!("has {more} more fields that are not known"),
            });
        }
    }

    /// A field that may be missing (then `default`, if there is one).
    fn get(&mut self, key: &str, default_allowed: bool) -> Option<&'a Value> {
        match self.object.get(key) {
            Some(v) => Some(v),
            None if default_allowed => None,
            None => {
                self.error(key, "is missing".into());
                None
            }
        }
    }

    fn strategy(&mut self) -> Option<Strategy> {
        let value = self.get("strategy", false)?;
        match value.as_str().and_then(Strategy::parse) {
            Some(s) => Some(s),
            None => {
                self.error(
                    "strategy",
                    format!(
                        "{} is not a strategy: use {}",
                        self.describe("strategy", value),
                        Strategy::names_in_words()
                    ),
                );
                None
            }
        }
    }

    fn sync(&mut self) -> CounterSync {
        let default = CounterSync::None;
        let Some(value) = self.get("sync", true) else {
            return default;
        };
        match value.as_str().and_then(CounterSync::parse) {
            Some(sync) => sync,
            None => {
                let names: Vec<&str> = CounterSync::ALL.iter().map(|s| s.name()).collect();
                self.error(
                    "sync",
                    format!(
                        "{} is not a way to update the shared counter: use {}",
                        describe(value),
                        in_words(&names)
                    ),
                );
                default
            }
        }
    }

    /// The named locks of a group: a list of short names, each at most once.
    fn locks(&mut self) -> Vec<String> {
        let Some(value) = self.get("locks", true) else {
            return Vec::new();
        };
        let (max, chars) = (
            self.limits.max_locks_per_group,
            self.limits.max_lock_name_chars,
        );
        let Some(items) = value.as_array() else {
            self.error(
                "locks",
                format!(
                    "must be a list of lock names (like [\"A\", \"B\"]), got {}",
                    describe(value)
                ),
            );
            return Vec::new();
        };
        if items.len() > max {
            self.error(
                "locks",
                format!("has {} locks: a task takes at most {max}", items.len()),
            );
            return Vec::new();
        }
        let mut names: Vec<String> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let key = format!("locks[{i}]");
            let name = item.as_str().unwrap_or_default();
            let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
            if !item.is_string()
                || name.is_empty()
                || name.chars().count() > chars
                || !name.chars().all(allowed)
            {
                self.error(
                    &key,
                    format!(
                        "must be a lock name of 1 to {chars} letters, digits, _ or - (like \"A\" or \"db\"), got {}",
                        describe(item)
                    ),
                );
            } else if let Some(first) = names.iter().position(|n| n == name) {
                self.error(
                    &key,
                    format!(
                        "\"{name}\" is already in locks[{first}]: a task can't take a lock it holds"
                    ),
                );
            } else {
                names.push(name.to_string());
            }
        }
        names
    }

    fn boolean(&mut self, key: &str, default: bool) -> bool {
        match self.get(key, true) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(v) => {
                let got = self.describe(key, v);
                self.error(key, format!("must be true or false, got {got}"));
                default
            }
        }
    }

    /// A number in `min..=max`. JSON has no NaN or infinity: `JSON.stringify(NaN)` is `null`,
    /// which is reported as "must be a number".
    fn number(&mut self, key: &str, default: Option<f64>, min: f64, max: f64) -> f64 {
        let fallback = default.unwrap_or(min);
        let Some(value) = self.get(key, default.is_some()) else {
            return fallback;
        };
        match value.as_f64() {
            Some(n) if n.is_finite() && (min..=max).contains(&n) => n,
            Some(n) => {
                self.error(
                    key,
                    format!(
                        "{} is out of range: must be from {} to {}",
                        Num(n),
                        Num(min),
                        Num(max)
                    ),
                );
                fallback
            }
            None => {
                let got = self.describe(key, value);
                self.error(
                    key,
                    format!(
                        "must be a number from {} to {}, got {got}",
                        Num(min),
                        Num(max)
                    ),
                );
                fallback
            }
        }
    }

    /// A whole number in `min..=max`; `why` explains where `max` comes from.
    fn integer(
        &mut self,
        key: &str,
        default: Option<u32>,
        min: u32,
        max: u32,
        why: Option<&str>,
    ) -> u32 {
        let fallback = default.unwrap_or(min);
        let range = match why {
            None => format!("from {min} to {max}"),
            Some(why) => format!("from {min} to {max} ({why})"),
        };
        let Some(value) = self.get(key, default.is_some()) else {
            return fallback;
        };
        let whole = value.as_f64().filter(|n| n.fract() == 0.0);
        match whole {
            Some(n) if n >= min as f64 && n <= max as f64 => n as u32,
            Some(n) => {
                self.error(
                    key,
                    format!("{} is out of range: must be a whole number {range}", Num(n)),
                );
                fallback
            }
            None => {
                let got = self.describe(key, value);
                self.error(key, format!("must be a whole number {range}, got {got}"));
                fallback
            }
        }
    }

    fn groups(&mut self) -> Vec<TaskGroup> {
        let Some(value) = self.get("groups", false) else {
            return Vec::new();
        };
        let Some(items) = value.as_array() else {
            let got = self.describe("groups", value);
            self.error(
                "groups",
                format!("must be a list of task groups, got {got}"),
            );
            return Vec::new();
        };
        let max_groups = self.limits.max_groups;
        if items.is_empty() || items.len() > max_groups {
            self.error(
                "groups",
                format!(
                    "has {} groups: must have from 1 to {max_groups}",
                    items.len()
                ),
            );
            return Vec::new();
        }
        let limits = self.limits;
        let mut groups = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("groups[{i}].");
            let Some(object) = item.as_object() else {
                let field = format!("groups[{i}]");
                let got = described(item, self.stand_ins.get(&field));
                self.errors.push(FieldError {
                    field,
                    message: format!(
                        "must be an object with {}, got {got}",
                        all_of(&GROUP_FIELDS)
                    ),
                });
                continue;
            };
            let mut group = Fields {
                object,
                prefix,
                errors: Vec::new(),
                limits,
                stand_ins: self.stand_ins,
            };
            group.reject_unknown(&GROUP_FIELDS);
            let name = group.name();
            let count = group.integer("count", None, 0, limits.max_tasks_per_group, None);
            let cpu_ms = group.number("cpuMs", None, 0.0, limits.max_cpu_ms);
            let io_ms = group.number("ioMs", None, 0.0, limits.max_io_ms);
            let steps = group.integer("steps", Some(1), 1, limits.max_steps, None);
            let data_kb = group.integer("dataKb", Some(0), 0, limits.max_data_kb, Some("KiB"));
            let every_ms = group.number("everyMs", Some(0.0), 0.0, limits.max_every_ms);
            let increments = group.integer(
                "increments",
                Some(0),
                0,
                limits.max_increments_per_task,
                Some("adds to the shared counter per task"),
            );
            let locks = group.locks();
            self.errors.append(&mut group.errors);
            groups.push(TaskGroup {
                name,
                count,
                cpu_ms,
                io_ms,
                steps,
                data_kb,
                every_ms,
                increments,
                locks,
            });
        }
        groups
    }

    /// A group's name: text, normalised to NFC (the two spellings of "café" are one name),
    /// of 1 to `max_name_chars` characters as a reader counts them and at most
    /// `max_name_code_points` code points, with something visible in it.
    fn name(&mut self) -> String {
        let Some(value) = self.get("name", false) else {
            return String::new();
        };
        match self.check_name(value, text::platform()) {
            Ok(name) => name,
            Err(message) => {
                self.error("name", message);
                String::new()
            }
        }
    }

    fn check_name(&self, value: &Value, unicode: &dyn Unicode) -> Result<String, String> {
        let max = self.limits.max_name_chars;
        let most = self.limits.max_name_code_points;
        let wanted = format!("must be text of 1 to {max} characters");
        let Some(given) = value.as_str() else {
            return Err(format!("{wanted}, got {}", self.describe("name", value)));
        };
        let trimmed = given.trim();
        let got = describe(value);
        if trimmed.is_empty() {
            return Err(format!("{wanted}, got {got}"));
        }
        let code_points = trimmed.chars().count();
        if code_points > most {
            // Only the start is segmented: a long name costs no more than a short one.
            let start: String = trimmed.chars().take(most + 1).collect();
            if unicode.characters(&start) > max {
                return Err(format!("{wanted}, got {got}"));
            }
            return Err(format!(
                "{wanted}, got {got} ({code_points} code points: a name has at most {most}; \
                 accents and emoji take several)"
            ));
        }
        let name = unicode.nfc(trimmed);
        let characters = unicode.characters(&name);
        if characters > max {
            return Err(format!("{wanted}, got {got} ({characters} characters)"));
        }
        if name.chars().all(text::invisible) {
            return Err(format!(
                "{wanted} a reader can see, got only invisible characters ({})",
                text::code_points(&name, 4)
            ));
        }
        Ok(name)
    }
}

/// `value` in words, or `stand_in` (what a door read as null) where it is null.
fn described(value: &Value, stand_in: Option<&str>) -> String {
    match (value, stand_in) {
        (Value::Null, Some(words)) => words.to_string(),
        _ => describe(value),
    }
}

/// A short description of a JSON value for an error message: never more than a prefix of
/// what it was given.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null (an empty value)".into(),
        Value::String(s) => format!("\"{}\"", shorten(s)),
        Value::Number(n) => n
            .as_f64()
            .map_or_else(|| n.to_string(), |n| Num(n).to_string()),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
        Value::Bool(b) => b.to_string(),
    }
}

/// At most the first 40 characters of `text`, with "..." when there were more.
pub(crate) fn shorten(text: &str) -> String {
    shorten_to(text, 40)
}

/// At most the first `kept` characters of `text`, with "..." when there were more. Controls
/// that reorder text (U+202E...) are spelled out: quoted in a message, they would turn the
/// rest of it around.
fn shorten_to(text: &str, kept: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == kept {
            out.push_str("...");
            break;
        }
        match c {
            '\u{061C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LIMITS: &Limits = &Limits::DEFAULT;

    fn example() -> Value {
        json!({
            "strategy": "concurrent", "threads": 2, "globalLock": false, "yieldMs": 0,
            "groups": [
                { "name": "download", "count": 8, "cpuMs": 0, "ioMs": 200, "steps": 1 },
                { "name": "resize", "count": 4, "cpuMs": 120, "ioMs": 0, "steps": 1 }
            ]
        })
    }

    fn errors_of(value: Value) -> Vec<FieldError> {
        Workload::from_value(&value, LIMITS)
            .expect_err("should be rejected")
            .errors
    }

    fn only_error(value: Value) -> FieldError {
        let errors = errors_of(value);
        assert_eq!(errors.len(), 1, "expected one error, got {errors:?}");
        errors.into_iter().next().unwrap()
    }

    #[test]
    fn parses_the_documented_example() {
        let w = Workload::from_value(&example(), LIMITS).unwrap();
        assert_eq!(w.strategy, Strategy::Concurrent);
        assert_eq!(w.threads, 2);
        assert_eq!(w.task_count(), 12);
        assert_eq!(
            w.groups[1],
            TaskGroup {
                name: "resize".into(),
                count: 4,
                cpu_ms: 120.0,
                io_ms: 0.0,
                steps: 1,
                data_kb: 0,
                every_ms: 0.0,
                increments: 0,
                locks: Vec::new(),
            }
        );
        assert_eq!(w.total_work_ms(), 8.0 * 200.0 + 4.0 * 120.0);
    }

    #[test]
    fn optional_fields_take_defaults() {
        let w = Workload::from_json(
            r#"{"strategy":"parallel","groups":[{"name":"a","count":1,"cpuMs":1,"ioMs":0}]}"#,
            LIMITS,
        )
        .unwrap();
        assert_eq!(
            (
                w.threads,
                w.global_lock,
                w.yield_ms,
                w.jitter,
                w.seed,
                w.groups[0].steps
            ),
            (1, false, 0.0, 0.0, 1, 1)
        );
    }

    #[test]
    fn serializes_as_the_camel_case_json_it_reads() {
        let w = Workload::from_value(&example(), LIMITS).unwrap();
        let text = serde_json::to_string(&w).unwrap();
        assert!(
            text.contains("\"globalLock\":false") && text.contains("\"cpuMs\":120"),
            "{text}"
        );
        let again = Workload::from_json(&text, LIMITS).unwrap();
        assert_eq!(again, w);
    }

    #[test]
    fn unknown_strategy_names_the_allowed_ones() {
        let mut v = example();
        v["strategy"] = json!("fast");
        let e = only_error(v);
        assert_eq!(e.field, "strategy");
        assert_eq!(
            e.message,
            "\"fast\" is not a strategy: use sequential, concurrent, parallel, hybrid or processes"
        );
    }

    #[test]
    fn negative_huge_and_nan_numbers_name_field_value_and_range() {
        let mut v = example();
        v["groups"][1]["cpuMs"] = json!(-5);
        v["groups"][0]["ioMs"] = json!(1e9);
        v["groups"][0]["count"] = Value::Null; // what JSON.stringify makes of NaN
        let errors = errors_of(v);
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "groups[0].count: must be a whole number from 0 to 1000, got null (an empty value)",
                "groups[0].ioMs: 1000000000 is out of range: must be from 0 to 10000",
                "groups[1].cpuMs: -5 is out of range: must be from 0 to 5000",
            ]
        );
    }

    #[test]
    fn missing_fields_are_named() {
        let e = errors_of(json!({ "groups": [{ "name": "x", "count": 1, "ioMs": 5 }] }));
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["strategy", "groups[0].cpuMs"]);
        assert!(e.iter().all(|e| e.message.contains("missing")), "{e:?}");
    }

    #[test]
    fn more_threads_than_any_pool_has_are_rejected_with_the_range() {
        let mut v = example();
        v["threads"] = json!(8);
        assert!(Workload::from_value(&v, LIMITS).is_ok(), "8 is in range");
        v["threads"] = json!(17);
        let e = only_error(v);
        assert_eq!(e.to_string(),
            "threads: 17 is out of range: must be a whole number from 1 to 16 (the most workers a pool has; a run gets what its pool has)");
        let mut v = example();
        v["threads"] = json!(1.5);
        assert!(only_error(v).message.starts_with("must be a whole number"));
    }

    #[test]
    fn too_many_tasks_and_too_much_work_name_their_limits() {
        let mut v = example();
        v["groups"][0]["count"] = json!(1000);
        v["groups"][0]["ioMs"] = json!(0);
        let e = only_error(v);
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "groups",
                "1004 tasks in all is over the limit of 1000 tasks (sum of count)"
            )
        );
        let mut v = example();
        v["groups"][0]["ioMs"] = json!(10000);
        v["groups"][0]["steps"] = json!(2);
        assert!(only_error(v)
            .message
            .starts_with("total work 160480 ms is over the limit of 120000 ms"));
    }

    #[test]
    fn no_tasks_wrong_types_and_unknown_fields() {
        let mut v = example();
        v["groups"][0]["count"] = json!(0);
        v["groups"][1]["count"] = json!(0);
        assert!(only_error(v).message.starts_with("there are no tasks"));
        let e = only_error(json!({ "strategy": "sequential", "groups": "lots" }));
        assert_eq!(
            e.to_string(),
            "groups: must be a list of task groups, got \"lots\""
        );
        let mut v = example();
        v["cpuMS"] = json!(3);
        assert!(only_error(v)
            .to_string()
            .starts_with("cpuMS: is not a known field"));
        let mut v = example();
        v["globalLock"] = json!("yes");
        assert_eq!(
            only_error(v).to_string(),
            "globalLock: must be true or false, got \"yes\""
        );
        let mut v = example();
        v["groups"][0]["name"] = json!("   ");
        assert_eq!(only_error(v).field, "groups[0].name");
    }

    #[test]
    fn input_data_is_bounded_per_task_and_in_all() {
        let mut v = example();
        v["groups"][1]["dataKb"] = json!(1024);
        let w = Workload::from_value(&v, LIMITS).unwrap();
        assert_eq!((w.groups[0].data_kb, w.groups[1].data_kb), (0, 1024));
        v["groups"][1]["dataKb"] = json!(9000);
        assert_eq!(
            only_error(v.clone()).to_string(),
            "groups[1].dataKb: 9000 is out of range: must be a whole number from 0 to 8192 (KiB)"
        );
        v["groups"][1]["dataKb"] = json!(8192);
        v["groups"][1]["count"] = json!(40);
        assert!(only_error(v)
            .message
            .starts_with("327680 KiB of input in all is over the limit of 262144 KiB"));
    }

    #[test]
    fn arrivals_are_bounded_between_two_and_for_the_last() {
        let mut v = example();
        v["groups"][0]["everyMs"] = json!(40);
        let w = Workload::from_value(&v, LIMITS).unwrap();
        assert_eq!(
            (w.groups[0].every_ms, w.groups[0].last_arrival_ms()),
            (40.0, 280.0)
        );
        v["groups"][0]["everyMs"] = json!(-1);
        assert_eq!(
            only_error(v.clone()).to_string(),
            "groups[0].everyMs: -1 is out of range: must be from 0 to 10000"
        );
        v["groups"][0]["everyMs"] = json!(10000);
        v["groups"][0]["count"] = json!(20);
        v["groups"][0]["ioMs"] = json!(1);
        assert_eq!(
            only_error(v).to_string(),
            "groups[0].everyMs: the last of 20 tasks every 10000 ms would arrive at 190000 ms, over the limit of 120000 ms"
        );
    }

    #[test]
    fn messages_stay_short_whatever_the_input() {
        let huge = "x".repeat(1_000_000);
        let mut v = example();
        v[huge.as_str()] = json!(1);
        v["groups"][0]["name"] = json!(huge);
        v["groups"][1]["cpuMs"] = json!(1e308);
        for i in 0..20 {
            v[format!("extra{i}")] = json!(i);
        }
        let e = Workload::from_value(&v, LIMITS).unwrap_err();
        let text = e.to_string();
        assert!(text.len() < 2_000, "{} characters", text.len());
        assert!(
            text.contains("groups[1].cpuMs: 1e308 is out of range"),
            "{text}"
        );
        assert!(
            text.contains("\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\""),
            "{text}"
        );
        assert!(
            text.contains("workload: has 17 more fields that are not known"),
            "{text}"
        );
        // Many bad fields: a dozen are named, the rest counted.
        let bad = json!({ "name": "", "count": -1, "cpuMs": "a", "ioMs": [] });
        let v = json!({ "strategy": "parallel", "groups": vec![bad; 12] });
        let text = Workload::from_value(&v, LIMITS).unwrap_err().to_string();
        assert!(text.ends_with("; and 36 more problems"), "{text}");
    }

    #[test]
    fn increments_sync_and_locks_take_defaults_and_are_read() {
        let w = Workload::from_value(&example(), LIMITS).unwrap();
        assert_eq!(
            (w.sync, w.groups[0].increments, w.groups[0].locks.len()),
            (CounterSync::None, 0, 0)
        );
        let mut v = example();
        v["sync"] = json!("atomic");
        v["groups"][0]["increments"] = json!(100);
        v["groups"][0]["locks"] = json!(["A", "db_2", "x-y"]);
        v["groups"][1]["locks"] = json!(["db_2", "B"]);
        let w = Workload::from_value(&v, LIMITS).unwrap();
        assert_eq!(w.sync, CounterSync::Atomic);
        assert_eq!(w.groups[0].increments, 100);
        assert_eq!(w.total_increments(), 800);
        assert_eq!(w.lock_names(), ["A", "db_2", "x-y", "B"]);
        let again = Workload::from_json(&serde_json::to_string(&w).unwrap(), LIMITS).unwrap();
        assert_eq!(again, w, "round trip through JSON");
    }

    #[test]
    fn a_bad_sync_names_the_allowed_ones() {
        for (value, got) in [(json!("atomics"), "\"atomics\""), (json!(true), "true")] {
            let mut v = example();
            v["sync"] = value;
            assert_eq!(
                only_error(v).to_string(),
                format!("sync: {got} is not a way to update the shared counter: use none, atomic, lock or message")
            );
        }
    }

    #[test]
    fn increments_are_bounded_per_task_and_in_all() {
        let mut v = example();
        v["groups"][1]["increments"] = json!(10_001);
        assert_eq!(
            only_error(v).to_string(),
            "groups[1].increments: 10001 is out of range: must be a whole number from 0 to 10000 (adds to the shared counter per task)"
        );
        let mut v = example();
        v["groups"][1]["increments"] = json!(-1);
        assert!(only_error(v).message.starts_with("-1 is out of range"));
        let mut v = example();
        v["groups"][0]["increments"] = json!(10_000);
        assert_eq!(
            only_error(v).to_string(),
            "groups: 80000 increments in all is over the limit of 50000 (sum over groups of count x increments)"
        );
        let mut v = example();
        v["groups"][0]["increments"] = json!("many");
        assert_eq!(
            only_error(v).to_string(),
            "groups[0].increments: must be a whole number from 0 to 10000 (adds to the shared counter per task), got \"many\""
        );
    }

    #[test]
    fn locks_are_short_names_each_taken_once() {
        let errors = |locks: Value| {
            let mut v = example();
            v["groups"][1]["locks"] = locks;
            errors_of(v)
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            errors(json!("A")),
            ["groups[1].locks: must be a list of lock names (like [\"A\", \"B\"]), got \"A\""]
        );
        assert_eq!(
            errors(json!(["A", "B", "A"])),
            ["groups[1].locks[2]: \"A\" is already in locks[0]: a task can't take a lock it holds"]
        );
        let bad =
            "must be a lock name of 1 to 16 letters, digits, _ or - (like \"A\" or \"db\"), got";
        assert_eq!(
            errors(json!(["", "a b", "<b>", 7, "abcdefghijklmnopq", "ok"])),
            [
                format!("groups[1].locks[0]: {bad} \"\""),
                format!("groups[1].locks[1]: {bad} \"a b\""),
                format!("groups[1].locks[2]: {bad} \"<b>\""),
                format!("groups[1].locks[3]: {bad} 7"),
                format!("groups[1].locks[4]: {bad} \"abcdefghijklmnopq\""),
            ]
        );
        assert_eq!(
            errors(json!(["a", "b", "c", "d", "e", "f", "g", "h", "i"])),
            ["groups[1].locks: has 9 locks: a task takes at most 8"]
        );
        // The counter's own lock has a name no workload can give.
        assert!(errors(json!([crate::strategy::COUNTER_LOCK]))[0].contains("must be a lock name"));
        // Sixteen names in all at most.
        let mut v = example();
        v["groups"][0]["locks"] = json!(["a", "b", "c", "d", "e", "f", "g", "h"]);
        v["groups"][1]["locks"] = json!(["i", "j", "k", "l", "m", "n", "o", "p"]);
        assert!(Workload::from_value(&v, LIMITS).is_ok());
        v["groups"][1]["locks"][7] = json!("q");
        v["groups"].as_array_mut().unwrap().push(json!(
            { "name": "c", "count": 1, "cpuMs": 1, "ioMs": 0, "locks": ["p"] }
        ));
        assert_eq!(
            only_error(v).to_string(),
            "groups: 17 different lock names in all is over the limit of 16 (locks over all groups)"
        );
    }

    #[test]
    fn a_door_names_what_json_could_not_carry_where_the_value_goes() {
        let mut v = example();
        v["threads"] = Value::Null;
        v["groups"][0]["cpuMs"] = Value::Null;
        v["groups"][1] = Value::Null;
        let mut stand_ins = StandIns::default();
        stand_ins.insert("threads".into(), "Infinity (not a finite number)".into());
        stand_ins.insert("groups[0].cpuMs".into(), "NaN (not a finite number)".into());
        stand_ins.insert(
            "groups[1]".into(),
            "an object nested 100000 levels deep".into(),
        );
        stand_ins.insert("seed".into(), "ignored: seed is not null".into());
        let text: Vec<String> = Workload::from_door(&v.to_string(), stand_ins, LIMITS)
            .unwrap_err()
            .errors
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(text, vec![
            "threads: must be a whole number from 1 to 16 (the most workers a pool has; a run gets what its pool has), got Infinity (not a finite number)",
            "groups[0].cpuMs: must be a number from 0 to 5000, got NaN (not a finite number)",
            "groups[1]: must be an object with name, count, cpuMs, ioMs, steps, dataKb, everyMs, increments and locks, got an object nested 100000 levels deep",
        ]);
        assert_eq!(
            StandIns::from_json(r#"{"threads":"Infinity (not a finite number)"}"#)
                .unwrap()
                .get("threads"),
            Some("Infinity (not a finite number)")
        );
        assert!(StandIns::from_json("[1]").is_err());
        assert_eq!(StandIns::from_json(""), Ok(StandIns::default()));
    }

    #[test]
    fn raw_text_too_deep_or_beyond_f64_names_the_field_not_the_workload() {
        let deep = format!("{}0{}", "{\"a\":".repeat(200), "}".repeat(200));
        let text = format!(
            r#"{{"strategy":"sequential","threads":1e999,"groups":[{{"name":"g","count":{deep},"cpuMs":1,"ioMs":0}}]}}"#
        );
        let text: Vec<String> = Workload::from_json(&text, LIMITS)
            .unwrap_err()
            .errors
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(text, vec![
            "threads: must be a whole number from 1 to 16 (the most workers a pool has; a run gets what its pool has), got 1e999 (not a finite number)",
            "groups[0].count: must be a whole number from 0 to 1000, got an object nested 200 levels deep",
        ]);
        let e = Workload::from_json(
            &format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
            LIMITS,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid workload: workload: must be an object with strategy and groups, got a list nested 100000 levels deep"
        );
    }

    fn name_error(name: &str) -> String {
        let mut v = example();
        v["groups"][0]["name"] = json!(name);
        only_error(v).to_string()
    }

    fn name_of(name: &str) -> String {
        let mut v = example();
        v["groups"][0]["name"] = json!(name);
        Workload::from_value(&v, LIMITS).unwrap().groups[0]
            .name
            .clone()
    }

    #[test]
    fn names_are_one_spelling_counted_as_a_reader_sees_them_and_visible() {
        // NFC: the two spellings of "café" are one name.
        assert_eq!(name_of("cafe\u{301}"), "caf\u{e9}");
        assert_eq!(name_of("caf\u{e9}"), "caf\u{e9}");
        // 32 decomposed "é" are 32 characters (64 code points).
        assert_eq!(name_of(&"e\u{301}".repeat(32)), "\u{e9}".repeat(32));
        // 32 flags, 64 code points: 32 characters.
        assert_eq!(
            name_of(&"\u{1F1EB}\u{1F1F7}".repeat(32)).chars().count(),
            64
        );
        assert_eq!(
            name_error(&"\u{e9}".repeat(33)),
            format!(
                "groups[0].name: must be text of 1 to 32 characters, got \"{}\" (33 characters)",
                "\u{e9}".repeat(33)
            )
        );
        // Invisible only: refused, the code points named.
        assert_eq!(
            name_error("\u{200B}"),
            "groups[0].name: must be text of 1 to 32 characters a reader can see, got only invisible characters (U+200B)"
        );
        assert_eq!(
            name_error("\u{200F}"),
            "groups[0].name: must be text of 1 to 32 characters a reader can see, got only invisible characters (U+200F)"
        );
        assert_eq!(
            name_error("\u{200B}\u{2060}\u{FEFF}\u{200D}\u{200C}"),
            "groups[0].name: must be text of 1 to 32 characters a reader can see, got only invisible characters (U+200B U+2060 U+FEFF U+200D ...)"
        );
        assert_eq!(
            name_of("a\u{200B}b"),
            "a\u{200B}b",
            "visible with invisible: kept as given"
        );
        // One character of 200 code points (a letter and its marks): said in code points.
        let zalgo = format!("a{}", "\u{301}".repeat(199));
        assert!(
            name_error(&zalgo).ends_with(
                "(200 code points: a name has at most 128; accents and emoji take several)"
            ),
            "{}",
            name_error(&zalgo)
        );
        // A direction override in a quoted value is spelled out, not obeyed.
        assert_eq!(
            name_error(&format!("\u{202E}{}", "x".repeat(40))),
            format!("groups[0].name: must be text of 1 to 32 characters, got \"<U+202E>{}...\" (41 characters)", "x".repeat(39))
        );
    }

    #[test]
    fn yield_must_be_zero_or_at_least_one_ms() {
        let mut v = example();
        v["yieldMs"] = json!(0.25);
        assert!(only_error(v)
            .message
            .contains("use 0 (never yield) or 1 to 1000 ms"));
    }

    #[test]
    fn not_json_or_not_an_object() {
        let e = Workload::from_json("{strategy:", LIMITS).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid workload: workload: is not valid JSON"),
            "{e}"
        );
        let e = Workload::from_json("[1,2]", LIMITS).unwrap_err();
        assert!(e.to_string().contains("must be an object"), "{e}");
    }
}

#[cfg(test)]
mod properties;
