//! Concurrency vs parallelism, measured: one workload run five ways (sequential, concurrent
//! async tasks, parallel rayon workers, hybrid, processes), every piece of work traced per
//! thread.
//!
//! The core below is platform-free and tested with plain `cargo test`; only `web` touches
//! JavaScript, and only on wasm32.

pub mod cancel;
pub mod contract;
pub mod machine;
pub mod model;
pub mod number;
pub mod panic;
pub mod plan;
pub mod probe;
mod reading;
pub mod runner;
pub mod strategy;
pub mod text;
pub mod trace;
pub mod workload;

#[cfg(test)]
mod testing;

#[cfg(target_arch = "wasm32")]
pub mod web;
