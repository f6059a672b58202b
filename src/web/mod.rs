//! The wasm edge: everything that touches JavaScript. The page talks to [`Engine`] through
//! `www/engine.js`; nothing else in the crate knows it runs in a browser.

mod event_loop;
mod processes;
mod text;

use crate::machine::{
    calibrate, calibrate_quickly, Calibration, Calibrator, Clock, Machine, RealMachine,
};
use crate::model::predicted_ms;
use crate::panic::PanickingMachine;
use crate::plan::Plan;
use crate::runner::{self, effective, Host, PreparedRun, RunResult};
use crate::strategy::{EventLoop, Platform, Processes, RunState};
use crate::trace::{chrome_trace_json, first_difference, Archive, Span};
use crate::workload::{Limits, StandIns, Strategy, Workload, WorkloadError};
use event_loop::BrowserEventLoop;
use js_sys::{Float64Array, Promise};
use processes::JsProcesses;
pub use processes::ProcessPool;
use std::cell::{Cell, RefCell};
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::Arc;
pub use text::BrowserText;
use wasm_bindgen::prelude::*;

// `initThreadPool(n)`: starts rayon's pool on n Web Workers. It must run before any rayon
// call (an earlier one locks rayon into a one-thread pool), and only once per page.
pub use wasm_bindgen_rayon::init_thread_pool;

#[wasm_bindgen]
extern "C" {
    /// The global `performance`, in the page and in workers alike; cached per thread by
    /// wasm-bindgen (a lookup per call costs ~5 us in a worker, a cached call ~70 ns).
    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    static PERFORMANCE: web_sys::Performance;

    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

thread_local! {
    /// This thread's `performance.timeOrigin`: each worker has its own, 100-200 ms after the
    /// page's. Adding it puts every thread on one clock (agreement measured at +-10 us).
    static TIME_ORIGIN: f64 = PERFORMANCE.with(|p| p.time_origin());
}

/// `performance.timeOrigin + performance.now()`, in ms: one clock for every thread.
pub struct PerformanceClock;

impl Clock for PerformanceClock {
    fn now_ms(&self) -> f64 {
        TIME_ORIGIN.with(|origin| origin + PERFORMANCE.with(|p| p.now()))
    }
}

fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error(&format!("playground panicked: {info}"))
        }));
    });
}

/// The engine's contract as JSON: strategies, span kinds, limits, the pool's size rule.
#[wasm_bindgen]
pub fn contract() -> Result<String, JsError> {
    Ok(serde_json::to_string(&crate::contract::contract())?)
}

/// The bytes of this module's memory (shared by the page and its worker threads). It grows
/// and never shrinks: a leak shows as growth run after run (the soak test watches it).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

/// How many workers to start on a machine with `cores` cores.
#[wasm_bindgen(js_name = poolSize)]
pub fn pool_size(cores: u32) -> u32 {
    crate::runner::pool_size(cores)
}

/// Finished runs whose spans are kept for export: the last 16, within 2 million spans.
use crate::trace::{KEPT_RUNS, KEPT_SPANS};

/// The engine: runs one workload at a time. It is made as soon as the module is instantiated,
/// with a quick calibration and the pool it expects; the pool starts meanwhile (JS awaits it
/// before a run that needs it) and the calibration is refined on a worker once it is up.
#[wasm_bindgen]
pub struct Engine {
    /// What this page has; the pool it expects until JS says it failed ([`Engine::pool_failed`]).
    host: RefCell<Host>,
    processes: Option<Rc<JsProcesses>>,
    machine: Arc<RealMachine<PerformanceClock>>,
    running: Rc<Cell<bool>>,
    /// Finished runs, kept on this side for the trace export (only the page's thread).
    kept: Rc<RefCell<Archive<Kept>>>,
    next_run_id: Cell<u32>,
    /// The next run's machine panics at its first piece of computing ([`Engine::panic_next_run`]).
    panic_next_run: Cell<bool>,
    /// The next run's machine aborts there instead ([`Engine::crash_next_run`]).
    crash_next_run: Cell<bool>,
}

