//! What a thread can do: read the shared clock, compute, and block while waiting.
//!
//! The strategies only see the [`Machine`] trait, so they run the same on the host (tests, with
//! a real or a fake clock) and in the browser (the `web` module supplies a clock made from
//! `performance.timeOrigin + performance.now()`).

use crate::cancel::{Cancel, Cancelled};
use std::sync::atomic::{AtomicU64, Ordering};

/// Milliseconds on one clock shared by every thread of a run.
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> f64;
}

/// What a thread does with the pieces of a task.
pub trait Machine: Send + Sync + 'static {
    fn now_ms(&self) -> f64;
    /// Computes for about `ms` (real CPU work, a calibrated number of kernel iterations).
    fn compute(&self, ms: f64, cancel: &Cancel) -> Result<(), Cancelled>;
    /// Blocks the calling thread for `ms`, as a thread in a blocking system call would.
    /// Only for worker threads: the browser forbids blocking the page's main thread.
    fn block(&self, ms: f64, cancel: &Cancel) -> Result<(), Cancelled>;
    /// The kernel speed `compute` converts time to work with (a process gets the page's, so
    /// it does the same work).
    fn iterations_per_ms(&self) -> f64;
    /// Whether this machine was to panic (a test forcing one: see [`crate::panic`]); after
    /// this call it won't. Work handed to another instance of the module (a process) passes
    /// the panic on this way.
    fn take_forced_panic(&self) -> bool {
        false
    }
}

/// The CPU kernel: a chain of 64-bit mix steps (xor-shift, multiply, add the counter).
///
/// Each step depends on the one before, so it can't be vectorised, spread over cores or
/// computed in closed form; the result is folded into [`SINK`], so it can't be optimised away.
/// Its cost per iteration is constant, so a calibration (iterations per ms) converts time to
/// work linearly, and it uses only integer ops that wasm and native both have.
#[inline(never)]
pub fn kernel(seed: u64, iterations: u64) -> u64 {
    let mut x = seed | 1;
    for i in 0..iterations {
        x = (x ^ (x >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 32;
        x = x.wrapping_add(i);
    }
    x
}

/// A checksum of `bytes` (a mix of each 8-byte word, in order): reading input for real.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    let mut x = 0x5EED_u64;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        x = (x ^ word)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(17);
    }
    chunks
        .remainder()
        .iter()
        .fold(x, |x, &b| (x ^ b as u64).wrapping_mul(31))
}

/// Where kernel results go, so no compiler can prove them unused.
pub static SINK: AtomicU64 = AtomicU64::new(0);

/// Iterations between two looks at the cancel flag: a few microseconds of work.
pub const KERNEL_CHUNK: u64 = 4_096;

/// Kernel speed on this machine, measured once at start-up.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Calibration {
    pub iterations_per_ms: f64,
    /// How long the measurement took.
    pub measured_ms: f64,
}

impl Calibration {
    /// Runs the kernel for `iterations`, checking `cancel` every [`KERNEL_CHUNK`].
    pub fn run_iterations(iterations: u64, cancel: &Cancel) -> Result<(), Cancelled> {
        let mut done = 0;
        let mut x = 0x5EED;
        while done < iterations {
            cancel.check()?;
            let n = KERNEL_CHUNK.min(iterations - done);
            x = kernel(x, std::hint::black_box(n));
            done += n;
        }
        SINK.fetch_xor(x, Ordering::Relaxed);
        Ok(())
    }

    pub fn iterations_for(&self, ms: f64) -> u64 {
        (ms * self.iterations_per_ms).round() as u64
    }
}

/// Measures kernel iterations per millisecond: grows a sample until it takes about 10 ms,
/// then keeps sampling until the fastest sample has not improved for five samples (at most
/// [`MAX_CALIBRATION_SAMPLES`]), and keeps the fastest. Slower samples were interrupted by
/// something else, or ran before the engine finished optimising the kernel: in the browser,
/// wasm starts in a baseline compiler and tiers up while it runs.
///
/// A sample lasts at least [`TICKS_PER_SAMPLE`] ticks of `clock`: without cross-origin
/// isolation, Firefox and WebKit give `performance.now()` in whole milliseconds, where a 2 ms
/// sample can read 0 ms once the kernel is optimised (measured in WebKitGTK: 130 times the
/// real speed, so every task then computed 130 times too long).
pub fn calibrate(clock: &dyn Clock) -> Calibration {
    Calibrator::full(clock).finish()
}

