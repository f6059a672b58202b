//! Panics: a bug in the engine ends the run it happened in with an error, and the next run
//! works.
//!
//! The wasm module is built with `panic=unwind` (build.sh), so a panic unwinds as it does
//! natively: every lock and borrow it held is released on the way. Where work runs on a
//! worker, the job catches its own panic ([`catch`]) and hands it to the thread that awaits
//! its result, which raises it again there ([`raise`]); the run's own catch (in `runner`) turns
//! it into the run's error. A rayon worker never sees a panic (rayon aborts on one it catches
//! in a `spawn`ed job, which would end the worker and the pool with it).
//!
//! [`PanickingMachine`] forces one, so tests (native, in the browser, on the page) can prove it.

use crate::cancel::{Cancel, Cancelled};
use crate::machine::Machine;
use std::any::Any;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A caught panic, to raise again elsewhere.
pub type Payload = Box<dyn Any + Send>;

/// Runs `f`, catching a panic. `AssertUnwindSafe`: whoever awaits the result raises the
/// panic again, so nothing `f` touched is used as if the panic had not happened.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, Payload> {
    catch_unwind(AssertUnwindSafe(f))
}

/// Raises a caught panic again on this thread.
pub fn raise(payload: Payload) -> ! {
    resume_unwind(payload)
}

/// What a panic said (`panic!("...")` carries a `&str` or a `String`).
pub fn message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "it said nothing".to_string())
}

/// The error a run ends with when the engine panicked in it.
pub fn run_error(payload: &(dyn Any + Send)) -> String {
    format!(
        "the engine failed in this run ({}); that is a bug in the playground, and the next run \
         starts afresh",
        message(payload).chars().take(300).collect::<String>()
    )
}

/// What a forced panic says.
pub const FORCED: &str = "a panic forced by a test";

/// A machine that panics at its first `compute` (wherever that runs: the page's thread, a
/// worker, a process), then works as `inner` does. Only for proving that a panic is caught; or,
/// made by [`PanickingMachine::crashing`], that a crash is said (it aborts there instead: in the
/// browser a trap, which ends the module's instance on every thread; a process panics).
pub struct PanickingMachine {
    inner: Arc<dyn Machine>,
    armed: AtomicBool,
    abort: bool,
}

impl PanickingMachine {
    pub fn new(inner: Arc<dyn Machine>) -> PanickingMachine {
        PanickingMachine {
            inner,
            armed: AtomicBool::new(true),
            abort: false,
        }
    }

    pub fn crashing(inner: Arc<dyn Machine>) -> PanickingMachine {
        PanickingMachine {
            abort: true,
            ..PanickingMachine::new(inner)
        }
    }
}

impl Machine for PanickingMachine {
    fn now_ms(&self) -> f64 {
        self.inner.now_ms()
    }
    fn compute(&self, ms: f64, cancel: &Cancel) -> Result<(), Cancelled> {
        if self.take_forced_panic() {
            if self.abort {
                std::process::abort();
            }
            panic!("{FORCED}");
        }
        self.inner.compute(ms, cancel)
    }
    fn block(&self, ms: f64, cancel: &Cancel) -> Result<(), Cancelled> {
        self.inner.block(ms, cancel)
    }
    fn iterations_per_ms(&self) -> f64 {
        self.inner.iterations_per_ms()
    }
    fn take_forced_panic(&self) -> bool {
        self.armed.swap(false, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_keeps_its_message_and_can_be_raised_again() {
        let caught = catch(|| panic!("{}", "boom")).unwrap_err();
        assert_eq!(message(&*caught), "boom");
        assert_eq!(message(&*catch(|| panic!("static")).unwrap_err()), "static");
        let again = catch(|| raise(caught)).unwrap_err();
        assert_eq!(message(&*again), "boom");
        assert!(run_error(&*again).contains("(boom)"));
    }
}