// The build unwinds on a panic (see `crate::panic`), and wasm-bindgen catches it at every
// export, so a method that panicked leaves the engine to be used again. Asserted, not derived
// (`RefCell`, `Cell`): every borrow is released on the way out; `running` is reset by a guard
// that drops with the run's future; the other fields change in single assignments, never half.
impl std::panic::UnwindSafe for Engine {}
impl std::panic::RefUnwindSafe for Engine {}

#[wasm_bindgen]
impl Engine {
    /// `pool_threads`: workers `initThreadPool` is starting (0 if none; JS runs nothing on
    /// them before they are up, and calls [`Engine::pool_failed`] if they don't come);
    /// `no_pool_reason` says why there are none; `cores` is `navigator.hardwareConcurrency`;
    /// `iterations_per_ms` and `calibrated_in_ms` come from a quick calibration on the page
    /// ([`quick_kernel_iterations_per_ms`]), refined later ([`Engine::refine_calibration`]).
    /// `processes`: the pool of processes (www/engine/processes.js), if this browser can
    /// start workers.
    #[wasm_bindgen(constructor)]
    pub fn new(
        pool_threads: u32,
        cores: u32,
        no_pool_reason: String,
        iterations_per_ms: f64,
        calibrated_in_ms: f64,
        processes: Option<ProcessPool>,
    ) -> Result<Engine, JsError> {
        install_panic_hook();
        if !(iterations_per_ms.is_finite() && iterations_per_ms > 0.0) {
            return Err(JsError::new(&format!(
                "iterationsPerMs must be a positive number, got {}",
                crate::number::Num(iterations_per_ms)
            )));
        }
        let calibration = Calibration {
            iterations_per_ms,
            measured_ms: calibrated_in_ms,
        };
        let processes = processes.map(|pool| Rc::new(JsProcesses(pool)));
        Ok(Engine {
            host: RefCell::new(Host {
                pool_threads,
                no_pool_reason,
                processes: processes.as_ref().map_or(0, |p| p.size() as u32),
                cores: cores.max(1),
            }),
            processes,
            machine: Arc::new(RealMachine::new(PerformanceClock, calibration)),
            running: Rc::new(Cell::new(false)),
            kept: Rc::new(RefCell::new(Archive::new(KEPT_RUNS, KEPT_SPANS))),
            next_run_id: Cell::new(1),
            panic_next_run: Cell::new(false),
            crash_next_run: Cell::new(false),
        })
    }

    /// The pool the engine was told to expect did not start: from now on runs fall back as
    /// on a page without threads, and their notice gives `reason`.
    #[wasm_bindgen(js_name = poolFailed)]
    pub fn pool_failed(&self, reason: String) {
        let mut host = self.host.borrow_mut();
        host.pool_threads = 0;
        host.no_pool_reason = reason;
    }

    /// How many cores the page's workers really compute on at once, as measured by running
    /// them side by side (a browser may report more than the machine has): the ideal model
    /// predicts with this from now on.
    #[wasm_bindgen(js_name = setCores)]
    pub fn set_cores(&self, cores: u32) {
        self.host.borrow_mut().cores = cores.max(1);
    }

    /// `{ iterationsPerMs, measuredMs }` as JSON.
    #[wasm_bindgen(js_name = calibrationJson)]
    pub fn calibration_json(&self) -> Result<String, JsError> {
        Ok(serde_json::to_string(&self.machine.calibration())?)
    }

    /// Measures the kernel again, properly (about 100 ms), and keeps the faster of that and
    /// the quick calibration made at start. On a worker if there is a pool (the page's thread
    /// stays free), else on this thread, yielding to the page between samples. Resolves to
    /// the calibration JSON in use.
    #[wasm_bindgen(js_name = refineCalibration)]
    pub fn refine_calibration(&self) -> Promise {
        let machine = self.machine.clone();
        let has_pool = self.host.borrow().pool_threads > 0;
        wasm_bindgen_futures::future_to_promise(AssertUnwindSafe(async move {
            let measured = if has_pool {
                crate::strategy::on_pool(|| calibrate(&PerformanceClock))
                    .await
                    .ok()
            } else {
                // On the page's thread, a sample at a time: the page draws between samples
                // (up to 40 of 20 ms on a clock of whole milliseconds: Firefox and WebKit
                // without isolation).
                let mut calibrator = Calibrator::full(&PerformanceClock);
                loop {
                    if let Some(measured) = calibrator.step() {
                        break Some(measured);
                    }
                    BrowserEventLoop.yield_now().await;
                }
            };
            if let Some(measured) = measured {
                machine.keep_faster(measured);
            }
            serde_json::to_string(&machine.calibration())
                .map(JsValue::from)
                .map_err(|e| JsError::from(e).into())
        }))
    }