/// [`calibrate`] with samples of about 2 ms: about 20 ms in all instead of 100-400, for a
/// first figure while the page starts (a later [`calibrate`] refines it). On a clock of whole
/// milliseconds samples last 10 ms (about 100 ms in all).
pub fn calibrate_quickly(clock: &dyn Clock) -> Calibration {
    Calibrator::new(clock, 2.0, TICKS_PER_SAMPLE / 2.0).finish()
}

/// How many of its clock's ticks a calibration sample lasts, at least: a sample is off by up
/// to a tick, so this bounds the error to about 5 %.
pub const TICKS_PER_SAMPLE: f64 = 20.0;

/// A calibration ([`calibrate`]) taken one sample at a time, so that a caller on the page's
/// thread can let the page draw between two samples instead of freezing it for the whole
/// measurement (up to 40 samples of 20 ms on a clock of whole milliseconds).
pub struct Calibrator<'c> {
    clock: &'c dyn Clock,
    start: f64,
    tick: f64,
    sample_ms: f64,
    /// Iterations per sample: doubled until a sample lasts `sample_ms`.
    n: u64,
    growing: bool,
    /// The fastest rate of the samples long enough to time, in iterations per ms.
    best: f64,
    samples: u32,
    since_best: u32,
    /// The rate of the last sample, long enough or not.
    last_rate: f64,
}

impl<'c> Calibrator<'c> {
    /// The full calibration: samples of 10 ms, or 20 ticks of a coarser clock.
    pub fn full(clock: &'c dyn Clock) -> Self {
        Calibrator::new(clock, 10.0, TICKS_PER_SAMPLE)
    }

    fn new(clock: &'c dyn Clock, sample_ms: f64, ticks_per_sample: f64) -> Self {
        let start = clock.now_ms();
        let tick = tick_ms(clock);
        let sample_ms = sample_ms.max(ticks_per_sample * tick);
        Calibrator {
            clock,
            start,
            tick,
            sample_ms,
            n: KERNEL_CHUNK,
            growing: true,
            best: 0.0,
            samples: 0,
            since_best: 0,
            last_rate: 0.0,
        }
    }

    fn timed(&self, n: u64) -> f64 {
        let t0 = self.clock.now_ms();
        let _ = Calibration::run_iterations(n, &Cancel::new());
        self.clock.now_ms() - t0
    }

    /// Takes the next sample (at most about `sample_ms`, or twice that while the kernel gets
    /// faster); the calibration once it is done.
    pub fn step(&mut self) -> Option<Calibration> {
        if self.growing {
            if self.timed(self.n) < self.sample_ms && self.n < (1 << 40) {
                self.n *= 2;
            } else {
                self.growing = false;
            }
            return None;
        }
        let ms = self.timed(self.n);
        self.samples += 1;
        self.last_rate = self.n as f64 / ms.max(self.tick).max(1e-3);
        if ms < self.sample_ms / 2.0 {
            // The kernel got faster (the engine optimised it): too short to time on this
            // clock. Longer samples from now on; this one doesn't count.
            self.n *= 2;
            self.since_best = 0;
        } else {
            let rate = self.n as f64 / ms;
            if rate > self.best * 1.01 {
                self.best = rate;
                self.since_best = 0;
            } else {
                self.since_best += 1;
            }
        }
        let stable = self.samples >= 5 && self.since_best >= 5;
        (stable || self.samples >= MAX_CALIBRATION_SAMPLES).then(|| self.result())
    }

    /// Takes every sample left, and returns the calibration.
    pub fn finish(mut self) -> Calibration {
        loop {
            if let Some(calibration) = self.step() {
                return calibration;
            }
        }
    }

    fn result(&self) -> Calibration {
        let best = if self.best > 0.0 {
            self.best
        } else {
            // Every sample was cut short (40 doublings in a row): the last one, at most a
            // tick off.
            self.last_rate
        };
        Calibration {
            iterations_per_ms: best,
            measured_ms: self.clock.now_ms() - self.start,
        }
    }
}

/// The smallest step `clock` takes between two reads (0 if it never moved in a million
/// reads, as a test's fake clock may not).
pub fn tick_ms(clock: &dyn Clock) -> f64 {
    let mut smallest = f64::INFINITY;
    for _ in 0..5 {
        let t0 = clock.now_ms();
        for _ in 0..1_000_000 {
            let t1 = clock.now_ms();
            if t1 != t0 {
                smallest = smallest.min(t1 - t0);
                break;
            }
        }
    }
    if smallest.is_finite() {
        smallest
    } else {
        0.0
    }
}

