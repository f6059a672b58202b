//! Processes in the browser: both sides of `www/engine/processes.js`.
//!
//! - On the page, [`JsProcesses`] is the core's `Processes` over the JS pool of dedicated
//!   workers: a task goes out as JSON plus a copy of its input, and comes back as events.
//! - In each worker, [`ProcessTaskHandle`] runs one task in that worker's own instance of the
//!   module, a piece at a time, so the worker can post each piece as it ends.

use super::PerformanceClock;
use crate::machine::{Calibration, Clock, Machine, RealMachine};
use crate::panic::PanickingMachine;
use crate::strategy::{ProcessEvent, ProcessFailed, ProcessJob, ProcessTask, Processes};
use crate::trace::{Span, SpanKind};
use futures::future::LocalBoxFuture;
use js_sys::{Float64Array, Function, Promise, Uint8Array};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// The pool of processes (`ProcessPool` in www/engine/processes.js).
    #[derive(Clone)]
    pub type ProcessPool;

    #[wasm_bindgen(method, getter)]
    fn size(this: &ProcessPool) -> u32;

    /// Resolves when the task is done; rejects with an Error if the process failed, or with
    /// `"stopped"` when `stop()` ended it. `on_event(name, numbers)` gets its events.
    #[wasm_bindgen(method, js_name = runTask)]
    fn run_task(
        this: &ProcessPool,
        index: u32,
        job: &str,
        input: Option<Uint8Array>,
        on_event: &Function,
    ) -> Promise;

    #[wasm_bindgen(method)]
    fn stop(this: &ProcessPool);
}

/// The JS pool as the core's `Processes`.
pub struct JsProcesses(pub ProcessPool);

impl Processes for JsProcesses {
    fn size(&self) -> usize {
        self.0.size() as usize
    }

    fn run(
        &self,
        index: usize,
        job: &ProcessJob,
        input: Option<&[u8]>,
        mut on_event: Box<dyn FnMut(ProcessEvent)>,
    ) -> LocalBoxFuture<'static, Result<(), ProcessFailed>> {
        let job = match serde_json::to_string(job) {
            Ok(json) => json,
            Err(e) => return Box::pin(async move { Err(ProcessFailed(e.to_string())) }),
        };
        // The copy a process gets: out of this memory into a buffer the message carries.
        let input = input.map(Uint8Array::from);
        // Unwind safety is asserted: a panic here is thrown to processes.js, which fails the
        // task with it (and the run with the task).
        let events = Closure::<dyn FnMut(String, Float64Array)>::own_assert_unwind_safe(
            move |name: String, numbers: Float64Array| {
                decode_events(&name, &numbers.to_vec())
                    .into_iter()
                    .for_each(&mut on_event);
            },
        );
        // Handlers on the promise at once: a run cancelled before it polls this future
        // still stops the task, and its rejection must not go unhandled (a page error).
        let done = JsFuture::from(self.0.run_task(
            index as u32,
            &job,
            input,
            events.as_ref().unchecked_ref(),
        ));
        Box::pin(async move {
            let outcome = done.await;
            drop(events); // no event comes after the task's promise settles
            outcome.map(|_| ()).map_err(|error| {
                ProcessFailed(
                    error
                        .dyn_ref::<js_sys::Error>()
                        .map(|e| String::from(e.message()))
                        .or_else(|| error.as_string())
                        .unwrap_or_else(|| "it stopped without saying why".into()),
                )
            })
        })
    }

    fn stop(&self) {
        self.0.stop();
    }
}

/// The events in a message from a process: `startup [start, end]`,
/// `began [kind, step, start]`, `spans [packed spans...]` or `counter [made, copy]`. Anything
/// else is dropped.
fn decode_events(name: &str, n: &[f64]) -> Vec<ProcessEvent> {
    match (name, n) {
        ("startup", &[start, end]) => vec![ProcessEvent::Startup { start, end }],
        ("counter", &[made, copy]) => vec![ProcessEvent::Counter {
            made: made as u64,
            copy: copy as u64,
        }],
        ("began", &[kind, step, start]) => SpanKind::from_code(kind as u8)
            .map(|kind| ProcessEvent::Began {
                kind,
                step: step as u16,
                start,
            })
            .into_iter()
            .collect(),
        ("spans", packed) => packed
            .chunks_exact(Span::PACKED_LEN)
            .filter_map(|numbers| Span::unpack_from(numbers, 0.0))
            .map(ProcessEvent::Span)
            .collect(),
        _ => Vec::new(),
    }
}