    /// Every problem with a workload, as JSON `[{field, message}]`; `[]` when it is valid.
    /// `stand_ins`: what the JS door read as null because JSON can't carry it, by field
    /// (`{"threads": "NaN (not a finite number)"}`), or "" (see [`StandIns`]).
    pub fn validate(&self, workload_json: &str, stand_ins: &str) -> Result<String, JsError> {
        let errors = match plan(workload_json, stand_ins) {
            Ok(_) => Vec::new(),
            Err(e) => e.errors,
        };
        Ok(serde_json::to_string(&errors)?)
    }

    /// The ideal model's wall time for each strategy, as JSON `{sequential: ms, ...}`, for the
    /// strategies as they would really run here.
    pub fn predict(&self, workload_json: &str, stand_ins: &str) -> Result<String, JsError> {
        let plan = plan(workload_json, stand_ins)?;
        let host = self.host.borrow();
        // Inserted one by one: collecting into the map would bring a sort of its own.
        let mut predictions = serde_json::Map::new();
        for &s in &Strategy::ALL {
            let (ran, _) = effective(s, &host);
            let workers = ran
                .pool()
                .map_or(1, |pool| plan.workload.threads.min(host.workers(pool)));
            let ms = predicted_ms(&plan.workload, &plan.tasks, ran, workers, host.cores);
            predictions.insert(s.name().to_string(), ms.into());
        }
        Ok(serde_json::to_string(&serde_json::Value::Object(
            predictions,
        ))?)
    }

    /// The lanes a run of this workload will report, as JSON `[{id, name}]`, before it starts.
    pub fn lanes(&self, workload_json: &str, stand_ins: &str) -> Result<String, JsError> {
        let workload =
            Workload::from_door(workload_json, stand_ins_of(stand_ins)?, &Limits::DEFAULT)?;
        /// A lane as this JSON lists it.
        #[derive(serde::Serialize)]
        struct IdAndName {
            id: crate::trace::Lane,
            name: String,
        }
        let lanes: Vec<IdAndName> = runner::lanes(workload.strategy, &self.host.borrow())
            .into_iter()
            .map(|l| IdAndName {
                id: l.id,
                name: l.name,
            })
            .collect();
        Ok(serde_json::to_string(&lanes)?)
    }