/// Bounds calibration at about 40 samples (of 10 ms, or 2 ms when quick).
pub const MAX_CALIBRATION_SAMPLES: u32 = 40;

/// Blocks by sleeping in short slices, checking the flag between them, so a cancel is seen
/// within [`BLOCK_SLICE_MS`]. On wasm workers `std::thread::sleep` is `memory.atomic.wait32`.
pub const BLOCK_SLICE_MS: f64 = 5.0;

/// A machine that really computes and really sleeps, on a given clock.
///
/// Its calibration can be refined while threads use it (a later, faster measurement replaces
/// a start-up one disturbed by other start-up work): it is held in atomics, because the page's
/// main thread must never wait on a lock a worker holds.
pub struct RealMachine<C: Clock> {
    pub clock: C,
    iterations_per_ms: AtomicU64,
    measured_ms: AtomicU64,
}

impl<C: Clock> RealMachine<C> {
    pub fn new(clock: C, calibration: Calibration) -> Self {
        RealMachine {
            clock,
            iterations_per_ms: AtomicU64::new(calibration.iterations_per_ms.to_bits()),
            measured_ms: AtomicU64::new(calibration.measured_ms.to_bits()),
        }
    }

    pub fn calibration(&self) -> Calibration {
        Calibration {
            iterations_per_ms: f64::from_bits(self.iterations_per_ms.load(Ordering::Relaxed)),
            measured_ms: f64::from_bits(self.measured_ms.load(Ordering::Relaxed)),
        }
    }

    /// Keeps `measured` if it found the kernel faster: a slower measurement was disturbed.
    /// Returns the calibration now in use.
    pub fn keep_faster(&self, measured: Calibration) -> Calibration {
        if measured.iterations_per_ms > self.calibration().iterations_per_ms {
            self.iterations_per_ms
                .store(measured.iterations_per_ms.to_bits(), Ordering::Relaxed);
            self.measured_ms
                .store(measured.measured_ms.to_bits(), Ordering::Relaxed);
        }
        self.calibration()
    }
}

impl<C: Clock> Machine for RealMachine<C> {
    fn now_ms(&self) -> f64 {
        self.clock.now_ms()
    }

    fn compute(&self, ms: f64, cancel: &Cancel) -> Result<(), Cancelled> {
        Calibration::run_iterations(self.calibration().iterations_for(ms), cancel)
    }

    fn iterations_per_ms(&self) -> f64 {
        self.calibration().iterations_per_ms
    }

    fn block(&self, ms: f64, cancel: &Cancel) -> Result<(), Cancelled> {
        let deadline = self.clock.now_ms() + ms;
        loop {
            cancel.check()?;
            let left = deadline - self.clock.now_ms();
            if left <= 0.0 {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_secs_f64(
                left.min(BLOCK_SLICE_MS) / 1e3,
            ));
        }
    }
}

/// The host's monotonic clock (not on wasm32, where `Instant` is unsupported).
#[cfg(not(target_arch = "wasm32"))]
pub struct InstantClock(std::time::Instant);