thread_local! {
    /// This process's own copy of the shared counter: a global of its own instance of the
    /// module, in its own memory, which neither the page nor any other process can see.
    static OWN_COUNTER: Arc<AtomicU64> = Arc::new(AtomicU64::new(0));
}

/// One task in this worker's instance of the module (the worker side of a process).
#[wasm_bindgen(js_name = ProcessTask)]
pub struct ProcessTaskHandle(ProcessTask);

// A panic in a method (wasm-bindgen throws it to process.js as a `PanicError`) ends the task:
// process.js fails it and frees the handle, and the pool ends the process; nothing the panic
// left half-done is used again.
impl std::panic::UnwindSafe for ProcessTaskHandle {}
impl std::panic::RefUnwindSafe for ProcessTaskHandle {}

#[wasm_bindgen(js_class = ProcessTask)]
impl ProcessTaskHandle {
    /// `job`: the JSON the page sent; `input`: its copy of the task's input (now copied into
    /// this memory, which ends the transfer); `ready_at`: when this process became ready.
    #[wasm_bindgen(constructor)]
    pub fn new(
        job: &str,
        input: Option<Vec<u8>>,
        ready_at: f64,
    ) -> Result<ProcessTaskHandle, JsError> {
        let job = ProcessJob::from_json(job)
            .map_err(|e| JsError::new(&format!("not a process job: {e}")))?;
        let mut machine: Arc<dyn Machine> = Arc::new(RealMachine::new(
            PerformanceClock,
            Calibration {
                iterations_per_ms: job.iterations_per_ms,
                measured_ms: 0.0,
            },
        ));
        if job.panic {
            machine = Arc::new(PanickingMachine::new(machine));
        }
        let counter = OWN_COUNTER.with(Arc::clone);
        Ok(ProcessTaskHandle(ProcessTask::new(
            job, machine, input, ready_at, counter,
        )))
    }

    /// The copy of the input as a packed span, if the task has input.
    pub fn transfer(&self) -> Option<Float64Array> {
        self.0.transfer().map(|span| packed(&[span]))
    }

    /// `[kind code, step]` of the piece of work under way or next (the instants on the counter
    /// and the locks before it are done now), or nothing when no work is left.
    #[wasm_bindgen(js_name = nextPiece)]
    pub fn next_piece(&mut self) -> Option<Vec<f64>> {
        self.0
            .next_piece()
            .map(|(kind, step)| vec![kind.code() as f64, step as f64])
    }

    /// Works on the current piece for about `budget_ms` (blocking this worker); returns its
    /// span, packed, once the piece is done (after the spans of the instants before it).
    pub fn work(&mut self, budget_ms: f64) -> Option<Float64Array> {
        let span = self.0.work(budget_ms)?;
        let mut spans = self.0.take_instants();
        spans.push(span);
        Some(packed(&spans))
    }

    /// Once no work is left: the spans of the last instants (the last write, the locks'
    /// release), packed.
    pub fn finish(&mut self) -> Float64Array {
        packed(&self.0.finish())
    }

    /// `[made, copy]`: the increments this task made, and this process's own copy of the
    /// counter now.
    pub fn counts(&self) -> Vec<f64> {
        let (made, copy) = self.0.counts();
        vec![made as f64, copy as f64]
    }
}

fn packed(spans: &[Span]) -> Float64Array {
    let mut numbers = Vec::with_capacity(spans.len() * Span::PACKED_LEN);
    spans.iter().for_each(|s| s.pack_into(&mut numbers, 0.0));
    Float64Array::from(&numbers[..])
}

/// Runs the kernel for about `ms` on this thread, so a new process's module is compiled by
/// the engine's optimizing tier before its first task. Returns the shared clock's time.
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up(ms: f64) -> f64 {
    let clock = PerformanceClock;
    let until = clock.now_ms() + ms;
    let never = crate::cancel::Cancel::new();
    while clock.now_ms() < until {
        let _ = Calibration::run_iterations(crate::machine::KERNEL_CHUNK * 16, &never);
    }
    clock.now_ms()
}

/// The shared clock (`performance.timeOrigin + now()`) on this thread.
#[wasm_bindgen(js_name = sharedNow)]
pub fn shared_now() -> f64 {
    PerformanceClock.now_ms()
}

/// This module, compiled: a process instantiates it with its own memory instead of fetching
/// and compiling it again (and gets the code the engine already optimized).
#[wasm_bindgen(js_name = compiledModule)]
pub fn compiled_module() -> JsValue {
    wasm_bindgen::module()
}