    /// Whether a run is in progress (one at a time).
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.running.get()
    }

    /// Starts a run at once. Rejects invalid workloads (the message names every bad field)
    /// and a second run while one is going. The result (JSON) carries a `runId`: the engine
    /// keeps that run's spans for [`Engine::chrome_trace`].
    pub fn start(
        &self,
        workload_json: &str,
        stand_ins: &str,
        traced: bool,
    ) -> Result<RunHandle, JsError> {
        let plan = plan(workload_json, stand_ins)?;
        if self.running.get() {
            return Err(JsError::new(
                "a run is already in progress: cancel it or wait for its result",
            ));
        }
        let mut machine: Arc<dyn Machine> = self.machine.clone();
        if self.crash_next_run.replace(false) {
            machine = Arc::new(PanickingMachine::crashing(machine));
        } else if self.panic_next_run.replace(false) {
            machine = Arc::new(PanickingMachine::new(machine));
        }
        let run = PreparedRun::new(plan, &self.host.borrow(), machine, traced);
        let setup = serde_json::to_string(&run.setup())?;
        let state = run.state.clone();
        let origin = self.machine.now_ms();
        let running = self.running.clone();
        let kept = self.kept.clone();
        let run_id = self.next_run_id.get();
        self.next_run_id.set(run_id.wrapping_add(1));
        let platform = Platform {
            event_loop: Rc::new(BrowserEventLoop),
            processes: self.processes.clone().map(|p| p as Rc<dyn Processes>),
        };
        let running = Running::new(running);
        // A panic in the run ends it with an error (`PreparedRun::execute` catches it); one
        // after it rejects the promise with a `PanicError`. Either way `running` is reset.
        let done = wasm_bindgen_futures::future_to_promise(AssertUnwindSafe(async move {
            let outcome = run.execute(origin, platform).await;
            drop(running);
            let result = outcome.map_err(|message| JsError::new(&message))?;
            let json = result_json(&result, run_id);
            kept.borrow_mut()
                .keep(run_id, result.spans.len(), Kept { result, run_id });
            json.map(JsValue::from).map_err(JsValue::from)
        }));
        Ok(RunHandle {
            state,
            origin,
            done,
            setup,
        })
    }

    /// For tests: the next run panics at its first piece of computing, wherever that runs
    /// (the page's thread, a worker thread, a process), to prove that a panic ends only that
    /// run, with an error, and that the run after it works.
    #[wasm_bindgen(js_name = panicNextRun)]
    pub fn panic_next_run(&self) {
        self.panic_next_run.set(true);
    }

    /// For tests: the next run crashes at its first piece of computing (a trap, on the page's
    /// thread or a worker thread), which ends this module's instance on every thread: every
    /// later call throws, and the page must say its engine stopped, not hang or fail in silence.
    #[wasm_bindgen(js_name = crashNextRun)]
    pub fn crash_next_run(&self) {
        self.crash_next_run.set(true);
    }

    /// The spans of a finished run (by the `runId` of its result) as Chrome trace event JSON,
    /// which Perfetto opens. Made from the spans kept here, once the copy JS holds is checked
    /// against them: `result_json`, the result without its spans, and `spans`, packed as
    /// `spansSince` packs them. A copy that differs (edited, or carrying another run's
    /// `runId`) is refused, naming the first field that differs: the export would not be it.
    #[wasm_bindgen(js_name = chromeTrace)]
    pub fn chrome_trace(
        &self,
        run_id: u32,
        result_json: &str,
        spans: Option<Box<[f64]>>,
    ) -> Result<String, JsError> {
        let kept = self.kept.borrow();
        let Kept { result, run_id } = kept.get(run_id).ok_or_else(|| {
            JsError::new(&format!(
                "the spans of run {run_id} are not kept: the engine keeps those of its last {} runs",
                kept.max_runs()
            ))
        })?;
        let spans = spans.ok_or_else(|| {
            JsError::new(
                "exportTrace: result.spans must be the list of spans pg.run returned: export the result pg.run returned, as it came",
            )
        })?;
        let given: serde_json::Value = serde_json::from_str(result_json)
            .map_err(|e| JsError::new(&format!("exportTrace: the result is not JSON ({e})")))?;
        let expected = result_value(result, *run_id)?;
        if let Some(d) = first_difference(&expected, &result.spans, &given, &spans) {
            return Err(JsError::new(&format!(
                "exportTrace: {} differs from run {run_id}: {} here, {} in the run (the result was \
                 changed, or carries another run's runId); export the result pg.run returned, as it came",
                d.field, d.given, d.kept
            )));
        }
        let title = format!("concurrency playground: {} run", result.strategy);
        Ok(chrome_trace_json(
            &title,
            &result.lanes,
            &result.spans,
            &result.group_names,
            &result.lock_names,
        )?)
    }
}

/// Says a run is in progress for as long as it lives (a panic that drops the run's future
/// drops it too).
struct Running(Rc<Cell<bool>>);

