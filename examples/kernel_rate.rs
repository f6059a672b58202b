//! The native kernel speed, for the benchmark's wasm-vs-native comparison.
//!
//! Prints `{"iterationsPerMs": N}`: the median of five `calibrate` runs (each already the
//! fastest of five samples) on the host's monotonic clock.
//!
//!     cargo run --release --example kernel_rate

use playground::machine::{calibrate, InstantClock};

fn main() {
    let mut rates: Vec<f64> = (0..5)
        .map(|_| calibrate(&InstantClock::new()).iterations_per_ms)
        .collect();
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    println!(
        "{}",
        serde_json::json!({ "iterationsPerMs": median.round() as u64 })
    );
    let spread: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
    eprintln!(
        "kernel_rate: samples (iterations/ms, sorted) {}",
        spread.join(" ")
    );
}