#[cfg(not(target_arch = "wasm32"))]
impl InstantClock {
    pub fn new() -> Self {
        InstantClock(std::time::Instant::now())
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Default for InstantClock {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Clock for InstantClock {
    fn now_ms(&self) -> f64 {
        self.0.elapsed().as_secs_f64() * 1e3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_is_deterministic_and_depends_on_every_iteration() {
        assert_eq!(kernel(1, 1000), kernel(1, 1000));
        assert_ne!(kernel(1, 1000), kernel(1, 1001));
        assert_ne!(kernel(1, 1000), kernel(3, 1000));
        // A known value pins the kernel: the wasm build must compute the same thing.
        assert_eq!(kernel(0x5EED, 10), KNOWN_10);
    }
    const KNOWN_10: u64 = 9_794_165_311_799_766_139;

    #[test]
    fn calibration_converts_time_to_work_linearly() {
        let machine = RealMachine::new(InstantClock::new(), calibrate(&InstantClock::new()));
        assert!(
            machine.calibration().iterations_per_ms > 1_000.0,
            "{:?}",
            machine.calibration()
        );
        let never = Cancel::new();
        let took = |ms: f64| {
            let t0 = machine.now_ms();
            machine.compute(ms, &never).unwrap();
            machine.now_ms() - t0
        };
        let (short, long) = (took(20.0), took(80.0));
        // Generous bounds: a shared 2-core machine is noisy (calibrated while another build
        // ran, then computing alone, 20 ms of work can take a fifth of that, or ten times it).
        assert!(
            (4.0..200.0).contains(&short),
            "20 ms of work took {short:.1} ms"
        );
        assert!(
            long > 2.0 * short,
            "80 ms of work ({long:.1} ms) should take far longer than 20 ms ({short:.1} ms)"
        );
    }

    #[test]
    fn a_quick_calibration_measures_the_kernel_in_well_under_a_second() {
        // At most 40 samples of about 2 ms after growing a sample to 2 ms: ~100 ms even in a
        // debug build; generous bounds, a shared 2-core machine is noisy.
        let quick = calibrate_quickly(&InstantClock::new());
        assert!(quick.iterations_per_ms > 1_000.0, "{quick:?}");
        assert!(quick.measured_ms < 1_000.0, "{quick:?}");
    }

    /// A clock of whole milliseconds, as Firefox and WebKit give a page without cross-origin
    /// isolation, on which the kernel seems 10 times slower for its first 3 ms: as in a
    /// browser before the engine has optimised it.
    struct CoarseTieringClock(InstantClock);

    impl Clock for CoarseTieringClock {
        fn now_ms(&self) -> f64 {
            let real = self.0.now_ms();
            let seen = if real < 3.0 { real * 10.0 } else { 27.0 + real };
            seen.floor()
        }
    }

    #[test]
    fn a_clock_of_whole_milliseconds_still_calibrates_the_kernel() {
        // Samples of 2 ms once read 0 ms on such a clock, after the kernel got faster, and
        // the calibration came out 130 times too fast (measured in WebKitGTK).
        let fine = calibrate(&InstantClock::new()).iterations_per_ms;
        assert_eq!(tick_ms(&CoarseTieringClock(InstantClock::new())), 1.0);
        for (what, coarse) in [
            (
                "quick",
                calibrate_quickly(&CoarseTieringClock(InstantClock::new())),
            ),
            ("full", calibrate(&CoarseTieringClock(InstantClock::new()))),
        ] {
            let ratio = coarse.iterations_per_ms / fine;
            // Generous: a shared 2-core machine is noisy; the bug was 100 times off.
            assert!(
                (0.33..3.0).contains(&ratio),
                "{what}: {coarse:?} on a 1 ms clock, {fine:.0} iterations/ms on a fine one"
            );
        }
    }

    #[test]
    fn the_tick_of_a_clock_is_its_smallest_step() {
        assert!(tick_ms(&InstantClock::new()) < 0.01);
        struct Stopped;
        impl Clock for Stopped {
            fn now_ms(&self) -> f64 {
                5.0
            }
        }
        assert_eq!(tick_ms(&Stopped), 0.0);
    }

    #[test]
    fn compute_and_block_stop_soon_after_cancel() {
        let machine = std::sync::Arc::new(RealMachine::new(
            InstantClock::new(),
            calibrate(&InstantClock::new()),
        ));
        for blocking in [false, true] {
            let cancel = std::sync::Arc::new(Cancel::new());
            let (m, c) = (machine.clone(), cancel.clone());
            let worker = std::thread::spawn(move || {
                let t0 = m.now_ms();
                let r = if blocking {
                    m.block(5_000.0, &c)
                } else {
                    m.compute(5_000.0, &c)
                };
                (r, m.now_ms() - t0)
            });
            std::thread::sleep(std::time::Duration::from_millis(30));
            cancel.cancel();
            let (result, took) = worker.join().unwrap();
            assert_eq!(result, Err(Cancelled));
            assert!(
                took < 30.0 + 100.0,
                "blocking={blocking}: stopped after {took:.0} ms"
            );
        }
    }

    #[test]
    fn a_refined_calibration_is_kept_only_if_faster() {
        let at = |rate| Calibration {
            iterations_per_ms: rate,
            measured_ms: 1.0,
        };
        let machine = RealMachine::new(InstantClock::new(), at(250_000.0));
        assert_eq!(
            machine.keep_faster(at(200_000.0)).iterations_per_ms,
            250_000.0
        );
        assert_eq!(
            machine.keep_faster(at(340_000.0)).iterations_per_ms,
            340_000.0
        );
        assert_eq!(machine.calibration().iterations_for(2.0), 680_000);
    }

    #[test]
    fn block_waits_about_as_long_as_asked() {
        let machine = RealMachine::new(
            InstantClock::new(),
            Calibration {
                iterations_per_ms: 1.0,
                measured_ms: 0.0,
            },
        );
        let t0 = machine.now_ms();
        machine.block(30.0, &Cancel::new()).unwrap();
        let took = machine.now_ms() - t0;
        assert!((30.0..80.0).contains(&took), "{took}");
    }
}
