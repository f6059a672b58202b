//! What a server's users and a page's reader feel during a run: how late the event loop
//! answers, how long each request waited, how many were served per second.
//!
//! The event-loop probe is the idea of Node's `monitorEventLoopDelay`: a timer set every
//! [`PROBE_MS`] on the page's event loop, and how much later than asked it fires. While the
//! loop's thread computes without a break, the timer can't fire: a frozen page shows as a
//! delay as long as the freeze.

use crate::machine::Machine;
use crate::strategy::{EventLoop, TaskTime};
use serde::Serialize;
use std::cell::{Cell, RefCell};

/// How often the probe asks the event loop for a turn, ms (Node's default resolution).
pub const PROBE_MS: f64 = 10.0;

/// How late the event loop answered the probe's timers during a run, ms.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DelayMs {
    /// The timer's interval: how often the loop was asked to answer.
    pub interval_ms: f64,
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
}

/// How long requests took from arrival to end, ms.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LatencyMs {
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

/// The value at fraction `q` (0..=1) of `sorted` (nearest rank), or None when it is empty.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    Some(sorted[rank.min(last)])
}

fn sorted(mut values: Vec<f64>) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    values
}

/// Latency (end - arrival) of the finished tasks; None when none finished.
pub fn latency(times: &[TaskTime]) -> Option<LatencyMs> {
    let done = sorted(
        times
            .iter()
            .filter_map(|t| t.end.map(|end| end - t.arrival))
            .collect(),
    );
    Some(LatencyMs {
        p50: percentile(&done, 0.5)?,
        p95: percentile(&done, 0.95)?,
        max: *done.last()?,
    })
}

/// The event-loop probe of one run.
#[derive(Default)]
pub struct Probe {
    delays: RefCell<Vec<f64>>,
    /// When the timer set last is due (it may not have fired yet).
    due: Cell<Option<f64>>,
}

impl Probe {
    pub fn new() -> Probe {
        Probe::default()
    }

    /// Sets a timer every [`PROBE_MS`] and records how late each fires. Never ends: race it
    /// against the run, and call [`Probe::finish`] when the run has ended.
    pub async fn watch(&self, event_loop: &dyn EventLoop, machine: &dyn Machine) {
        loop {
            self.due.set(Some(machine.now_ms() + PROBE_MS));
            event_loop.sleep(PROBE_MS).await;
            if let Some(due) = self.due.take() {
                self.delays
                    .borrow_mut()
                    .push((machine.now_ms() - due).max(0.0));
            }
        }
    }

    /// The delays, at `now` (the run's end): a timer still waiting counts with how late it
    /// is by now, so a run that froze the loop to its end shows the freeze. None when the run
    /// was too short for a timer to be due.
    pub fn finish(&self, now: f64) -> Option<DelayMs> {
        if let Some(due) = self.due.take() {
            if now > due {
                self.delays.borrow_mut().push(now - due);
            }
        }
        let delays = sorted(self.delays.take());
        Some(DelayMs {
            interval_ms: PROBE_MS,
            p50: percentile(&delays, 0.5)?,
            p99: percentile(&delays, 0.99)?,
            max: *delays.last()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), Some(50.0));
        assert_eq!(percentile(&v, 0.95), Some(95.0));
        assert_eq!(percentile(&v, 0.99), Some(99.0));
        assert_eq!(percentile(&[7.0], 0.95), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn latency_counts_finished_tasks_from_their_arrival() {
        let t = |arrival, end| TaskTime {
            task: 0,
            group: 0,
            arrival,
            start: Some(arrival),
            end,
        };
        let l = latency(&[t(0.0, Some(100.0)), t(40.0, Some(240.0)), t(80.0, None)]).unwrap();
        assert_eq!((l.p50, l.p95, l.max), (100.0, 200.0, 200.0));
        assert_eq!(latency(&[t(0.0, None)]), None);
    }
}