impl Running {
    fn new(flag: Rc<Cell<bool>>) -> Running {
        flag.set(true);
        Running(flag)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// A finished run, kept for the trace export.
struct Kept {
    result: RunResult,
    run_id: u32,
}

/// The stand-ins a JS door sends (see [`StandIns`]); "" for none.
fn stand_ins_of(text: &str) -> Result<StandIns, JsError> {
    StandIns::from_json(text).map_err(|e| JsError::new(&e))
}

/// Validates and plans a workload as the JS door hands it over.
fn plan(workload_json: &str, stand_ins: &str) -> Result<Plan, WorkloadError> {
    let stand_ins =
        StandIns::from_json(stand_ins).map_err(|e| WorkloadError::one("workload", e))?;
    Plan::new(
        Workload::from_door(workload_json, stand_ins, &Limits::DEFAULT)?,
        &Limits::DEFAULT,
    )
}

/// A result as JSON, with its run's id (the spans go to JS packed: see `spansSince`): its
/// fields as serde writes them, then `runId`.
fn result_json(result: &RunResult, run_id: u32) -> Result<String, JsError> {
    let mut json = serde_json::to_string(result)?;
    // A struct serializes as one object: its closing brace is the last character.
    json.pop();
    json.push_str(&format!(",\"runId\":{run_id}}}"));
    Ok(json)
}

/// What [`result_json`] writes, read back: what [`Engine::chrome_trace`] checks a copy against.
fn result_value(result: &RunResult, run_id: u32) -> Result<serde_json::Value, JsError> {
    Ok(serde_json::from_str(&result_json(result, run_id)?)?)
}

/// A run in progress (or finished): watch it, cancel it, await its result.
#[wasm_bindgen]
pub struct RunHandle {
    state: Arc<RunState>,
    origin: f64,
    done: Promise,
    /// [`crate::runner::RunSetup`] as JSON.
    setup: String,
}

// Its methods only read the run's state (atomics: the trace is lock-free) or cancel it.
impl std::panic::UnwindSafe for RunHandle {}
impl std::panic::RefUnwindSafe for RunHandle {}

#[wasm_bindgen]
impl RunHandle {
    /// What the run will be, as JSON (`strategy`, `requestedStrategy`, `threads`, `predictedMs`,
    /// `tasks`, `lanes`, `groupNames`, `notice?`): known as it starts, from the one reading of
    /// its workload.
    #[wasm_bindgen(getter)]
    pub fn setup(&self) -> String {
        self.setup.clone()
    }

    /// Stops the run: computing sees it within microseconds, waits are cut short.
    pub fn cancel(&self) {
        self.state.cancel.cancel();
    }

    /// Spans recorded from index `from` on, packed as the contract's `packedSpan` says (task,
    /// group, step, lane, kind, start, end, then lock, holder, holderLane and value, NaN where
    /// a span has none; times in ms from the start of the run). A copy: safe to keep after
    /// wasm memory grows.
    #[wasm_bindgen(js_name = spansSince)]
    pub fn spans_since(&self, from: u32) -> Float64Array {
        let (spans, _) = self.state.trace.read_from(from as usize);
        let mut packed = Vec::with_capacity(spans.len() * Span::PACKED_LEN);
        spans
            .iter()
            .for_each(|s| s.pack_into(&mut packed, self.origin));
        Float64Array::from(&packed[..])
    }

    #[wasm_bindgen(js_name = tasksDone)]
    pub fn tasks_done(&self) -> u32 {
        self.state.tasks_done()
    }

    #[wasm_bindgen(js_name = elapsedMs)]
    pub fn elapsed_ms(&self) -> f64 {
        PerformanceClock.now_ms() - self.origin
    }

    /// Resolves to the result as JSON once the run has ended (completed or cancelled).
    pub fn done(&self) -> Promise {
        self.done.clone()
    }
}

/// Measures the kernel's speed on this thread, in iterations per ms: the engine's calibration
/// (and the benchmark's comparison with the native build). Takes about 100 ms.
#[wasm_bindgen(js_name = kernelIterationsPerMs)]
pub fn kernel_iterations_per_ms() -> f64 {
    let Calibration {
        iterations_per_ms, ..
    } = calibrate(&PerformanceClock);
    iterations_per_ms
}

/// A first measure of the kernel's speed on this thread, in iterations per ms, in about
/// 20 ms (samples of 2 ms): what the engine uses from the moment the page is ready until
/// [`Engine::refine_calibration`] has measured it properly.
#[wasm_bindgen(js_name = quickKernelIterationsPerMs)]
pub fn quick_kernel_iterations_per_ms() -> f64 {
    calibrate_quickly(&PerformanceClock).iterations_per_ms
}
